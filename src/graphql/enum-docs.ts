import { REFUND_ACTIONS, REFUND_TRANSITIONS, type RefundAction, type TransitionRule, mayPerform } from "../domain/refund-machine.js";
import { REFUND_STATUSES, ROLES, type RefundStatus, type Role, TERMINAL_STATUSES } from "../domain/types.js";

/**
 * Descriptions of the refund enums. What an action does and what a status means to a customer
 * are written here; who may take an action from which status, and what may follow a status,
 * are read from the state machine's table at schema build time, so the docs cannot drift.
 */

const ACTION_MEANINGS: Record<RefundAction, string> = {
  REQUEST: "The customer (or staff for them) asked for the refund: the first transition of every refund, recorded by `requestRefund`.",
  CLASSIFY: "The platform sorts a new request: an unshipped order is refunded at once, a shipped one goes to review.",
  PAYMENT_SUCCEEDED: "The payment provider confirmed that the money went back.",
  PAYMENT_FAILED: "The payment provider declined or failed the refund payment.",
  APPROVE: "Customer service accepts the request (optionally for a lower `amount`: a partial refund).",
  REJECT: "The request is refused, with a `note` saying why (shown to the customer).",
  OFFER_RESOLUTION: "Customer service offers the customer options to settle a dispute (`offerOptions`): a full refund with the return paid by the shop, or keep the item with a compensation.",
  ACCEPT_OFFER: "The customer accepts one of `Refund.resolutionOptions` (`optionId`).",
  CONFIRM_NOT_RECEIVED: "The warehouse confirms the parcel never reached the customer (refund-only requests).",
  SUBMIT_RETURN_SHIPMENT: "The customer ships the item back and gives the `carrier` and `trackingNumber`.",
  RECEIVE_RETURN: "The warehouse received the returned parcel.",
  PASS_INSPECTION: "The returned item passed inspection (optionally per item with `itemResults`, or a lower `amount`).",
  FAIL_INSPECTION: "The returned item failed inspection; `note` says why.",
  FINANCE_APPROVE: "Finance releases the money: the payment to the original payment route starts.",
  FINANCE_REJECT: "Finance refuses to pay, with a `note`.",
  RETRY_PAYMENT: "Finance sends a failed refund payment again.",
  CANCEL: "The customer withdraws the request (or the shop's timer does, when the customer stays silent).",
  SHIP_REPLACEMENT: "The warehouse ships an exchange's replacement (`carrier` and `trackingNumber`).",
};

/** What a customer-facing app shows for each status (the wording is the app's; this is the meaning). */
const STATUS_MEANINGS: Record<RefundStatus, string> = {
  REQUESTED: "Just requested, being sorted by the platform. Show: “Request received”.",
  PENDING_REVIEW: "Waiting for customer service to review it. Show: “Under review”.",
  AWAITING_CUSTOMER: "The shop offered options (`resolutionOptions`) and waits for the customer to choose one. Show: “Action needed: choose an option”.",
  AWAITING_WAREHOUSE: "Refund-only: the warehouse checks that the parcel was not received. Show: “Being checked by the warehouse”.",
  AWAITING_RETURN: "Approved with a return: the customer must ship the item back and submit the tracking number. Show: “Action needed: send the item back” (with the shop's `returnAddress`).",
  RETURN_IN_TRANSIT: "The returned parcel is on its way to the shop (`returnShipment`). Show: “Return on its way”.",
  INSPECTING: "The shop received the return and inspects it. Show: “Return received, being inspected”.",
  PENDING_FINANCE: "Approved; waiting for finance to release the money. Show: “Approved, refund being prepared”.",
  REFUNDING: "The money is being sent back to the original payment route. Show: “Refund on its way”.",
  REFUND_FAILED: "The payment provider failed the refund; finance will retry. Show: “Refund delayed” (no action for the customer).",
  REFUNDED: "Ended: the money went back (`refundedAmount`). Show: “Refunded”.",
  REJECTED: "Ended: refused; the reason is the `note` of the last transition. Show: “Refund declined” with that note.",
  CANCELLED: "Ended: withdrawn by the customer (or closed by the shop's timer after the customer stayed silent). Show: “Cancelled”.",
  AWAITING_REPLACEMENT: "Exchange: the return passed inspection and the replacement is being prepared. Show: “Replacement being prepared”.",
  EXCHANGED: "Ended: the replacement was shipped (`replacementShipment`); a cheaper variant's difference was refunded. Show: “Exchanged”.",
};

