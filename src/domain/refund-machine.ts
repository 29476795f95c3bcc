import type { Actor, RefundStatus, RefundType, ResolutionKind, Role, ShippingStatus } from "./types.js";
import { TERMINAL_STATUSES } from "./types.js";

/**
 * The refund state machine of shared/DESIGN.md, declared as data. Every status change in the
 * platform is one row of this table; `src/services/transition-refund.ts` is the only writer.
 */

export const REFUND_ACTIONS = [
  // Recorded on the first transition (none → REQUESTED); creating a refund is not in the table.
  "REQUEST",
  // Platform-only actions (SYSTEM): classification and the payment provider's answer.
  "CLASSIFY",
  "PAYMENT_SUCCEEDED",
  "PAYMENT_FAILED",
  // Staff and customer actions.
  "APPROVE",
  "REJECT",
  "OFFER_RESOLUTION",
  "ACCEPT_OFFER",
  "CONFIRM_NOT_RECEIVED",
  "SUBMIT_RETURN_SHIPMENT",
  "RECEIVE_RETURN",
  "PASS_INSPECTION",
  "FAIL_INSPECTION",
  "FINANCE_APPROVE",
  "FINANCE_REJECT",
  "RETRY_PAYMENT",
  "CANCEL",
  // Exchanges: the warehouse ships the replacement (carrier + tracking number).
  "SHIP_REPLACEMENT",
] as const;
export type RefundAction = (typeof REFUND_ACTIONS)[number];

/** Who may take a row's action. `SYSTEM` covers the platform, automation rules and plugins. */
export type Performer = "SYSTEM" | Role;

/** Facts a branching row chooses its target status from. */
export interface TransitionFacts {
  refundType: RefundType;
  shippingStatus: ShippingStatus;
  /** Kind of the resolution option the customer accepted (ACCEPT_OFFER). */
  acceptedOption?: ResolutionKind;
  /** Customer is refunded when the return ships (high-value customers). */
  refundBeforeReceipt: boolean;
  /** An exchange for a cheaper variant: the price difference is still to be refunded. */
  differenceDue?: boolean;
}

type Branch<K extends keyof TransitionFacts> = {
  by: K;
  cases: Record<Exclude<TransitionFacts[K], undefined> & string, RefundStatus>;
};
type Target =
  | RefundStatus
  | Branch<"refundType">
  | Branch<"shippingStatus">
  | Branch<"acceptedOption">
  | { by: "refundBeforeReceipt"; cases: { true: RefundStatus; false: RefundStatus } }
  | { by: "differenceDue"; cases: { true: RefundStatus; false: RefundStatus } };

/** Inputs an action needs beyond the refund itself. */
export interface ActionInputs {
  note?: "required";
  /** `amount` may be given; it sets the approved amount (a partial refund). */
  amount?: "optional";
  offerOptions?: "required";
  optionId?: "required";
  returnShipment?: "required";
  /** SHIP_REPLACEMENT: the replacement parcel's carrier and tracking number. */
  replacementShipment?: "required";
  /** Per-item inspection results (a refund with line items). */
  itemResults?: "optional";
}

export interface TransitionRule {
  from: RefundStatus;
  action: RefundAction;
  performers: readonly Performer[];
  to: Target;
  inputs?: ActionInputs;
  /** The refund types the row applies to; absent: every type. At most one row per (from, action, type). */
  types?: readonly RefundType[];
}

const SYSTEM_ONLY = ["SYSTEM"] as const;
const CUSTOMER = ["CUSTOMER"] as const;
const CUSTOMER_OR_SYSTEM = ["SYSTEM", "CUSTOMER"] as const;
const AGENT = ["SYSTEM", "AGENT"] as const;
const WAREHOUSE = ["SYSTEM", "WAREHOUSE"] as const;
const FINANCE = ["SYSTEM", "FINANCE"] as const;
/** Rows that money refunds take and exchanges do not (an exchange has rows of its own there). */
const REFUNDS = ["REFUND_ONLY", "RETURN_AND_REFUND"] as const;
const EXCHANGE = ["EXCHANGE"] as const;

