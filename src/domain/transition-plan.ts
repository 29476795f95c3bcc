import { type UserError, userError } from "./errors.js";
import { type ItemInspection, type ItemResult, type RefundItemFacts, planItemInspection } from "./line-items.js";
import { isPositiveAmount } from "./money.js";
import {
  type RefundAction,
  type TransitionDenial,
  type TransitionRule,
  checkAction,
  resolveTarget,
} from "./refund-machine.js";
import type { Actor, RefundStatus, RefundType, ResolutionKind, ShippingStatus } from "./types.js";

/** The refund as the planner needs it: no I/O, plain values. */
export interface RefundSnapshot {
  status: RefundStatus;
  type: RefundType;
  requestedAmount: number;
  approvedAmount: number | null;
  version: number;
}

export interface OfferedOption {
  id: string;
  kind: ResolutionKind;
  amount: number;
}

export interface TransitionRequest {
  action: RefundAction;
  note?: string | null;
  amount?: number | null;
  offerOptions?: ReadonlyArray<{ kind: ResolutionKind; amount?: number | null }> | null;
  optionId?: string | null;
  carrier?: string | null;
  trackingNumber?: string | null;
  /** PASS_INSPECTION of a refund with line items: what passed, per item. */
  itemResults?: readonly ItemResult[] | null;
}

export interface TransitionSurroundings {
  shippingStatus: ShippingStatus;
  refundBeforeReceipt: boolean;
  /** Options currently offered on the refund (for ACCEPT_OFFER). */
  offeredOptions: readonly OfferedOption[];
  /** The option the customer accepted earlier, if any: a full refund with return means the shop pays the return. */
  acceptedOption?: ResolutionKind | null;
  /** The refund's line items (none or absent: a refund of the whole order). */
  items?: readonly RefundItemFacts[];
}

/** Everything a transition writes, decided before any write. */
export interface TransitionPlan {
  rule: TransitionRule;
  from: RefundStatus;
  to: RefundStatus;
  type: RefundType;
  approvedAmount: number | null;
  /** Amount recorded on the transition (approved, compensation or paid). */
  amount: number | null;
  note: string | null;
  newOptions?: Array<{ kind: ResolutionKind; amount: number }>;
  acceptedOptionId?: string;
  returnShipment?: { carrier: string; trackingNumber: string; shopPaysShipping: boolean };
  /** The exchange's replacement leaves the warehouse (SHIP_REPLACEMENT). */
  replacementShipment?: { carrier: string; trackingNumber: string };
  /** The returned parcel arrives (RECEIVE_RETURN): its shipment is marked received. */
  returnReceived?: boolean;
  /** Set when the refund enters REFUNDING: what the payment provider is asked to pay. */
  paymentAmount?: number;
  /** Over the actor's approval limit, sent on to finance (approval-limits.ts). */
  escalated?: boolean;
  /** PASS_INSPECTION of a refund with line items: the result of each item. */
  itemInspections?: ItemInspection[];
}

const DENIAL_MESSAGES: Record<TransitionDenial, string> = {
  REFUND_TERMINAL: "The refund is closed and can no longer change",
  ACTION_NOT_ALLOWED_IN_STATUS: "This action is not possible in the refund's current status",
  ACTION_NOT_PERMITTED: "Your role may not take this action",
};

const INPUTS_BY_FIELD = ["amount", "offerOptions", "optionId", "itemResults"] as const;

/**
 * Decides what a transition does, or why it cannot happen. Pure: the service reads the
 * refund, calls this, and writes the plan in one transaction.
 */
