import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import type { Role } from "../domain/types.js";
import { recordAudit } from "./audit.js";
import type { CredentialChanges } from "./credential-changes.js";
import { activeMemberOf } from "./staff.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** Tokens are stored as SHA-256: a leaked database leaks no usable token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A new plaintext token (apps take theirs from here too). */
export function newTokenValue(): string {
  return `rfp_${randomBytes(24).toString("base64url")}`;
}

export interface CreateApiTokenInput {
  shopId?: string | null;
  role: Role;
  customerId?: string | null;
  /** A staff token may belong to one active member of the shop with the same role. */
  staffMemberId?: string | null;
  label?: string | null;
  /** After this the token is refused; null: no expiry. */
  expiresAt?: Date | null;
}

function checkedExpiry(expiresAt: Date | null | undefined): Date | null {
  if (!expiresAt) return null;
  if (Number.isNaN(expiresAt.getTime()) || expiresAt.getTime() <= Date.now()) fail("INVALID_INPUT", "expiresAt must be in the future", ["input", "expiresAt"]);
  return expiresAt;
}

export async function createApiToken(db: Database, viewer: Viewer | null, input: CreateApiTokenInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  if (input.role === "PLATFORM_ADMIN" && caller.role !== "PLATFORM_ADMIN") {
    fail("FORBIDDEN", "Only a platform admin may create platform admin tokens", ["input", "role"]);
  }
  const shopId = input.role === "PLATFORM_ADMIN" ? null : resolveShopId(caller, input.shopId);
  if (shopId && !(await db.prisma.shop.findUnique({ where: { id: shopId } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  let customerId: string | null = null;
  if (input.role === "CUSTOMER") {
    if (!input.customerId) fail("CUSTOMER_REQUIRED", "A CUSTOMER token is bound to one customer: pass customerId", ["input", "customerId"]);
    const customer = await db.prisma.customer.findFirst({ where: { id: input.customerId, shopId: shopId! } });
    if (!customer) fail("NOT_FOUND", "No such customer in this shop", ["input", "customerId"]);
    customerId = customer.id;
  } else if (input.customerId) {
    fail("INVALID_INPUT", "Only CUSTOMER tokens are bound to a customer", ["input", "customerId"]);
  }
  let staffMemberId: string | null = null;
  if (input.staffMemberId) {
    const field = ["input", "staffMemberId"];
    if (!shopId) fail("INVALID_INPUT", "A platform admin token belongs to no shop's staff member", field);
    const member = await activeMemberOf(db.prisma, shopId, input.staffMemberId, field);
    if (member.role !== input.role) fail("INVALID_INPUT", `${member.name} is ${member.role}: the token's role must be the same`, field);
    staffMemberId = member.id;
  }
  const expiresAt = checkedExpiry(input.expiresAt);
  const token = newTokenValue();
  const apiToken = await db.prisma.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: { shopId, role: input.role, customerId, staffMemberId, label: input.label ?? null, tokenHash: hashToken(token), expiresAt },
    });
    await recordAudit(tx, caller, { shopId, action: "apiToken.create", targetType: "ApiToken", targetId: created.id, details: { role: input.role, label: created.label, expiresAt } });
    return created;
  });
  return { token, apiToken };
}

/** A token the caller administers: its shop's (SHOP_ADMIN) or any (PLATFORM_ADMIN). */
async function administeredToken(db: Database, caller: Viewer, tokenId: string) {
  const token = await db.prisma.apiToken.findFirst({ where: { id: tokenId, ...(caller.role !== "PLATFORM_ADMIN" && { shopId: caller.shopId }) } });
  if (!token) fail("NOT_FOUND", "No such API token", ["input", "tokenId"]);
  // A shop admin does not manage platform tokens (they belong to no shop, so are not found above).
  return token;
}

/**
 * `revokeApiToken`: the token stops working at once, on every process, and the subscriptions
 * opened with it end (CREDENTIAL_ENDED) before this answers; revoking twice changes nothing.
 */
export async function revokeApiToken(db: Database, credentials: CredentialChanges, viewer: Viewer | null, input: { tokenId: string }) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const token = await administeredToken(db, caller, input.tokenId);
  if (token.revokedAt) return token;
  const revoked = await db.prisma.$transaction(async (tx) => {
    const changed = await tx.apiToken.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    await recordAudit(tx, caller, { shopId: token.shopId, action: "apiToken.revoke", targetType: "ApiToken", targetId: token.id });
    return changed;
  });
  await credentials.changed({ kind: "token", tokenId: token.id, tokenHash: token.tokenHash, reason: "revoked" });
  return revoked;
}

