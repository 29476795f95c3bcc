import { describe, expect, it } from "vitest";
import { exchangeRequestProblems, planExchange, priceDifference, variantProblems } from "../../src/domain/exchanges.js";

const codes = (errors: ReadonlyArray<{ code: string }>) => errors.map((error) => error.code);

describe("exchanges", () => {
  it("refunds the difference of what was paid in the ratio of list prices, never a fraction more", () => {
    expect(priceDifference(39900, 39900, 39900)).toBe(0);
    expect(priceDifference(39900, 39900, 29900)).toBe(10000);
    // Paid 35670 for a 39900 pair; the 29900 one keeps ⌈26730.08⌉.
    expect(priceDifference(35670, 39900, 29900)).toBe(8939);
    expect(priceDifference(100, 100, 0)).toBe(100);
    // A free item has nothing to refund; a dearer variant is never planned here.
    expect(priceDifference(0, 0, 0)).toBe(0);
    expect(priceDifference(500, 400, 600)).toBe(0);
    // Amounts whose product passes 2^53 stay exact.
    expect(priceDifference(9_000_000_000, 3_000_000_000, 1_000_000_000)).toBe(6_000_000_000);
  });

  it("plans each line's variant, or says why not", () => {
    const lines = [
      { id: "shoes", sku: "RUN-42", unitPrice: 39900, variants: [{ sku: "RUN-43", unitPrice: 39900 }, { sku: "RUN-OLD", unitPrice: 29900 }, { sku: "RUN-LTD", unitPrice: 49900 }] },
      { id: "belt", sku: "BELT", unitPrice: 9900, variants: [] },
    ];
    const valued = (orderItemId: string, value: number) => [{ orderItemId, quantity: 1, value }];
    const plan = (orderItemId: string, exchangeSku: string, value = 39900) => planExchange(lines, [{ orderItemId, exchangeSku }], valued(orderItemId, value));
    expect(plan("shoes", "RUN-43")).toEqual({ ok: true, amount: 0, items: [{ orderItemId: "shoes", quantity: 1, amount: 0, exchangeSku: "RUN-43", exchangeUnitPrice: 39900 }] });
    expect(plan("shoes", " RUN-OLD ")).toMatchObject({ ok: true, amount: 10000, items: [{ exchangeSku: "RUN-OLD", exchangeUnitPrice: 29900 }] });
    const refused = (result: ReturnType<typeof planExchange>) => (result.ok ? [] : codes(result.errors));
    expect(refused(plan("shoes", "RUN-LTD"))).toEqual(["EXCHANGE_COSTS_MORE"]);
    expect(refused(plan("shoes", "RUN-42"))).toEqual(["EXCHANGE_SAME_SKU"]);
    expect(refused(plan("shoes", "RUN-44"))).toEqual(["EXCHANGE_SKU_NOT_A_VARIANT"]);
    expect(refused(plan("belt", "RUN-43", 9900))).toEqual(["EXCHANGE_SKU_NOT_A_VARIANT"]);
  });

  it("checks what a request says about exchanging before anything is read", () => {
    expect(codes(exchangeRequestProblems({ type: "EXCHANGE" }))).toEqual(["EXCHANGE_ITEMS_REQUIRED"]);
    expect(codes(exchangeRequestProblems({ type: "EXCHANGE", items: [{ exchangeSku: " " }] }))).toEqual(["EXCHANGE_ITEMS_REQUIRED"]);
    expect(codes(exchangeRequestProblems({ type: "EXCHANGE", items: [{ exchangeSku: "RUN-43" }], amount: 5 }))).toEqual(["INVALID_INPUT"]);
    expect(codes(exchangeRequestProblems({ type: "RETURN_AND_REFUND", items: [{ exchangeSku: "RUN-43" }, {}] }))).toEqual(["EXCHANGE_SKU_NOT_ALLOWED"]);
    expect(exchangeRequestProblems({ type: "EXCHANGE", items: [{ exchangeSku: "RUN-43" }] })).toEqual([]);
    expect(exchangeRequestProblems({ type: "REFUND_ONLY" })).toEqual([]);
  });

  it("stores only variants that are other SKUs, once each, with a price", () => {
    expect(variantProblems({ sku: "RUN-42" }, [{ sku: "RUN-43", unitPrice: 0 }], ["input", "items", "0"])).toEqual([]);
    const problems = variantProblems({ sku: "RUN-42" }, [{ sku: "RUN-42", unitPrice: 1 }, { sku: "RUN-43", unitPrice: 1 }, { sku: "RUN-43", unitPrice: 1.5 }, { sku: "", unitPrice: 1 }], ["input", "items", "0"]);
    expect(problems.map((problem) => [problem.code, problem.field!.slice(3).join(".")])).toEqual([
      ["INVALID_INPUT", "variants.0.sku"],
      ["INVALID_INPUT", "variants.2.sku"],
      ["INVALID_AMOUNT", "variants.2.unitPrice"],
      ["INVALID_INPUT", "variants.3.sku"],
    ]);
  });
});
