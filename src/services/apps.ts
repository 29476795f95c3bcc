import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import type { Role } from "../domain/types.js";
import { APP_CREATOR_ROLES, type AppPermission, appRoleOf, permissionsNotHeld } from "../apps/permissions.js";
import { hashToken, newTokenValue } from "./api-tokens.js";
import { recordAudit } from "./audit.js";
import type { CredentialChanges } from "./credential-changes.js";
import type { ShopConfig } from "./unit-of-work.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** Who manages a shop's apps (lists, disables, deletes them, and their webhooks). */
export const APP_ADMIN_ROLES = ["SHOP_ADMIN", "PLATFORM_ADMIN"] as const;

const MAX_APP_NAME = 100;

function checkedName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > MAX_APP_NAME) fail("INVALID_INPUT", `An app's name is 1 to ${MAX_APP_NAME} characters`, ["input", "name"]);
  return trimmed;
}

/** Prisma `where` of the apps (and their webhooks and deliveries) a caller administers. */
export function appAdminScope(viewer: Viewer): { shopId?: string } {
  return viewer.role === "PLATFORM_ADMIN" ? {} : { shopId: viewer.shopId! };
}

/**
 * `createApp`: registers an app of the caller's shop with its permissions, each one the caller's
 * role holds, and answers its token once (stored hashed, as an ApiToken of the app).
 */
export async function createApp(db: Database, viewer: Viewer | null, input: { shopId?: string | null; name: string; permissions: readonly AppPermission[] }) {
  const caller = requireRole(viewer, APP_CREATOR_ROLES);
  if (caller.app) fail("FORBIDDEN", "An app cannot register apps");
  const shopId = resolveShopId(caller, input.shopId);
  const name = checkedName(input.name);
  if (input.permissions.length === 0) fail("INVALID_INPUT", "An app needs at least one permission", ["input", "permissions"]);
  const lacking = permissionsNotHeld(caller.role, input.permissions);
  if (lacking.length > 0) {
    fail("APP_PERMISSION_NOT_HELD", `A ${caller.role} cannot grant what it does not hold: ${lacking.join(", ")}`, ["input", "permissions"]);
  }
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId }, select: { id: true } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  const role = appRoleOf(caller.role);
  const token = newTokenValue();
  const app = await db.prisma.$transaction(async (tx) => {
    const created = await tx.app.create({ data: { shopId, name, permissions: [...new Set(input.permissions)], creatorRole: role } });
    await tx.apiToken.create({ data: { shopId, role, label: `app: ${name}`, tokenHash: hashToken(token), appId: created.id } });
    await recordAudit(tx, caller, { shopId, action: "app.create", targetType: "App", targetId: created.id, details: { name, permissions: created.permissions } });
    return created;
  });
  return { app, token };
}

async function administeredApp(db: Database, caller: Viewer, appId: string, field = ["input", "appId"]) {
  const app = await db.prisma.app.findFirst({ where: { id: appId, ...appAdminScope(caller) } });
  if (!app) fail("NOT_FOUND", "No such app", field);
  return app;
}

export interface UpdateAppInput {
  appId: string;
  name?: string | null;
  enabled?: boolean | null;
  /** The app's new permissions, each held by the role it acts with; narrowing them ends the live subscriptions that read beyond them. */
  permissions?: readonly AppPermission[] | null;
}

function checkedPermissions(creatorRole: Role, permissions: readonly AppPermission[]): AppPermission[] {
  const field = ["input", "permissions"];
  if (permissions.length === 0) fail("INVALID_INPUT", "An app needs at least one permission", field);
  const lacking = permissionsNotHeld(creatorRole, permissions);
  if (lacking.length > 0) fail("APP_PERMISSION_NOT_HELD", `The app acts as ${creatorRole}, which does not hold ${lacking.join(", ")}`, field);
  return [...new Set(permissions)];
}

/**
 * `updateApp`: renames, disables (its token is refused, its webhooks stop, its live
 * subscriptions end), enables an app, or changes its permissions (a live subscription reading
 * what they no longer grant ends).
 */
export async function updateApp(db: Database, shopConfig: ShopConfig, credentials: CredentialChanges, viewer: Viewer | null, input: UpdateAppInput) {
  const caller = requireRole(viewer, APP_ADMIN_ROLES);
  const app = await administeredApp(db, caller, input.appId);
  const data = {
    ...(input.name != null && { name: checkedName(input.name) }),
    ...(input.enabled != null && { enabled: input.enabled }),
    ...(input.permissions != null && { permissions: checkedPermissions(app.creatorRole, input.permissions) }),
  };
  const updated = await db.prisma.$transaction(async (tx) => {
    const changed = await tx.app.update({ where: { id: app.id }, data });
    if (data.name) await tx.apiToken.updateMany({ where: { appId: app.id }, data: { label: `app: ${data.name}` } });
    await recordAudit(tx, caller, { shopId: app.shopId, action: "app.update", targetType: "App", targetId: app.id, details: data });
    return changed;
  });
  const permissionsChanged = data.permissions !== undefined && [...data.permissions].sort().join() !== [...app.permissions].sort().join();
  if (app.enabled && data.enabled === false) await credentials.changed({ kind: "app", appId: app.id, reason: "disabled" });
  else if (permissionsChanged) await credentials.changed({ kind: "appPermissions", appId: app.id, permissions: data.permissions! });
  // Deliveries are queued for enabled apps only: every process's cached subscriptions are redone.
  if ((data.enabled !== undefined && data.enabled !== app.enabled) || permissionsChanged) shopConfig.changed(app.shopId);
  return updated;
}

/**
 * `deleteApp`: the app, its token, webhooks and delivery history go, and its live subscriptions
 * end; deleting it again is NOT_FOUND.
 */
export async function deleteApp(db: Database, shopConfig: ShopConfig, credentials: CredentialChanges, viewer: Viewer | null, input: { appId: string }) {
  const caller = requireRole(viewer, APP_ADMIN_ROLES);
  const app = await administeredApp(db, caller, input.appId);
  await db.prisma.$transaction(async (tx) => {
    await tx.app.delete({ where: { id: app.id } });
    await recordAudit(tx, caller, { shopId: app.shopId, action: "app.delete", targetType: "App", targetId: app.id, details: { name: app.name } });
  });
  await credentials.changed({ kind: "app", appId: app.id, reason: "deleted" });
  shopConfig.changed(app.shopId);
  return app.id;
}

/** The query of `apps`: the shop's apps, newest first (SHOP_ADMIN; platform admins name the shop). */
export function appsQuery(viewer: Viewer, shopId: string | null) {
  const shop = resolveShopId(requireRole(viewer, APP_ADMIN_ROLES), shopId);
  return { where: { shopId: shop }, orderBy: [{ createdAt: "desc" as const }, { id: "desc" as const }] };
}