/**
 * `rotateApiToken`: a new secret for the same token (id, role, label, owner); the old one stops
 * working at once, and the subscriptions opened with it end. The new plaintext is answered once,
 * like at creation.
 */
export async function rotateApiToken(db: Database, credentials: CredentialChanges, viewer: Viewer | null, input: { tokenId: string; expiresAt?: Date | null }) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN"]);
  const token = await administeredToken(db, caller, input.tokenId);
  if (token.revokedAt) fail("INVALID_INPUT", "A revoked token cannot be rotated: create a new one", ["input", "tokenId"]);
  const expiresAt = input.expiresAt === undefined ? token.expiresAt : checkedExpiry(input.expiresAt);
  const plaintext = newTokenValue();
  const apiToken = await db.prisma.$transaction(async (tx) => {
    const rotated = await tx.apiToken.update({ where: { id: token.id }, data: { tokenHash: hashToken(plaintext), expiresAt, lastUsedAt: null } });
    await recordAudit(tx, caller, { shopId: token.shopId, action: "apiToken.rotate", targetType: "ApiToken", targetId: token.id, details: { expiresAt } });
    return rotated;
  });
  await credentials.changed({ kind: "token", tokenId: token.id, tokenHash: token.tokenHash, reason: "rotated" });
  return { token: plaintext, apiToken };
}

/** The query of `apiTokens`: the shop's tokens, newest first, revoked ones included. */
export function apiTokensQuery(viewer: Viewer, shopId: string | null) {
  const shop = resolveShopId(requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]), shopId);
  return { where: { shopId: shop }, orderBy: [{ createdAt: "desc" as const }, { id: "desc" as const }] };
}

/** Makes `BOOTSTRAP_ADMIN_TOKEN` a valid PLATFORM_ADMIN token; running it again changes nothing. */
export async function ensureBootstrapAdminToken(db: Database, token: string): Promise<void> {
  await db.prisma.apiToken.upsert({
    where: { tokenHash: hashToken(token) },
    create: { role: "PLATFORM_ADMIN", label: "bootstrap admin", tokenHash: hashToken(token) },
    update: {},
  });
}

/**
 * Who acts for `npm run token`: a person with a shell on the server and the database's
 * credentials, who could write any row anyway. Named in the audit entry of each token it makes.
 */
export const CONSOLE_OPERATOR: Viewer = { tokenId: "console", role: "PLATFORM_ADMIN", shopId: null, customerId: null, label: "npm run token" };

/**
 * `npm run token`: a new token for the shop named (by its name or row id), through
 * createApiToken, so the same checks and the same audit entry apply as over the API. A CUSTOMER
 * token names its customer by the shop's external id.
 */
export async function createTokenFromConsole(db: Database, input: { shop?: string; role: Role; label?: string; customerExternalId?: string }) {
  let shopId: string | null = null;
  if (input.role !== "PLATFORM_ADMIN") {
    if (!input.shop) fail("INVALID_INPUT", `A ${input.role} token belongs to a shop: pass --shop <name>`, ["shop"]);
    const shops = await db.prisma.shop.findMany({ where: { OR: [{ name: input.shop }, { id: input.shop }] }, select: { id: true, name: true }, take: 10 });
    if (shops.length === 0) {
      const names = (await db.prisma.shop.findMany({ select: { name: true }, orderBy: { createdAt: "asc" }, take: 20 })).map((shop) => shop.name);
      fail("NOT_FOUND", `No shop named "${input.shop}"; shops: ${names.length ? names.map((name) => `"${name}"`).join(", ") : "none"}`, ["shop"]);
    }
    if (shops.length > 1) fail("INVALID_INPUT", `${shops.length} shops are named "${input.shop}": pass one's id (${shops.map((shop) => shop.id).join(", ")})`, ["shop"]);
    shopId = shops[0]!.id;
  }
  let customerId: string | null = null;
  if (input.customerExternalId) {
    const customer = shopId ? await db.prisma.customer.findFirst({ where: { shopId, externalId: input.customerExternalId }, select: { id: true } }) : null;
    if (!customer) fail("NOT_FOUND", `No customer with external id "${input.customerExternalId}" in this shop`, ["customer"]);
    customerId = customer.id;
  }
  return createApiToken(db, CONSOLE_OPERATOR, { shopId, role: input.role, customerId, label: input.label ?? `${input.role.toLowerCase()} (npm run token)` });
}

/** Issues a token without a caller (demo data and tests set up through this). */
export async function issueApiToken(db: Database, data: { shopId: string | null; role: Role; customerId?: string; staffMemberId?: string; label: string }) {
  const token = newTokenValue();
  await db.prisma.apiToken.create({ data: { ...data, tokenHash: hashToken(token) } });
  return token;
}
