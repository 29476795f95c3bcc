import { describe, expect, it } from "vitest";
import { formatMoney, refundableAmount } from "../../src/domain/money.js";
import { type RefundSnapshot, type TransitionSurroundings, planTransition } from "../../src/domain/transition-plan.js";
import type { Actor } from "../../src/domain/types.js";

const agent: Actor = { kind: "USER", role: "AGENT" };
const customer: Actor = { kind: "USER", role: "CUSTOMER" };
const warehouse: Actor = { kind: "USER", role: "WAREHOUSE" };
const around: TransitionSurroundings = { shippingStatus: "SHIPPED", refundBeforeReceipt: false, offeredOptions: [] };
const reviewing: RefundSnapshot = { status: "PENDING_REVIEW", type: "RETURN_AND_REFUND", requestedAmount: 39900, approvedAmount: null, version: 2 };

function codes(result: ReturnType<typeof planTransition>): string[] {
  return result.ok ? [] : result.errors.map((error) => error.code);
}

describe("transition planning", () => {
  it("approves in full by default and partially with an amount", () => {
    const full = planTransition(reviewing, { action: "APPROVE" }, agent, around);
    expect(full.ok && full.plan).toMatchObject({ to: "AWAITING_RETURN", approvedAmount: 39900 });
    const partial = planTransition(reviewing, { action: "APPROVE", amount: 10000 }, agent, around);
    expect(partial.ok && partial.plan).toMatchObject({ approvedAmount: 10000, amount: 10000 });
  });

  it("refuses amounts that are not positive integers or exceed the request", () => {
    expect(codes(planTransition(reviewing, { action: "APPROVE", amount: 0 }, agent, around))).toEqual(["INVALID_AMOUNT"]);
    expect(codes(planTransition(reviewing, { action: "APPROVE", amount: -5 }, agent, around))).toEqual(["INVALID_AMOUNT"]);
    expect(codes(planTransition(reviewing, { action: "APPROVE", amount: 1.5 }, agent, around))).toEqual(["INVALID_AMOUNT"]);
    expect(codes(planTransition(reviewing, { action: "APPROVE", amount: 39901 }, agent, around))).toEqual(["AMOUNT_EXCEEDS_REFUNDABLE"]);
  });

  it("needs a note to reject and refuses inputs an action does not take", () => {
    expect(codes(planTransition(reviewing, { action: "REJECT", note: "  " }, agent, around))).toEqual(["NOTE_REQUIRED"]);
    expect(codes(planTransition(reviewing, { action: "REJECT", note: "fake photos", amount: 5 }, agent, around))).toEqual(["INVALID_INPUT"]);
  });

  it("offers options and lets the customer accept one", () => {
    const offer = planTransition(
      reviewing,
      { action: "OFFER_RESOLUTION", offerOptions: [{ kind: "RETURN_WITH_FULL_REFUND" }, { kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 2000 }] },
      agent,
      around,
    );
    expect(offer.ok && offer.plan.newOptions).toEqual([
      { kind: "RETURN_WITH_FULL_REFUND", amount: 39900 },
      { kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 2000 },
    ]);
    expect(codes(planTransition(reviewing, { action: "OFFER_RESOLUTION", offerOptions: [] }, agent, around))).toEqual(["OFFER_OPTIONS_REQUIRED"]);
    expect(codes(planTransition(reviewing, { action: "OFFER_RESOLUTION", offerOptions: [{ kind: "KEEP_ITEM_WITH_COMPENSATION" }] }, agent, around))).toContain("INVALID_AMOUNT");

    const waiting: RefundSnapshot = { ...reviewing, status: "AWAITING_CUSTOMER" };
    const options = [
      { id: "keep", kind: "KEEP_ITEM_WITH_COMPENSATION" as const, amount: 2000 },
      { id: "return", kind: "RETURN_WITH_FULL_REFUND" as const, amount: 39900 },
    ];
    const keep = planTransition(waiting, { action: "ACCEPT_OFFER", optionId: "keep" }, customer, { ...around, offeredOptions: options });
    expect(keep.ok && keep.plan).toMatchObject({ to: "PENDING_FINANCE", approvedAmount: 2000 });
    const unknown = planTransition(waiting, { action: "ACCEPT_OFFER", optionId: "nope" }, customer, { ...around, offeredOptions: options });
    expect(codes(unknown)).toEqual(["OPTION_NOT_FOUND"]);
  });

  it("needs carrier and tracking number for a return, and pays before receipt for trusted customers", () => {
    const awaiting: RefundSnapshot = { ...reviewing, status: "AWAITING_RETURN", approvedAmount: 39900 };
    expect(codes(planTransition(awaiting, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF" }, customer, around))).toEqual(["RETURN_SHIPMENT_REQUIRED"]);
    const shipped = planTransition(awaiting, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF", trackingNumber: "SF123" }, customer, { ...around, refundBeforeReceipt: true });
    expect(shipped.ok && shipped.plan.to).toBe("PENDING_FINANCE");
  });

  it("asks the provider for the approved amount when money goes out", () => {
    const finance: RefundSnapshot = { ...reviewing, status: "PENDING_FINANCE", approvedAmount: 12000 };
    const approved = planTransition(finance, { action: "FINANCE_APPROVE" }, { kind: "USER", role: "FINANCE" }, around);
    expect(approved.ok && approved.plan).toMatchObject({ to: "REFUNDING", paymentAmount: 12000 });
  });

  it("partial inspection may only lower the approved amount", () => {
    const inspecting: RefundSnapshot = { ...reviewing, status: "INSPECTING", approvedAmount: 30000 };
    expect(codes(planTransition(inspecting, { action: "PASS_INSPECTION", amount: 30001 }, warehouse, around))).toEqual(["AMOUNT_EXCEEDS_REFUNDABLE"]);
    const passed = planTransition(inspecting, { action: "PASS_INSPECTION", amount: 25000 }, warehouse, around);
    expect(passed.ok && passed.plan.approvedAmount).toBe(25000);
  });
});

describe("money", () => {
  it("formats minor units per currency", () => {
    expect(formatMoney(8900, "CNY")).toBe("¥89.00");
    expect(formatMoney(1234, "USD")).toBe("$12.34");
    expect(formatMoney(500, "JPY")).toBe("￥500");
  });

  it("frees rejected and cancelled refunds and counts refunded ones at what was paid", () => {
    const refunds = [
      { status: "REJECTED", requestedAmount: 5000, refundedAmount: 0 },
      { status: "CANCELLED", requestedAmount: 5000, refundedAmount: 0 },
      { status: "REFUNDED", requestedAmount: 8900, refundedAmount: 2000 },
      { status: "PENDING_REVIEW", requestedAmount: 3000, refundedAmount: 0 },
    ];
    expect(refundableAmount(8900, refunds)).toBe(8900 - 2000 - 3000);
    expect(refundableAmount(1000, refunds)).toBe(0);
  });
});
