import { describe, expect, it } from "vitest";
import { type AutomationRuleDef, DEFAULT_AUTOMATION_RULES, evaluateRules, findRuleCycle, renderMessage, validateRule } from "../../src/domain/automation-rules.js";
import { normalizeLabel, relabel } from "../../src/domain/labels.js";
import { validateTimer } from "../../src/domain/timers.js";

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

  it("lets TAG and NOTIFY rules apply beside the one that moves the refund", () => {
    const rules = [
      rule({ name: "tag", priority: 1, stopAfterMatch: false, action: { kind: "TAG", label: "vip" } }),
      rule({ name: "notify", priority: 2, stopAfterMatch: false, action: { kind: "NOTIFY", memberId: null, role: "AGENT", message: "m" } }),
      rule({ name: "approve", priority: 3 }),
      rule({ name: "late tag", priority: 4, action: { kind: "TAG", label: "late" } }),
    ];
    const evaluation = evaluateRules(rules, "PENDING_REVIEW", { hoursSinceDelivery: 5 });
    expect(evaluation.applied.map((r) => r.name)).toEqual(["tag", "notify", "approve"]);
    expect(renderMessage("{{rule}} on {{ refundId }} in {{status}}", { rule: "r", refundId: "R1", status: "PENDING_REVIEW" })).toBe("r on R1 in PENDING_REVIEW");
  });

  it("validates labels, recipients and messages, and keeps CANCEL for timers", () => {
    const draft = { name: "x", trigger: "ENTERS_STATUS" as const, status: "AWAITING_RETURN" as const, match: "ALL" as const, conditions: [], priority: 1, enabled: true, stopAfterMatch: true };
    const codes = (action: Parameters<typeof validateRule>[0]["action"]) => {
      const result = validateRule({ ...draft, action }, "id");
      return result.ok ? result.rule.action : result.errors.map((e) => e.code);
    };
    expect(codes({ kind: "TAG", label: "  Fraud  Check " })).toEqual({ kind: "TAG", label: "fraud check" });
    expect(codes({ kind: "TAG", label: "a/b" })).toEqual(["INVALID_LABEL"]);
    expect(codes({ kind: "NOTIFY", role: "CUSTOMER", message: "hi" })).toEqual(["INVALID_RECIPIENT"]);
    expect(codes({ kind: "NOTIFY", role: "AGENT", message: "{{amount}}" })).toEqual(["INVALID_MESSAGE_TEMPLATE"]);
    expect(codes({ kind: "NOTIFY", memberId: "m1", message: " {{status}} " })).toEqual({ kind: "NOTIFY", memberId: "m1", role: null, message: "{{status}}" });
    expect(codes({ kind: "TRANSITION", refundAction: "CANCEL" })).toEqual(["ACTION_NOT_ALLOWED_FROM_TRIGGER"]);
    expect(validateTimer({ status: "AWAITING_RETURN", minutes: 7 * 24 * 60, action: "CANCEL", name: "7 days" })).toEqual([]);
    expect(validateTimer({ status: "PENDING_REVIEW", minutes: 60, action: "CANCEL", name: "x" }).map((e) => e.code)).toEqual(["ACTION_NOT_ALLOWED_FROM_TRIGGER"]);
    expect(normalizeLabel("待复核")).toEqual({ label: "待复核" });
    expect(relabel(["a"], ["b", "a"], ["c"])).toEqual(["a", "b"]);
    expect(relabel(Array.from({ length: 20 }, (_, i) => `l${i}`), ["new"], [])).toBeNull();
  });
});
