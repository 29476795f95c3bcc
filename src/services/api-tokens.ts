import { createHash, randomBytes } from "node:crypto";
import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import type { Role } from "../domain/types.js";
import { activeMemberOf } from "./staff.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** Tokens are stored as SHA-256: a leaked database leaks no usable token. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function newTokenValue(): string {
  return `rfp_${randomBytes(24).toString("base64url")}`;
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]{8,512})$/;

/**
 * Resolves an `Authorization` header. No header → anonymous (null). A header that is not a
 * well-formed bearer token, or names no live token, is refused with INVALID_TOKEN.
 */
export async function viewerFromAuthorization(db: Database, header: string | null | undefined): Promise<Viewer | null> {
  if (!header) return null;
  const match = BEARER.exec(header.trim());
  if (!match) fail("INVALID_TOKEN", "The Authorization header must be `Bearer <token>`");
  // One statement on every request: a deactivated member's tokens go with it (people who left
  // cannot act), checked in the same WHERE rather than by a second query.
  const token = await db.prisma.apiToken.findFirst({
    where: { tokenHash: hashToken(match[1]!), OR: [{ staffMemberId: null }, { staffMember: { active: true } }] },
  });
  if (!token || token.revokedAt) fail("INVALID_TOKEN", "The API token is unknown or revoked");
  return {
    tokenId: token.id,
    role: token.role,
    shopId: token.shopId,
    customerId: token.customerId,
    staffMemberId: token.staffMemberId,
    label: token.label,
  };
}

export interface CreateApiTokenInput {
  shopId?: string | null;
  role: Role;
  customerId?: string | null;
  /** A staff token may belong to one active member of the shop with the same role. */
  staffMemberId?: string | null;
  label?: string | null;
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
  const token = newTokenValue();
  const apiToken = await db.prisma.apiToken.create({
    data: { shopId, role: input.role, customerId, staffMemberId, label: input.label ?? null, tokenHash: hashToken(token) },
  });
  return { token, apiToken };
}

/** Makes `BOOTSTRAP_ADMIN_TOKEN` a valid PLATFORM_ADMIN token; running it again changes nothing. */
export async function ensureBootstrapAdminToken(db: Database, token: string): Promise<void> {
  await db.prisma.apiToken.upsert({
    where: { tokenHash: hashToken(token) },
    create: { role: "PLATFORM_ADMIN", label: "bootstrap admin", tokenHash: hashToken(token) },
    update: {},
  });
}

/** Issues a token without a caller (demo data and tests set up through this). */
export async function issueApiToken(db: Database, data: { shopId: string | null; role: Role; customerId?: string; label: string }) {
  const token = newTokenValue();
  await db.prisma.apiToken.create({ data: { ...data, tokenHash: hashToken(token) } });
  return token;
}
