import type { Role } from "../domain/types.js";
import type { Actor } from "../domain/types.js";
import { fail } from "../domain/errors.js";
import type { AppPermission } from "../apps/permissions.js";

/** Who is calling: resolved from the bearer token once per request or WebSocket connection. */
export interface Viewer {
  tokenId: string;
  role: Role;
  /** null only for PLATFORM_ADMIN, who sees every shop. */
  shopId: string | null;
  /** Set for CUSTOMER tokens: the one customer whose refunds they see. */
  customerId: string | null;
  /** The staff member a staff token belongs to, when it was issued for one (`assignedTo: ME`). */
  staffMemberId?: string | null;
  label: string | null;
  /** Set for an app's token: the app acts with `role`, narrowed to these permissions (src/apps). */
  app?: { id: string; permissions: readonly AppPermission[] } | null;
}

export const STAFF_ROLES: ReadonlySet<Role> = new Set(["PLATFORM_ADMIN", "SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE"]);

export function actorOf(viewer: Viewer): Actor {
  const actor: Actor = { kind: "USER", role: viewer.role, name: viewer.label ?? viewer.role.toLowerCase() };
  return viewer.staffMemberId ? { ...actor, memberId: viewer.staffMemberId } : actor;
}

export function requireViewer(viewer: Viewer | null): Viewer {
  if (!viewer) fail("UNAUTHENTICATED", "Send an API token as `Authorization: Bearer <token>`");
  return viewer;
}

export function requireRole(viewer: Viewer | null, roles: readonly Role[]): Viewer {
  const known = requireViewer(viewer);
  if (!roles.includes(known.role)) fail("FORBIDDEN", `This needs one of the roles ${roles.join(", ")}`);
  return known;
}

/**
 * The shop a mutation acts on: the token's own shop, or for a platform admin the shop it
 * names. Acting on another shop looks exactly like acting on one that does not exist.
 */
export function resolveShopId(viewer: Viewer, requestedShopId: string | null | undefined): string {
  if (viewer.role === "PLATFORM_ADMIN") {
    if (!requestedShopId) fail("INVALID_INPUT", "A platform admin must name the shop (shopId)", ["input", "shopId"]);
    return requestedShopId;
  }
  if (requestedShopId && requestedShopId !== viewer.shopId) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  return viewer.shopId!;
}

/** Prisma `where` limiting refunds (and their transitions) to what the viewer may see. */
export function refundScope(viewer: Viewer): { shopId?: string; customerId?: string } {
  if (viewer.role === "PLATFORM_ADMIN") return {};
  if (viewer.role === "CUSTOMER") return { shopId: viewer.shopId!, customerId: viewer.customerId! };
  return { shopId: viewer.shopId! };
}

/** Prisma `where` for orders, by the same rule as refunds. */
export const orderScope = refundScope;

/** Prisma `where` for customers: a customer sees itself only. */
export function customerScope(viewer: Viewer): { shopId?: string; id?: string } {
  if (viewer.role === "PLATFORM_ADMIN") return {};
  if (viewer.role === "CUSTOMER") return { shopId: viewer.shopId!, id: viewer.customerId! };
  return { shopId: viewer.shopId! };
}