export const REFUND_TRANSITIONS: readonly TransitionRule[] = [
  {
    from: "REQUESTED",
    action: "CLASSIFY",
    performers: SYSTEM_ONLY,
    to: { by: "shippingStatus", cases: { NOT_SHIPPED: "REFUNDING", SHIPPED: "PENDING_REVIEW", DELIVERED: "PENDING_REVIEW" } },
    types: REFUNDS,
  },
  // An exchange always goes to a person first: a replacement is goods, never an instant refund.
  { from: "REQUESTED", action: "CLASSIFY", performers: SYSTEM_ONLY, to: "PENDING_REVIEW", types: EXCHANGE },
  {
    from: "PENDING_REVIEW",
    action: "APPROVE",
    performers: AGENT,
    to: { by: "refundType", cases: { REFUND_ONLY: "AWAITING_WAREHOUSE", RETURN_AND_REFUND: "AWAITING_RETURN", EXCHANGE: "AWAITING_RETURN" } },
    // An exchange's requested amount is the price difference: `amount` may lower it, as for a refund.
    inputs: { amount: "optional" },
  },
  { from: "PENDING_REVIEW", action: "REJECT", performers: AGENT, to: "REJECTED", inputs: { note: "required" } },
  {
    from: "PENDING_REVIEW",
    action: "OFFER_RESOLUTION",
    performers: AGENT,
    to: "AWAITING_CUSTOMER",
    inputs: { offerOptions: "required" },
    // The options are money instead of the item; an exchange is answered by APPROVE or REJECT.
    types: REFUNDS,
  },
  {
    from: "AWAITING_CUSTOMER",
    action: "ACCEPT_OFFER",
    performers: CUSTOMER,
    to: {
      by: "acceptedOption",
      cases: { KEEP_ITEM_WITH_COMPENSATION: "PENDING_FINANCE", RETURN_WITH_FULL_REFUND: "AWAITING_RETURN" },
    },
    inputs: { optionId: "required" },
  },
  { from: "AWAITING_WAREHOUSE", action: "CONFIRM_NOT_RECEIVED", performers: WAREHOUSE, to: "PENDING_FINANCE" },
  { from: "AWAITING_WAREHOUSE", action: "REJECT", performers: WAREHOUSE, to: "REJECTED", inputs: { note: "required" } },
  {
    from: "AWAITING_RETURN",
    action: "SUBMIT_RETURN_SHIPMENT",
    performers: CUSTOMER,
    to: { by: "refundBeforeReceipt", cases: { true: "PENDING_FINANCE", false: "RETURN_IN_TRANSIT" } },
    inputs: { returnShipment: "required" },
    types: REFUNDS,
  },
  // Refund-before-receipt is about money: an exchange's parcel is always awaited.
  { from: "AWAITING_RETURN", action: "SUBMIT_RETURN_SHIPMENT", performers: CUSTOMER, to: "RETURN_IN_TRANSIT", inputs: { returnShipment: "required" }, types: EXCHANGE },
  { from: "RETURN_IN_TRANSIT", action: "RECEIVE_RETURN", performers: WAREHOUSE, to: "INSPECTING" },
  { from: "INSPECTING", action: "PASS_INSPECTION", performers: WAREHOUSE, to: "PENDING_FINANCE", inputs: { amount: "optional", itemResults: "optional" }, types: REFUNDS },
  { from: "INSPECTING", action: "PASS_INSPECTION", performers: WAREHOUSE, to: "AWAITING_REPLACEMENT", types: EXCHANGE },
  // The replacement leaves the warehouse. A cheaper variant's difference goes the payment
  // path every refund goes (REFUNDING, the provider's answer, RETRY_PAYMENT after a decline);
  // it was approved with the exchange, so there is no finance step.
  {
    from: "AWAITING_REPLACEMENT",
    action: "SHIP_REPLACEMENT",
    performers: WAREHOUSE,
    to: { by: "differenceDue", cases: { true: "REFUNDING", false: "EXCHANGED" } },
    inputs: { replacementShipment: "required" },
    types: EXCHANGE,
  },
  { from: "INSPECTING", action: "FAIL_INSPECTION", performers: WAREHOUSE, to: "REJECTED", inputs: { note: "required" } },
  { from: "PENDING_FINANCE", action: "FINANCE_APPROVE", performers: FINANCE, to: "REFUNDING" },
  { from: "PENDING_FINANCE", action: "FINANCE_REJECT", performers: FINANCE, to: "REJECTED", inputs: { note: "required" } },
  { from: "REFUNDING", action: "PAYMENT_SUCCEEDED", performers: SYSTEM_ONLY, to: "REFUNDED", types: REFUNDS },
  // An exchange whose difference was paid ends exchanged (its refundedAmount is the difference).
  { from: "REFUNDING", action: "PAYMENT_SUCCEEDED", performers: SYSTEM_ONLY, to: "EXCHANGED", types: EXCHANGE },
  { from: "REFUNDING", action: "PAYMENT_FAILED", performers: SYSTEM_ONLY, to: "REFUND_FAILED" },
  { from: "REFUND_FAILED", action: "RETRY_PAYMENT", performers: FINANCE, to: "REFUNDING" },
  ...(["REQUESTED", "PENDING_REVIEW", "AWAITING_WAREHOUSE"] as const).map(
    (from): TransitionRule => ({ from, action: "CANCEL", performers: CUSTOMER, to: "CANCELLED" }),
  ),
  // Where the next step is the customer's (accept an offer, ship the return) and the customer
  // stays silent, the platform may withdraw the request in the customer's stead — a shop's
  // timer, as Taobao closes WAIT_BUYER_RETURN_GOODS after 7 days. Staff still may not cancel
  // (mayPerform: a row with no staff role is no staff action), and rules may not either
  // (automation-rules.ts: only silence cancels).
  ...(["AWAITING_CUSTOMER", "AWAITING_RETURN"] as const).map(
    (from): TransitionRule => ({ from, action: "CANCEL", performers: CUSTOMER_OR_SYSTEM, to: "CANCELLED" }),
  ),
];

