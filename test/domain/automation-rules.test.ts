import { describe, expect, it } from "vitest";
import { type AutomationRuleDef, DEFAULT_AUTOMATION_RULES, evaluateRules, findRuleCycle, validateRule } from "../../src/domain/automation-rules.js";

const rule = (overrides: Partial<AutomationRuleDef> & Pick<AutomationRuleDef, "name">): AutomationRuleDef =>
  ({
    id: overrides.name,
    trigger: "ENTERS_STATUS",
    status: "PENDING_REVIEW",
    match: "ALL",
    conditions: [],
    action: { kind: "TRANSITION", refundAction: "APPROVE" },
    priority: 100,
    enabled: true,
    stopAfterMatch: true,
    ...overrides,
  }) as AutomationRuleDef;

describe("automation rules", () => {
  it("runs the lowest priority first and says why every other rule did not act", () => {
    const rules = [
      rule({ name: "assign big", priority: 1, action: { kind: "ASSIGN", memberId: "m1" }, stopAfterMatch: false, conditions: [{ field: "amount", operator: "GTE", value: 10_000 }] }),
      rule({ name: "approve small", priority: 2, match: "ANY", conditions: [{ field: "amount", operator: "LT", value: 5000 }, { field: "customerTier", operator: "IN", value: ["GOLD"] }] }),
      rule({ name: "reject", priority: 3, action: { kind: "TRANSITION", refundAction: "REJECT" } }),
      rule({ name: "other status", status: "INSPECTING" }),
    ];
    const evaluation = evaluateRules(rules, "PENDING_REVIEW", { amount: 3000, customerTier: "STANDARD" });
    expect(evaluation.applied.map((r) => r.name)).toEqual(["approve small"]);
    expect(evaluation.explanations.map((e) => [e.rule.name, e.matched, e.conditions.map((c) => c.met), e.notEvaluated ?? null])).toEqual([
      ["assign big", false, [false], null],
      ["approve small", true, [true, false], null],
      ["reject", false, [], 'not run: rule "approve small" matched first'],
    ]);
    // An unknown fact meets no condition.
    expect(evaluateRules(rules, "PENDING_REVIEW", {}).applied.map((r) => r.name)).toEqual(["reject"]);
  });

  it("refuses what a rule cannot do, and finds cycles through the payment provider", () => {
    const draft = { name: "x", trigger: "ENTERS_STATUS" as const, status: "AWAITING_RETURN" as const, match: "ALL" as const, conditions: [], priority: 1, enabled: true, stopAfterMatch: true };
    const refused = validateRule({ ...draft, action: { kind: "TRANSITION", refundAction: "SUBMIT_RETURN_SHIPMENT" } }, "id");
    expect(refused.ok ? [] : refused.errors.map((e) => e.code)).toEqual(["ACTION_NOT_ALLOWED_FROM_TRIGGER"]);
    expect(findRuleCycle(DEFAULT_AUTOMATION_RULES.map((r, i) => ({ ...r, id: String(i), enabled: true })))).toBeNull();
    expect(findRuleCycle([rule({ name: "retry", status: "REFUND_FAILED", action: { kind: "TRANSITION", refundAction: "RETRY_PAYMENT" } })])).toEqual(["retry"]);
  });
});
