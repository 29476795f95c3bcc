// The pure rules of line items: paid values with no fen lost, the quantity each refund holds,
// and per-item inspection results that must add up.
import { describe, expect, it } from "vitest";
import type { UserError } from "../../src/domain/errors.js";
import { type OrderLine, planItemInspection, planRequestedItems, refundItemAmounts, refundedQuantity, splitProportionally } from "../../src/domain/line-items.js";
import { planTransition } from "../../src/domain/transition-plan.js";

const line = (id: string, quantity: number, unitPrice: number, refundLines: OrderLine["refundLines"] = []): OrderLine => ({ id, quantity, unitPrice, refundLines });

describe("splitProportionally", () => {
  it("adds up exactly, by the largest remainder", () => {
    expect(splitProportionally(401, [300, 200])).toEqual([241, 160]);
    expect(splitProportionally(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitProportionally(0, [5, 5])).toEqual([0, 0]);
    // Free goods: the amount is spread by count.
    expect(splitProportionally(10, [0, 0])).toEqual([5, 5]);
  });

  it("stays exact for amounts whose products pass 2^53", () => {
    const shares = splitProportionally(1_000_000_001, [999_999_999, 1_000_000_007, 3]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(1_000_000_001);
    expect(shares.every(Number.isSafeInteger)).toBe(true);
  });
});

describe("refundedQuantity", () => {
  it("counts open refunds' units, REFUNDED ones' passed units, and frees REJECTED and CANCELLED ones", () => {
    expect(
      refundedQuantity([
        { status: "PENDING_REVIEW", quantity: 2, passedQuantity: null },
        { status: "REFUNDED", quantity: 3, passedQuantity: 1 },
        { status: "REFUNDED", quantity: 1, passedQuantity: null },
        { status: "REJECTED", quantity: 5, passedQuantity: null },
        { status: "CANCELLED", quantity: 5, passedQuantity: null },
      ]),
    ).toBe(2 + 1 + 1);
  });
});

describe("planRequestedItems", () => {
  it("values units cumulatively, so a line refunded unit by unit adds up to its share", () => {
    const values: number[] = [];
    const taken: OrderLine["refundLines"][number][] = [];
    for (let unit = 0; unit < 3; unit += 1) {
      const planned = planRequestedItems(401, [line("a", 3, 100, [...taken]), line("b", 1, 200)], [{ orderItemId: "a", quantity: 1 }]);
      if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
      values.push(planned.value);
      taken.push({ status: "PENDING_REVIEW", quantity: 1, passedQuantity: null });
    }
    expect(values).toEqual([80, 80, 81]);
  });

  it("answers every bad line with its code and field", () => {
    const lines = [line("a", 2, 100, [{ status: "PENDING_REVIEW", quantity: 1, passedQuantity: null }]), line("b", 1, 100)];
    const codes = (requested: Array<{ orderItemId: string; quantity: number }>) => {
      const planned = planRequestedItems(300, lines, requested);
      return planned.ok ? [] : planned.errors.map((error) => [error.code, error.field!.join(".")]);
    };
    expect(codes([])).toEqual([["INVALID_INPUT", "input.items"]]);
    expect(codes([{ orderItemId: "b", quantity: 0 }])).toEqual([["INVALID_QUANTITY", "input.items.0.quantity"]]);
    expect(codes([{ orderItemId: "b", quantity: 1.5 }])).toEqual([["INVALID_QUANTITY", "input.items.0.quantity"]]);
    expect(codes([{ orderItemId: "b", quantity: 2 }])).toEqual([["QUANTITY_EXCEEDS_PURCHASED", "input.items.0.quantity"]]);
    expect(codes([{ orderItemId: "a", quantity: 2 }])).toEqual([["QUANTITY_EXCEEDS_REFUNDABLE", "input.items.0.quantity"]]);
    expect(codes([{ orderItemId: "x", quantity: 1 }])).toEqual([["ORDER_ITEM_NOT_IN_ORDER", "input.items.0.orderItemId"]]);
    expect(codes([{ orderItemId: "b", quantity: 1 }, { orderItemId: "b", quantity: 1 }])).toEqual([["DUPLICATE_ORDER_ITEM", "input.items.1.orderItemId"]]);
    expect(codes([{ orderItemId: "a", quantity: 1 }, { orderItemId: "b", quantity: 1 }])).toEqual([]);
  });

  it("splits a lower amount over the lines in proportion, adding up exactly", () => {
    const items = [
      { orderItemId: "a", quantity: 1, value: 100 },
      { orderItemId: "b", quantity: 1, value: 200 },
    ];
    expect(refundItemAmounts(100, items).map((item) => item.amount)).toEqual([33, 67]);
  });
});

describe("planItemInspection", () => {
  const items = [
    { id: "i1", quantity: 2, amount: 79800, passedQuantity: null },
    { id: "i2", quantity: 3, amount: 100, passedQuantity: null },
  ];
  const run = (results: Parameters<typeof planItemInspection>[1], of = items) => {
    const errors: UserError[] = [];
    const planned = planItemInspection(of, results, errors);
    return { planned, codes: errors.map((error) => error.code) };
  };

  it("is worth what passed, each line rounded down", () => {
    const { planned, codes } = run([
      { refundItemId: "i1", passedQuantity: 1, note: " worn " },
      { refundItemId: "i2", passedQuantity: 2 },
    ]);
    expect(codes).toEqual([]);
    expect(planned!.value).toBe(39900 + 66);
    expect(planned!.inspections[0]).toEqual({ refundItemId: "i1", passedQuantity: 1, note: "worn" });
  });

  it("passes every unit when no results are given, and has nothing to say for a refund of the whole order", () => {
    expect(run(null).planned!.value).toBe(79900);
    expect(run(null, []).planned).toBeNull();
    expect(run([{ refundItemId: "i1", passedQuantity: 1 }], []).codes).toEqual(["ITEM_RESULTS_MISMATCH"]);
  });

  it("refuses results that do not cover the items exactly once, or pass nothing", () => {
    expect(run([{ refundItemId: "i1", passedQuantity: 1 }]).codes).toEqual(["ITEM_RESULTS_MISMATCH"]);
    expect(run([{ refundItemId: "i1", passedQuantity: 1 }, { refundItemId: "i1", passedQuantity: 1 }, { refundItemId: "i2", passedQuantity: 1 }]).codes).toEqual(["ITEM_RESULTS_MISMATCH"]);
    expect(run([{ refundItemId: "i1", passedQuantity: 1 }, { refundItemId: "zz", passedQuantity: 1 }]).codes).toEqual(["ITEM_RESULTS_MISMATCH"]);
    expect(run([{ refundItemId: "i1", passedQuantity: 3 }, { refundItemId: "i2", passedQuantity: 1 }]).codes).toEqual(["INVALID_QUANTITY"]);
    expect(run([{ refundItemId: "i1", passedQuantity: 0 }, { refundItemId: "i2", passedQuantity: 0 }]).codes).toEqual(["NOTHING_PASSED_INSPECTION"]);
  });

  it("sets the approved amount of PASS_INSPECTION, never above an earlier partial approval, unless the inspector sets one", () => {
    const refund = { status: "INSPECTING" as const, type: "RETURN_AND_REFUND" as const, requestedAmount: 79900, approvedAmount: 50000, version: 5 };
    const surroundings = { shippingStatus: "DELIVERED" as const, refundBeforeReceipt: false, offeredOptions: [], items };
    const warehouse = { kind: "USER" as const, role: "WAREHOUSE" as const };
    const results = [
      { refundItemId: "i1", passedQuantity: 1 },
      { refundItemId: "i2", passedQuantity: 3 },
    ];
    const planned = planTransition(refund, { action: "PASS_INSPECTION", itemResults: results }, warehouse, surroundings);
    expect(planned.ok && planned.plan.approvedAmount).toBe(39900 + 100);
    const capped = planTransition(refund, { action: "PASS_INSPECTION" }, warehouse, surroundings);
    expect(capped.ok && capped.plan.approvedAmount).toBe(50000);
    const set = planTransition(refund, { action: "PASS_INSPECTION", itemResults: results, amount: 45000 }, warehouse, surroundings);
    expect(set.ok && set.plan.approvedAmount).toBe(45000);
    const elsewhere = planTransition({ ...refund, status: "PENDING_REVIEW" }, { action: "APPROVE", itemResults: results }, { kind: "USER", role: "AGENT" }, surroundings);
    expect(elsewhere.ok ? [] : elsewhere.errors.map((error) => error.code)).toEqual(["INVALID_INPUT"]);
  });
});