/** Roles that act for the shop: SHOP_ADMIN and PLATFORM_ADMIN may take every staff action. */
const SHOP_WIDE_ROLES: ReadonlySet<Role> = new Set(["SHOP_ADMIN", "PLATFORM_ADMIN"]);
const STAFF_PERFORMERS: ReadonlySet<Performer> = new Set(["AGENT", "WAREHOUSE", "FINANCE"]);

export function isTerminal(status: RefundStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function appliesTo(rule: TransitionRule, type: RefundType | undefined): boolean {
  return type === undefined || rule.types === undefined || rule.types.includes(type);
}

/** The row for (from, action) of a refund of `type`; without a type, the first row of any type. */
export function findRule(from: RefundStatus, action: RefundAction, type?: RefundType): TransitionRule | undefined {
  return REFUND_TRANSITIONS.find((rule) => rule.from === from && rule.action === action && appliesTo(rule, type));
}

/** Whether an actor may take a rule's action (independent of the refund's status). */
export function mayPerform(rule: TransitionRule, actor: Actor): boolean {
  if (actor.kind !== "USER") return rule.performers.includes("SYSTEM");
  const role = actor.role;
  if (!role) return false;
  if (rule.performers.includes(role)) return true;
  // Staff actions are those a staff role takes; customer actions stay the customer's, also
  // those the platform may take in the customer's stead (a timer's CANCEL).
  return SHOP_WIDE_ROLES.has(role) && rule.performers.some((performer) => STAFF_PERFORMERS.has(performer));
}

export function resolveTarget(rule: TransitionRule, facts: TransitionFacts): RefundStatus {
  const target = rule.to;
  if (typeof target === "string") return target;
  switch (target.by) {
    case "refundType":
      return target.cases[facts.refundType];
    case "shippingStatus":
      return target.cases[facts.shippingStatus];
    case "refundBeforeReceipt":
      return facts.refundBeforeReceipt ? target.cases.true : target.cases.false;
    case "differenceDue":
      return facts.differenceDue ? target.cases.true : target.cases.false;
    case "acceptedOption": {
      if (!facts.acceptedOption) throw new Error(`${rule.action} needs the accepted option`);
      return target.cases[facts.acceptedOption];
    }
  }
}

export type TransitionDenial = "REFUND_TERMINAL" | "ACTION_NOT_ALLOWED_IN_STATUS" | "ACTION_NOT_PERMITTED";

/** Checks an action against the table: which rule applies, or why none does. */
export function checkAction(
  status: RefundStatus,
  action: RefundAction,
  actor: Actor,
  type?: RefundType,
): { ok: true; rule: TransitionRule } | { ok: false; reason: TransitionDenial } {
  if (isTerminal(status)) return { ok: false, reason: "REFUND_TERMINAL" };
  const rule = findRule(status, action, type);
  if (!rule) return { ok: false, reason: "ACTION_NOT_ALLOWED_IN_STATUS" };
  if (!mayPerform(rule, actor)) return { ok: false, reason: "ACTION_NOT_PERMITTED" };
  return { ok: true, rule };
}

/** Actions a person with this role can take now; platform-only actions are never listed. */
export function availableActions(status: RefundStatus, role: Role, type?: RefundType): RefundAction[] {
  const actor: Actor = { kind: "USER", role };
  const actions = REFUND_TRANSITIONS.filter(
    (rule) => rule.from === status && appliesTo(rule, type) && !(rule.performers.length === 1 && rule.performers[0] === "SYSTEM") && mayPerform(rule, actor),
  ).map((rule) => rule.action);
  // Without a type, a refund's and an exchange's row of one action are one action.
  return [...new Set(actions)];
}
