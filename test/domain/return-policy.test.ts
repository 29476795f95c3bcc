// The pure return-policy rules: which policy an item falls under, and what it answers.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_SHOP_POLICY,
  type ReturnPolicyDef,
  itemEligibility,
  orderEligibility,
  policyForItem,
  reasonClass,
  skuMatches,
  skuPatternProblem,
  windowDaysProblem,
} from "../../src/domain/return-policy.js";

const policy = (overrides: Partial<ReturnPolicyDef>): ReturnPolicyDef => ({
  scope: "SHOP",
  category: null,
  skuPattern: null,
  noReasonDays: null,
  qualityDays: null,
  exemption: null,
  terms: null,
  qualityReasonCodes: [],
  ...overrides,
});
const D = 24 * 60 * 60 * 1000;
const delivered = new Date("2026-11-01T10:00:00Z");

describe("return policies", () => {
  it("matches SKU patterns literally but for *", () => {
    expect(skuMatches("FRESH-*", "FRESH-APPLE")).toBe(true);
    expect(skuMatches("FRESH-*", "XFRESH-APPLE")).toBe(false);
    expect(skuMatches("A.B*", "AXB1")).toBe(false);
    expect(skuMatches("*-CUSTOM", "SOFA-CUSTOM")).toBe(true);
    expect(skuPatternProblem("*")).not.toBeNull();
    expect(skuPatternProblem("A(B)")).not.toBeNull();
    expect(skuPatternProblem("A/B_C.D-*")).toBeNull();
    expect([0, -1, 366, 1.5].map(windowDaysProblem).every(Boolean)).toBe(true);
    expect(windowDaysProblem(365)).toBeNull();
  });

  it("takes the longest matching SKU pattern, then the category, then the shop-wide policy, then the default", () => {
    const policies = [
      policy({ noReasonDays: 10, qualityDays: 20, terms: "shop words" }),
      policy({ scope: "CATEGORY", category: "food", exemption: "FRESH_FOOD" }),
      policy({ scope: "SKU", skuPattern: "F-*", noReasonDays: 3 }),
      policy({ scope: "SKU", skuPattern: "F-MILK-*", exemption: "OPENED_HYGIENE", terms: "milk words" }),
    ];
    expect(policyForItem(policies, { sku: "F-MILK-1L", category: "food" })).toMatchObject({ scope: "SKU", skuPattern: "F-MILK-*", noReasonDays: 10, exemption: "OPENED_HYGIENE", terms: "milk words" });
    expect(policyForItem(policies, { sku: "F-BREAD", category: "food" })).toMatchObject({ scope: "SKU", noReasonDays: 3, qualityDays: 20, exemption: null });
    expect(policyForItem(policies, { sku: "APPLE", category: "food" })).toMatchObject({ scope: "CATEGORY", exemption: "FRESH_FOOD" });
    expect(policyForItem(policies, { sku: "TEE", category: null })).toMatchObject({ scope: "SHOP", noReasonDays: 10, terms: "shop words" });
    expect(policyForItem([], { sku: "TEE", category: null })).toMatchObject({ scope: "DEFAULT", noReasonDays: 7, qualityDays: 15 });
  });

  it("classes reasons by the shop's quality codes, a sub-reason by its parent", () => {
    expect(reasonClass(DEFAULT_SHOP_POLICY, { code: "NOT_AS_DESCRIBED", parentCode: null })).toBe("QUALITY");
    expect(reasonClass(DEFAULT_SHOP_POLICY, { code: "TORN_SEAM", parentCode: "NOT_AS_DESCRIBED" })).toBe("QUALITY");
    expect(reasonClass(DEFAULT_SHOP_POLICY, { code: "CHANGED_MIND", parentCode: null })).toBe("NO_REASON");
  });

  it("counts the window from delivery to the millisecond, has none before delivery, and refuses exempt goods only without a quality problem", () => {
    const tee = policyForItem([], { sku: "TEE", category: null });
    const at = (ms: number) => new Date(delivered.getTime() + ms);
    expect(itemEligibility(tee, { name: "T" }, delivered, at(7 * D), "NO_REASON")).toMatchObject({ eligible: true, deadline: at(7 * D) });
    expect(itemEligibility(tee, { name: "T" }, delivered, at(7 * D + 1), "NO_REASON")).toMatchObject({ eligible: false, code: "RETURN_WINDOW_CLOSED" });
    expect(itemEligibility(tee, { name: "T" }, delivered, at(7 * D + 1), "QUALITY")).toMatchObject({ eligible: true, deadline: at(15 * D) });
    expect(itemEligibility(tee, { name: "T" }, null, at(400 * D), "NO_REASON")).toMatchObject({ eligible: true, deadline: null });
    const milk = policyForItem([policy({ exemption: "OPENED_HYGIENE" })], { sku: "MILK", category: null });
    expect(itemEligibility(milk, { name: "Milk" }, delivered, at(D), "NO_REASON")).toMatchObject({ eligible: false, code: "NOT_RETURNABLE" });
    expect(itemEligibility(milk, { name: "Milk" }, delivered, at(D), "QUALITY")).toMatchObject({ eligible: true });
    const whole = orderEligibility([
      itemEligibility(tee, { name: "T" }, delivered, at(D), "NO_REASON"),
      itemEligibility(milk, { name: "Milk" }, delivered, at(D), "NO_REASON"),
    ]);
    expect(whole).toMatchObject({ eligible: false, code: "NOT_RETURNABLE" });
  });
});
