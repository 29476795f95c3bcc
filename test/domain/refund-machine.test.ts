import { describe, expect, it } from "vitest";
import {
  REFUND_ACTIONS,
  REFUND_TRANSITIONS,
  type RefundAction,
  availableActions,
  checkAction,
  findRule,
  resolveTarget,
} from "../../src/domain/refund-machine.js";
import { type RefundSnapshot, type TransitionSurroundings, planTransition } from "../../src/domain/transition-plan.js";
import { transitionRowsFor } from "../../src/domain/transition-rows.js";
import { checkApprovalLimit } from "../../src/domain/approval-limits.js";
import { type Actor, REFUND_STATUSES, REFUND_TYPES, ROLES, type RefundStatus, type RefundType, type Role, TERMINAL_STATUSES } from "../../src/domain/types.js";

/**
 * DESIGN.md's table, written out again by hand as the specification: (from, action) → who
 * may act. The implementation's table must agree with it for every status × action × actor.
 */
const SPEC: Record<string, readonly ("SYSTEM" | Role)[]> = {
  "REQUESTED CLASSIFY": ["SYSTEM"],
  "PENDING_REVIEW APPROVE": ["SYSTEM", "AGENT"],
  "PENDING_REVIEW REJECT": ["SYSTEM", "AGENT"],
  "PENDING_REVIEW OFFER_RESOLUTION": ["SYSTEM", "AGENT"],
  "AWAITING_CUSTOMER ACCEPT_OFFER": ["CUSTOMER"],
  "AWAITING_WAREHOUSE CONFIRM_NOT_RECEIVED": ["SYSTEM", "WAREHOUSE"],
  "AWAITING_WAREHOUSE REJECT": ["SYSTEM", "WAREHOUSE"],
  "AWAITING_RETURN SUBMIT_RETURN_SHIPMENT": ["CUSTOMER"],
  "RETURN_IN_TRANSIT RECEIVE_RETURN": ["SYSTEM", "WAREHOUSE"],
  "INSPECTING PASS_INSPECTION": ["SYSTEM", "WAREHOUSE"],
  "INSPECTING FAIL_INSPECTION": ["SYSTEM", "WAREHOUSE"],
  "PENDING_FINANCE FINANCE_APPROVE": ["SYSTEM", "FINANCE"],
  "PENDING_FINANCE FINANCE_REJECT": ["SYSTEM", "FINANCE"],
  "REFUNDING PAYMENT_SUCCEEDED": ["SYSTEM"],
  "REFUNDING PAYMENT_FAILED": ["SYSTEM"],
  "REFUND_FAILED RETRY_PAYMENT": ["SYSTEM", "FINANCE"],
  "REQUESTED CANCEL": ["CUSTOMER"],
  "PENDING_REVIEW CANCEL": ["CUSTOMER"],
  // The platform (a shop's timer) withdraws a request when the customer stays silent.
  "AWAITING_CUSTOMER CANCEL": ["SYSTEM", "CUSTOMER"],
  "AWAITING_WAREHOUSE CANCEL": ["CUSTOMER"],
  "AWAITING_RETURN CANCEL": ["SYSTEM", "CUSTOMER"],
  // Exchanges only.
  "AWAITING_REPLACEMENT SHIP_REPLACEMENT": ["SYSTEM", "WAREHOUSE"],
};

/** Staff actions (a staff role's) are open to SHOP_ADMIN and PLATFORM_ADMIN too; a customer's are not. */
function specAllows(performers: readonly ("SYSTEM" | Role)[], actor: Actor): boolean {
  if (actor.kind !== "USER") return performers.includes("SYSTEM");
  if (performers.includes(actor.role!)) return true;
  const staffAction = performers.some((performer) => performer === "AGENT" || performer === "WAREHOUSE" || performer === "FINANCE");
  return staffAction && (actor.role === "SHOP_ADMIN" || actor.role === "PLATFORM_ADMIN");
}

const ACTORS: Actor[] = [
  { kind: "SYSTEM" },
  { kind: "RULE" },
  { kind: "PLUGIN" },
  ...ROLES.map((role): Actor => ({ kind: "USER", role })),
];