const ROLE_MEANINGS: Record<Role, string> = {
  PLATFORM_ADMIN: "Runs the platform: every shop, and every staff action of any shop (names the shop with `shopId`).",
  SHOP_ADMIN: "Runs one shop: its settings, tokens, staff, rules, and every staff action on its refunds.",
  AGENT: "Customer service of one shop: reviews requests (APPROVE, REJECT, OFFER_RESOLUTION), works its queue.",
  WAREHOUSE: "The warehouse of one shop: confirms parcels not received, receives and inspects returns, ships replacements.",
  FINANCE: "Finance of one shop: releases or refuses the money (FINANCE_APPROVE, FINANCE_REJECT), retries failed payments.",
  INTEGRATION: "A shop's order system: syncs customers and orders (`upsertCustomer`, `upsertOrder`); takes no refund action.",
  CUSTOMER: "One customer of one shop: sees and acts on its own refunds and orders only.",
};

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`;
}

function targetText(rule: TransitionRule): string {
  const to = rule.to;
  if (typeof to === "string") return to;
  const cases = Object.entries(to.cases) as [string, RefundStatus][];
  switch (to.by) {
    case "refundType":
      return cases.map(([type, status]) => `${status} for ${type}`).join(", ");
    case "shippingStatus":
      return cases.map(([shipping, status]) => `${status} when the order is ${shipping}`).join(", ");
    case "acceptedOption":
      return cases.map(([kind, status]) => `${status} when ${kind} is accepted`).join(", ");
    case "refundBeforeReceipt":
      return `${to.cases.true} for a customer refunded before receipt (shop setting), else ${to.cases.false}`;
    case "differenceDue":
      return `${to.cases.true} when a cheaper variant's difference is to be refunded, else ${to.cases.false}`;
  }
}

function performersText(rule: TransitionRule): string {
  const roles = ROLES.filter((role) => mayPerform(rule, { kind: "USER", role }));
  const system = mayPerform(rule, { kind: "SYSTEM" });
  const who = [...roles, ...(system ? ["the platform (rules, timers, plugins)"] : [])];
  return who.length ? list(who) : "nobody";
}

function inputsText(rule: TransitionRule): string {
  const inputs = Object.entries(rule.inputs ?? {}).map(([name, need]) => `\`${name}\` ${need}`);
  return inputs.length ? `; inputs: ${inputs.join(", ")}` : "";
}

/** RefundAction's description of one value: its meaning, then one line per row of the table. */
export function refundActionDescription(action: RefundAction): string {
  const rows = REFUND_TRANSITIONS.filter((rule) => rule.action === action);
  const lines = rows.map(
    (rule) => `- from ${rule.from}${rule.types ? ` (${rule.types.join(", ")})` : ""} → ${targetText(rule)}; by ${performersText(rule)}${inputsText(rule)}.`,
  );
  const how = rows.length === 0 ? "Not taken with `transitionRefund`: it is recorded by `requestRefund`." : `Who may take it, from which status (the state machine's table):\n${lines.join("\n")}`;
  return `${ACTION_MEANINGS[action]}\n\n${how}`;
}

/** RefundStatus's description of one value: what the customer is shown, then what may follow. */
export function refundStatusDescription(status: RefundStatus): string {
  if (TERMINAL_STATUSES.has(status)) return `${STATUS_MEANINGS[status]} Terminal: no action follows (REFUND_TERMINAL).`;
  const next = [...new Set(REFUND_TRANSITIONS.filter((rule) => rule.from === status).map((rule) => rule.action))];
  return `${STATUS_MEANINGS[status]} Next actions: ${next.join(", ")}.`;
}

export const refundActionValues = Object.fromEntries(REFUND_ACTIONS.map((action) => [action, { value: action, description: refundActionDescription(action) }])) as {
  [A in RefundAction]: { value: A; description: string };
};

export const refundStatusValues = Object.fromEntries(REFUND_STATUSES.map((status) => [status, { value: status, description: refundStatusDescription(status) }])) as {
  [S in RefundStatus]: { value: S; description: string };
};

export const roleValues = Object.fromEntries(ROLES.map((role) => [role, { value: role, description: ROLE_MEANINGS[role] }])) as {
  [R in Role]: { value: R; description: string };
};