export function planTransition(
  refund: RefundSnapshot,
  request: TransitionRequest,
  actor: Actor,
  surroundings: TransitionSurroundings,
): { ok: true; plan: TransitionPlan } | { ok: false; errors: UserError[] } {
  const check = checkAction(refund.status, request.action, actor, refund.type);
  if (!check.ok) {
    return { ok: false, errors: [userError(check.reason, `${DENIAL_MESSAGES[check.reason]} (${request.action} on ${refund.status})`, ["input", "action"])] };
  }
  const rule = check.rule;
  const inputs = rule.inputs ?? {};
  const errors: UserError[] = [];
  const note = request.note?.trim() || null;

  for (const field of INPUTS_BY_FIELD) {
    if (request[field] != null && !inputs[field]) {
      errors.push(userError("INVALID_INPUT", `${request.action} does not take ${field}`, ["input", field]));
    }
  }
  if (inputs.note === "required" && !note) {
    errors.push(userError("NOTE_REQUIRED", `${request.action} needs a note saying why`, ["input", "note"]));
  }

  const ceiling = refund.approvedAmount ?? refund.requestedAmount;
  let approvedAmount = refund.approvedAmount;
  let amount: number | null = null;
  let type = refund.type;
  const plan: Partial<TransitionPlan> = {};

  if (inputs.amount && request.amount != null) {
    if (!isPositiveAmount(request.amount)) {
      errors.push(userError("INVALID_AMOUNT", "The amount must be a positive whole number of minor units", ["input", "amount"]));
    } else if (request.amount > ceiling) {
      errors.push(userError("AMOUNT_EXCEEDS_REFUNDABLE", `The amount may not exceed ${ceiling}`, ["input", "amount"]));
    }
  }

  let acceptedOption: OfferedOption | undefined;
  switch (request.action) {
    case "CLASSIFY":
      if (resolveTarget(rule, { refundType: type, shippingStatus: surroundings.shippingStatus, refundBeforeReceipt: surroundings.refundBeforeReceipt }) === "REFUNDING") {
        // Nothing left the warehouse: refund at once, nothing comes back.
        type = "REFUND_ONLY";
        approvedAmount = refund.requestedAmount;
      }
      break;
    case "APPROVE":
      approvedAmount = request.amount ?? ceiling;
      amount = approvedAmount;
      break;
    case "PASS_INSPECTION": {
      // Per item: the amount follows from what passed (never above an earlier partial approval)
      // unless the inspector sets one.
      const inspected = planItemInspection(surroundings.items ?? [], request.itemResults, errors);
      if (inspected) plan.itemInspections = inspected.inspections;
      approvedAmount = request.amount ?? (inspected ? Math.min(ceiling, inspected.value) : ceiling);
      amount = approvedAmount;
      break;
    }
    case "OFFER_RESOLUTION":
      plan.newOptions = planOffer(request, refund, errors);
      break;
    case "ACCEPT_OFFER":
      acceptedOption = surroundings.offeredOptions.find((option) => option.id === request.optionId);
      if (!acceptedOption) {
        errors.push(userError("OPTION_NOT_FOUND", "optionId is not one of the options offered on this refund", ["input", "optionId"]));
      } else {
        approvedAmount = acceptedOption.amount;
        amount = acceptedOption.amount;
        plan.acceptedOptionId = acceptedOption.id;
        // Returning the item makes it a return, whatever was asked for first.
        if (acceptedOption.kind === "RETURN_WITH_FULL_REFUND") type = "RETURN_AND_REFUND";
      }
      break;
    case "SUBMIT_RETURN_SHIPMENT": {
      const carrier = request.carrier?.trim();
      const trackingNumber = request.trackingNumber?.trim();
      if (!carrier || !trackingNumber) {
        errors.push(userError("RETURN_SHIPMENT_REQUIRED", "A return shipment needs a carrier and a tracking number", ["input", carrier ? "trackingNumber" : "carrier"]));
      } else {
        plan.returnShipment = { carrier, trackingNumber, shopPaysShipping: surroundings.acceptedOption === "RETURN_WITH_FULL_REFUND" };
      }
      break;
    }
    case "RECEIVE_RETURN":
      plan.returnReceived = true;
      break;
    case "SHIP_REPLACEMENT": {
      const carrier = request.carrier?.trim();
      const trackingNumber = request.trackingNumber?.trim();
      if (!carrier || !trackingNumber) {
        errors.push(userError("REPLACEMENT_SHIPMENT_REQUIRED", "A replacement shipment needs a carrier and a tracking number", ["input", carrier ? "trackingNumber" : "carrier"]));
      } else {
        plan.replacementShipment = { carrier, trackingNumber };
      }
      break;
    }
    default:
      break;
  }
  if (errors.length > 0) return { ok: false, errors };

  const to = resolveTarget(rule, {
    refundType: type,
    shippingStatus: surroundings.shippingStatus,
    refundBeforeReceipt: surroundings.refundBeforeReceipt,
    acceptedOption: acceptedOption?.kind,
    differenceDue: (approvedAmount ?? refund.requestedAmount) > 0,
  });
  if (to === "REFUNDING") {
    plan.paymentAmount = approvedAmount ?? refund.requestedAmount;
    amount = plan.paymentAmount;
  }
  if (request.action === "PAYMENT_SUCCEEDED") amount = approvedAmount ?? refund.requestedAmount;
  return { ok: true, plan: { ...plan, rule, from: refund.status, to, type, approvedAmount, amount, note } };
}

function planOffer(
  request: TransitionRequest,
  refund: RefundSnapshot,
  errors: UserError[],
): Array<{ kind: ResolutionKind; amount: number }> | undefined {
  const offered = request.offerOptions ?? [];
  if (offered.length === 0) {
    errors.push(userError("OFFER_OPTIONS_REQUIRED", "OFFER_RESOLUTION needs at least one option", ["input", "offerOptions"]));
    return undefined;
  }
  const kinds = new Set(offered.map((option) => option.kind));
  if (kinds.size !== offered.length) {
    errors.push(userError("INVALID_INPUT", "Each kind of option may be offered once", ["input", "offerOptions"]));
  }
  return offered.map((option, index) => {
    const field = ["input", "offerOptions", String(index), "amount"];
    if (option.kind === "KEEP_ITEM_WITH_COMPENSATION" && option.amount == null) {
      errors.push(userError("INVALID_AMOUNT", "A compensation needs an amount", field));
    }
    const amount = option.amount ?? refund.requestedAmount;
    if (!isPositiveAmount(amount)) {
      errors.push(userError("INVALID_AMOUNT", "The amount must be a positive whole number of minor units", field));
    } else if (amount > refund.requestedAmount) {
      errors.push(userError("AMOUNT_EXCEEDS_REFUNDABLE", `An option may not exceed the requested ${refund.requestedAmount}`, field));
    }
    return { kind: option.kind, amount };
  });
}

/**
 * A plugin or rule holds a refund the platform would refund at once (CLASSIFY into
 * REFUNDING): it goes to PENDING_REVIEW for a person instead. Any other plan is unchanged.
 */
export function holdForReview(plan: TransitionPlan, refund: RefundSnapshot, reason: string): TransitionPlan {
  if (plan.rule.action !== "CLASSIFY" || plan.to !== "REFUNDING") return plan;
  // The type stays as classification decided (REFUND_ONLY: nothing was shipped to return).
  return { ...plan, to: "PENDING_REVIEW", approvedAmount: refund.approvedAmount, amount: null, paymentAmount: undefined, note: reason };
}