describe("refund state machine", () => {
  it("agrees with the specification for every (status, action, actor)", () => {
    let checked = 0;
    for (const status of REFUND_STATUSES) {
      for (const action of REFUND_ACTIONS) {
        const performers = SPEC[`${status} ${action}`];
        for (const actor of ACTORS) {
          const result = checkAction(status, action, actor);
          const label = `${status} ${action} by ${actor.kind}/${actor.role ?? "-"}`;
          if (TERMINAL_STATUSES.has(status)) {
            expect(result, label).toEqual({ ok: false, reason: "REFUND_TERMINAL" });
          } else if (!performers) {
            expect(result, label).toEqual({ ok: false, reason: "ACTION_NOT_ALLOWED_IN_STATUS" });
          } else if (specAllows(performers, actor)) {
            expect(result.ok, label).toBe(true);
          } else {
            expect(result, label).toEqual({ ok: false, reason: "ACTION_NOT_PERMITTED" });
          }
          checked += 1;
        }
      }
    }
    expect(checked).toBe(REFUND_STATUSES.length * REFUND_ACTIONS.length * ACTORS.length);
  });

  it("has no row the specification lacks", () => {
    for (const status of REFUND_STATUSES) {
      for (const action of REFUND_ACTIONS) {
        expect(Boolean(findRule(status, action)), `${status} ${action}`).toBe(Boolean(SPEC[`${status} ${action}`]));
      }
    }
  });

  it.each([
    ["REQUESTED", "CLASSIFY", { shippingStatus: "NOT_SHIPPED" }, "REFUNDING"],
    ["REQUESTED", "CLASSIFY", { shippingStatus: "SHIPPED" }, "PENDING_REVIEW"],
    ["REQUESTED", "CLASSIFY", { shippingStatus: "DELIVERED" }, "PENDING_REVIEW"],
    ["PENDING_REVIEW", "APPROVE", { refundType: "REFUND_ONLY" }, "AWAITING_WAREHOUSE"],
    ["PENDING_REVIEW", "APPROVE", { refundType: "RETURN_AND_REFUND" }, "AWAITING_RETURN"],
    ["AWAITING_CUSTOMER", "ACCEPT_OFFER", { acceptedOption: "KEEP_ITEM_WITH_COMPENSATION" }, "PENDING_FINANCE"],
    ["AWAITING_CUSTOMER", "ACCEPT_OFFER", { acceptedOption: "RETURN_WITH_FULL_REFUND" }, "AWAITING_RETURN"],
    ["AWAITING_RETURN", "SUBMIT_RETURN_SHIPMENT", { refundBeforeReceipt: false }, "RETURN_IN_TRANSIT"],
    ["AWAITING_RETURN", "SUBMIT_RETURN_SHIPMENT", { refundBeforeReceipt: true }, "PENDING_FINANCE"],
    ["PENDING_FINANCE", "FINANCE_APPROVE", {}, "REFUNDING"],
    ["REFUNDING", "PAYMENT_SUCCEEDED", {}, "REFUNDED"],
    ["REFUNDING", "PAYMENT_FAILED", {}, "REFUND_FAILED"],
    ["REFUND_FAILED", "RETRY_PAYMENT", {}, "REFUNDING"],
  ] as const)("%s --%s %o--> %s", (from, action, facts, to) => {
    const rule = findRule(from as RefundStatus, action as RefundAction)!;
    const base = { refundType: "REFUND_ONLY", shippingStatus: "SHIPPED", refundBeforeReceipt: false } as const;
    expect(resolveTarget(rule, { ...base, ...facts })).toBe(to);
  });

  it("lists a viewer's actions without platform-only ones", () => {
    expect(availableActions("PENDING_REVIEW", "AGENT")).toEqual(["APPROVE", "REJECT", "OFFER_RESOLUTION"]);
    expect(availableActions("PENDING_REVIEW", "CUSTOMER")).toEqual(["CANCEL"]);
    expect(availableActions("PENDING_REVIEW", "WAREHOUSE")).toEqual([]);
    expect(availableActions("REFUNDING", "SHOP_ADMIN")).toEqual([]);
    expect(availableActions("INSPECTING", "SHOP_ADMIN")).toEqual(["PASS_INSPECTION", "FAIL_INSPECTION"]);
    expect(availableActions("REFUNDED", "PLATFORM_ADMIN")).toEqual([]);
    // The platform may cancel for a silent customer; staff still may not.
    expect(availableActions("AWAITING_RETURN", "CUSTOMER")).toEqual(["SUBMIT_RETURN_SHIPMENT", "CANCEL"]);
    expect(availableActions("AWAITING_RETURN", "SHOP_ADMIN")).toEqual([]);
  });
});

