import type { Role } from "../domain/types.js";

/**
 * What an app may do, granted at registration. An app's token acts with the role of whoever
 * registered it, narrowed to these: every operation it sends is checked against them first
 * (src/apps/documents.ts), and so is each webhook document.
 */
export const APP_PERMISSIONS = ["READ_REFUNDS", "READ_ORDERS", "READ_CUSTOMERS", "TRANSITION_REFUNDS"] as const;
export type AppPermission = (typeof APP_PERMISSIONS)[number];

export const APP_PERMISSION_MEANINGS: Record<AppPermission, string> = {
  READ_REFUNDS: "Read refunds, their transitions, items, shipments and reason tags.",
  READ_ORDERS: "Read orders and their items.",
  READ_CUSTOMERS: "Read customers (names, tiers).",
  TRANSITION_REFUNDS: "Take staff actions on refunds (transitionRefund, batchTransitionRefunds), as its creator's role may.",
};

/** Who may register an app: shop admins, platform admins for a shop, and an integration for itself. */
export const APP_CREATOR_ROLES = ["PLATFORM_ADMIN", "SHOP_ADMIN", "INTEGRATION"] as const satisfies readonly Role[];

/** The permissions each role holds: an app gets no permission its creator lacks. */
const RIGHTS_OF_ROLE: Record<Role, readonly AppPermission[]> = {
  PLATFORM_ADMIN: APP_PERMISSIONS,
  SHOP_ADMIN: APP_PERMISSIONS,
  AGENT: APP_PERMISSIONS,
  WAREHOUSE: APP_PERMISSIONS,
  FINANCE: APP_PERMISSIONS,
  // Order sync reads the shop's refunds, orders and customers, and takes no staff action.
  INTEGRATION: ["READ_REFUNDS", "READ_ORDERS", "READ_CUSTOMERS"],
  CUSTOMER: [],
};

export function permissionsNotHeld(role: Role, requested: readonly AppPermission[]): AppPermission[] {
  const held = new Set(RIGHTS_OF_ROLE[role]);
  return [...new Set(requested)].filter((permission) => !held.has(permission));
}

/**
 * The role an app's token acts with: its creator's, bound to the app's shop (an app a platform
 * admin registers for a shop acts as that shop's admin, never across shops).
 */
export function appRoleOf(creatorRole: Role): Role {
  return creatorRole === "PLATFORM_ADMIN" ? "SHOP_ADMIN" : creatorRole;
}

/**
 * The permission needed to read each object type. Types not named here and not neutral are
 * not readable by apps at all (shops, tokens, staff, rules, metrics, apps themselves).
 */
const TYPE_PERMISSION: Record<string, AppPermission> = {
  Refund: "READ_REFUNDS",
  RefundTransition: "READ_REFUNDS",
  ReturnShipment: "READ_REFUNDS",
  ResolutionOption: "READ_REFUNDS",
  RefundRating: "READ_REFUNDS",
  RefundTimeout: "READ_REFUNDS",
  ReasonTag: "READ_REFUNDS",
  RefundBatch: "READ_REFUNDS",
  RefundBatchItem: "READ_REFUNDS",
  RefundBatchResult: "READ_REFUNDS",
  RefundBatchActor: "READ_REFUNDS",
  RefundBatchFailureCount: "READ_REFUNDS",
  RefundBatchProgress: "READ_REFUNDS",
  RefundItem: "READ_REFUNDS",
  RefundItemInspection: "READ_REFUNDS",
  RefundReturnAddress: "READ_REFUNDS",
  ReplacementShipment: "READ_REFUNDS",
  ReplacementTracking: "READ_REFUNDS",
  RefundTransitionsConnection: "READ_REFUNDS",
  OrderRefundsConnection: "READ_REFUNDS",
  QueryRefundsConnection: "READ_REFUNDS",
  CustomerRefundsConnection: "READ_REFUNDS",
  Order: "READ_ORDERS",
  OrderItem: "READ_ORDERS",
  OrderItemVariant: "READ_ORDERS",
  ReturnEligibility: "READ_ORDERS",
  ReturnItemEligibility: "READ_ORDERS",
  QueryOrdersConnection: "READ_ORDERS",
  Customer: "READ_CUSTOMERS",
  Care: "READ_CUSTOMERS",
  QueryCustomersConnection: "READ_CUSTOMERS",
};

/** Value types that carry no row of their own: readable wherever their parent is. */
const NEUTRAL_TYPES = new Set(["Money", "Actor", "PageInfo", "UserError", "Node"]);

/** Mutations an app may call, by permission; every other mutation is refused to app tokens. */
const MUTATION_PERMISSION: Record<string, AppPermission> = {
  transitionRefund: "TRANSITION_REFUNDS",
  batchTransitionRefunds: "TRANSITION_REFUNDS",
};

/** The permission a type needs (a connection's edge as its connection); "neutral"; or null: never readable by apps. */
export function permissionForType(typeName: string): AppPermission | "neutral" | null {
  if (NEUTRAL_TYPES.has(typeName)) return "neutral";
  return TYPE_PERMISSION[typeName.replace(/ConnectionEdge$/, "Connection")] ?? null;
}

export function permissionForMutation(fieldName: string): AppPermission | null {
  return MUTATION_PERMISSION[fieldName] ?? null;
}
