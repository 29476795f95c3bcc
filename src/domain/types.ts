// Vocabulary of the refund domain, shared by every layer. Values match the Prisma enums
// and the GraphQL contract in shared/DESIGN.md.

export const REFUND_STATUSES = [
  "REQUESTED",
  "PENDING_REVIEW",
  "AWAITING_CUSTOMER",
  "AWAITING_WAREHOUSE",
  "AWAITING_RETURN",
  "RETURN_IN_TRANSIT",
  "INSPECTING",
  "PENDING_FINANCE",
  "REFUNDING",
  "REFUND_FAILED",
  "REFUNDED",
  "REJECTED",
  "CANCELLED",
  // Exchanges (RefundType EXCHANGE): the returned item passed inspection and the replacement
  // is owed; then the exchange ended with the replacement shipped (terminal, not a refund).
  "AWAITING_REPLACEMENT",
  "EXCHANGED",
] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<RefundStatus> = new Set(["REFUNDED", "REJECTED", "CANCELLED", "EXCHANGED"]);

// EXCHANGE: the customer sends the item back for another variant of it (a size); money moves
// only when the variant is cheaper (the difference is refunded).
export const REFUND_TYPES = ["REFUND_ONLY", "RETURN_AND_REFUND", "EXCHANGE"] as const;
export type RefundType = (typeof REFUND_TYPES)[number];

export const SHIPPING_STATUSES = ["NOT_SHIPPED", "SHIPPED", "DELIVERED"] as const;
export type ShippingStatus = (typeof SHIPPING_STATUSES)[number];

export const ROLES = [
  "PLATFORM_ADMIN",
  "SHOP_ADMIN",
  "AGENT",
  "WAREHOUSE",
  "FINANCE",
  "INTEGRATION",
  "CUSTOMER",
] as const;
export type Role = (typeof ROLES)[number];

export const RESOLUTION_KINDS = ["RETURN_WITH_FULL_REFUND", "KEEP_ITEM_WITH_COMPENSATION"] as const;
export type ResolutionKind = (typeof RESOLUTION_KINDS)[number];

/** Who took an action: the platform itself, an automation rule, a plugin, or a person/API client. */
export type ActorKind = "SYSTEM" | "RULE" | "PLUGIN" | "USER";

export interface Actor {
  kind: ActorKind;
  /** Set for USER actors: the role of the token that acted. */
  role?: Role;
  name?: string;
  /** Set for USER actors whose token belongs to a staff member: whose limit binds, whose work it is. */
  memberId?: string;
}

export const SYSTEM_ACTOR: Actor = { kind: "SYSTEM", name: "platform" };