describe("exchange rows of the state machine", () => {
  const facts = { refundType: "EXCHANGE", shippingStatus: "SHIPPED", refundBeforeReceipt: false } as const;
  const target = (from: RefundStatus, action: RefundAction, more: Partial<Parameters<typeof resolveTarget>[1]> = {}) => {
    const rule = findRule(from, action, "EXCHANGE");
    return rule ? resolveTarget(rule, { ...facts, ...more }) : null;
  };

  it("has at most one row per (status, action, refund type)", () => {
    for (const status of REFUND_STATUSES) {
      for (const action of REFUND_ACTIONS) {
        for (const type of REFUND_TYPES) {
          const rows = REFUND_TRANSITIONS.filter((row) => row.from === status && row.action === action && (!row.types || row.types.includes(type)));
          expect(rows.length, `${status} ${action} ${type}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it("walks review → return → inspection → replacement → EXCHANGED", () => {
    // Never the instant path, even for an order not shipped.
    expect(target("REQUESTED", "CLASSIFY", { shippingStatus: "NOT_SHIPPED" })).toBe("PENDING_REVIEW");
    expect(target("PENDING_REVIEW", "APPROVE")).toBe("AWAITING_RETURN");
    // Refund-before-receipt is about money: the exchange's parcel is awaited.
    expect(target("AWAITING_RETURN", "SUBMIT_RETURN_SHIPMENT", { refundBeforeReceipt: true })).toBe("RETURN_IN_TRANSIT");
    expect(target("RETURN_IN_TRANSIT", "RECEIVE_RETURN")).toBe("INSPECTING");
    expect(target("INSPECTING", "PASS_INSPECTION")).toBe("AWAITING_REPLACEMENT");
    expect(target("INSPECTING", "FAIL_INSPECTION")).toBe("REJECTED");
    expect(target("AWAITING_REPLACEMENT", "SHIP_REPLACEMENT", { differenceDue: false })).toBe("EXCHANGED");
    // A cheaper variant: the difference goes the payment path, then the exchange ends EXCHANGED.
    expect(target("AWAITING_REPLACEMENT", "SHIP_REPLACEMENT", { differenceDue: true })).toBe("REFUNDING");
    expect(target("REFUNDING", "PAYMENT_SUCCEEDED")).toBe("EXCHANGED");
    expect(target("REFUNDING", "PAYMENT_FAILED")).toBe("REFUND_FAILED");
    expect(target("REFUND_FAILED", "RETRY_PAYMENT")).toBe("REFUNDING");
    expect(TERMINAL_STATUSES.has("EXCHANGED")).toBe(true);
    for (const from of ["REQUESTED", "PENDING_REVIEW", "AWAITING_RETURN"] as const) expect(target(from, "CANCEL")).toBe("CANCELLED");
  });

  it("keeps the refunds' rows and the exchange's apart", () => {
    for (const type of ["REFUND_ONLY", "RETURN_AND_REFUND"] as const satisfies readonly RefundType[]) {
      expect(findRule("AWAITING_REPLACEMENT", "SHIP_REPLACEMENT", type), type).toBeUndefined();
      expect(resolveTarget(findRule("REFUNDING", "PAYMENT_SUCCEEDED", type)!, { ...facts, refundType: type })).toBe("REFUNDED");
      expect(resolveTarget(findRule("INSPECTING", "PASS_INSPECTION", type)!, { ...facts, refundType: type })).toBe("PENDING_FINANCE");
    }
    // Options are money instead of the item: not for an exchange.
    expect(findRule("PENDING_REVIEW", "OFFER_RESOLUTION", "EXCHANGE")).toBeUndefined();
    expect(availableActions("PENDING_REVIEW", "AGENT", "EXCHANGE")).toEqual(["APPROVE", "REJECT"]);
    expect(availableActions("AWAITING_REPLACEMENT", "WAREHOUSE", "EXCHANGE")).toEqual(["SHIP_REPLACEMENT"]);
    expect(availableActions("AWAITING_REPLACEMENT", "CUSTOMER", "EXCHANGE")).toEqual([]);
    expect(checkAction("AWAITING_REPLACEMENT", "SHIP_REPLACEMENT", { kind: "USER", role: "WAREHOUSE" }, "RETURN_AND_REFUND")).toEqual({ ok: false, reason: "ACTION_NOT_ALLOWED_IN_STATUS" });
  });

  const warehouse: Actor = { kind: "USER", role: "WAREHOUSE" };
  const around: TransitionSurroundings = { shippingStatus: "NOT_SHIPPED", refundBeforeReceipt: false, offeredOptions: [] };
  const exchange = (status: RefundStatus, requestedAmount: number): RefundSnapshot => ({ status, type: "EXCHANGE", requestedAmount, approvedAmount: requestedAmount, version: 5 });

  it("plans an exchange: the type stays, no amount at inspection, the parcel is required", () => {
    const classified = planTransition({ ...exchange("REQUESTED", 0), approvedAmount: null, version: 1 }, { action: "CLASSIFY" }, { kind: "SYSTEM" }, around);
    expect(classified.ok && classified.plan).toMatchObject({ to: "PENDING_REVIEW", type: "EXCHANGE", approvedAmount: null });
    const withAmount = planTransition(exchange("INSPECTING", 3000), { action: "PASS_INSPECTION", amount: 1000 }, warehouse, around);
    expect(withAmount.ok ? [] : withAmount.errors.map((error) => error.code)).toEqual(["INVALID_INPUT"]);
    const noParcel = planTransition(exchange("AWAITING_REPLACEMENT", 0), { action: "SHIP_REPLACEMENT", carrier: "SF", trackingNumber: " " }, warehouse, around);
    expect(noParcel.ok ? [] : noParcel.errors.map((error) => [error.code, error.field])).toEqual([["REPLACEMENT_SHIPMENT_REQUIRED", ["input", "trackingNumber"]]]);
  });

  it("ships the replacement: no payment for an equal price, the difference paid for a cheaper one", () => {
    const at = new Date("2026-11-30T00:00:00Z");
    let n = 0;
    const newId = () => `id-${++n}`;
    const key = { id: "r1", shopId: "s1", currency: "CNY", version: 5 };
    const equal = planTransition(exchange("AWAITING_REPLACEMENT", 0), { action: "SHIP_REPLACEMENT", carrier: "SF", trackingNumber: "SF100" }, warehouse, around);
    if (!equal.ok) throw new Error("planned");
    expect(equal.plan).toMatchObject({ to: "EXCHANGED", replacementShipment: { carrier: "SF", trackingNumber: "SF100" } });
    expect(equal.plan.paymentAmount).toBeUndefined();
    const rows = transitionRowsFor(equal.plan, key, warehouse, at, newId);
    expect(rows.replacementShipment).toEqual({ id: expect.any(String), refundId: "r1", carrier: "SF", trackingNumber: "SF100", shippedAt: at });
    expect(rows.paymentAttempt).toBeUndefined();
    expect(rows.refund).toMatchObject({ status: "EXCHANGED", resolvedAt: at });

    const cheaper = planTransition(exchange("AWAITING_REPLACEMENT", 3000), { action: "SHIP_REPLACEMENT", carrier: "SF", trackingNumber: "SF101" }, warehouse, around);
    if (!cheaper.ok) throw new Error("planned");
    expect(cheaper.plan).toMatchObject({ to: "REFUNDING", paymentAmount: 3000, amount: 3000 });
    expect(transitionRowsFor(cheaper.plan, key, warehouse, at, newId).paymentAttempt).toMatchObject({ amount: 3000, currency: "CNY" });
    const paid = planTransition(exchange("REFUNDING", 3000), { action: "PAYMENT_SUCCEEDED" }, { kind: "SYSTEM" }, around);
    if (!paid.ok) throw new Error("planned");
    expect(transitionRowsFor(paid.plan, { ...key, version: 6 }, { kind: "SYSTEM" }, at, newId).refund).toMatchObject({ status: "EXCHANGED", refundedAmount: 3000, resolvedAt: at });
  });

  it("keeps an exchange within the approver's limit: over it refused, never sent to a finance step it does not have", () => {
    const agent: Actor = { kind: "USER", role: "AGENT" };
    const limits = { byRole: { AGENT: 5000, WAREHOUSE: 0 }, byMember: {}, rules: null, overLimit: "SEND_TO_FINANCE" } as const;
    const reviewing = { ...exchange("PENDING_REVIEW", 8939), approvedAmount: null };
    const approve = planTransition(reviewing, { action: "APPROVE" }, agent, around);
    if (!approve.ok) throw new Error("planned");
    const checked = checkApprovalLimit(approve.plan, reviewing, agent, limits, "CNY");
    expect(checked.ok ? checked.plan.to : checked.error.code).toBe("APPROVAL_LIMIT_EXCEEDED");
    // Inspection commits nothing new: the warehouse's limit of 0 does not bind it.
    const pass = planTransition(exchange("INSPECTING", 8939), { action: "PASS_INSPECTION" }, warehouse, around);
    if (!pass.ok) throw new Error("planned");
    expect(checkApprovalLimit(pass.plan, exchange("INSPECTING", 8939), warehouse, limits, "CNY")).toMatchObject({ ok: true, plan: { to: "AWAITING_REPLACEMENT" } });
  });
});
