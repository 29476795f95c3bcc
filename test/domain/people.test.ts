// The pure rules of the people around a refund: discretion limits, the rating's checks, the care list.
import { describe, expect, it } from "vitest";
import {
  type ApprovalLimits,
  NO_LIMITS,
  approvalLimitsFrom,
  checkApprovalLimit,
  limitAmountProblem,
  limitFor,
} from "../../src/domain/approval-limits.js";
import { careOf } from "../../src/domain/care.js";
import { ratingProblem } from "../../src/domain/rating.js";
import { type RefundSnapshot, type TransitionPlan, type TransitionSurroundings, planTransition } from "../../src/domain/transition-plan.js";
import type { Actor } from "../../src/domain/types.js";

const ann: Actor = { kind: "USER", role: "AGENT", name: "Ann", memberId: "m-ann" };
const anyAgent: Actor = { kind: "USER", role: "AGENT", name: "agent" };
const rule: Actor = { kind: "RULE", name: "Small: approve" };
const around: TransitionSurroundings = { shippingStatus: "SHIPPED", refundBeforeReceipt: false, offeredOptions: [] };
const reviewing: RefundSnapshot = { status: "PENDING_REVIEW", type: "REFUND_ONLY", requestedAmount: 15900, approvedAmount: null, version: 2 };
const limits: ApprovalLimits = { byRole: { AGENT: 1000 }, byMember: { "m-ann": 2000 }, rules: 3000, overLimit: "REFUSE" };

function plan(request: Parameters<typeof planTransition>[1], actor: Actor = ann, refund: RefundSnapshot = reviewing): TransitionPlan {
  const planned = planTransition(refund, request, actor, around);
  if (!planned.ok) throw new Error(JSON.stringify(planned.errors));
  return planned.plan;
}
const compensation = (amount: number) => ({ action: "OFFER_RESOLUTION" as const, offerOptions: [{ kind: "KEEP_ITEM_WITH_COMPENSATION" as const, amount }] });

describe("discretion limits", () => {
  it("takes a member's own limit over its role's, the rules' for rules, and none for the platform", () => {
    expect(limitFor(ann, limits)).toEqual({ maxAmount: 2000, whose: "Ann's" });
    expect(limitFor(anyAgent, limits)).toEqual({ maxAmount: 1000, whose: "the AGENT role's" });
    expect(limitFor({ kind: "USER", role: "WAREHOUSE" }, limits)).toBeNull();
    expect(limitFor({ kind: "USER", role: "PLATFORM_ADMIN" }, { ...limits, byRole: { PLATFORM_ADMIN: 1 } })).toBeNull();
    expect(limitFor(rule, limits)).toEqual({ maxAmount: 3000, whose: "the automation rules'" });
    expect(limitFor({ kind: "SYSTEM" }, limits)).toBeNull();
    expect(limitFor(rule, NO_LIMITS)).toBeNull();
  });

  it("lets ¥20 through a ¥20 limit and refuses ¥21", () => {
    const within = plan(compensation(2000));
    expect(checkApprovalLimit(within, reviewing, ann, limits, "CNY")).toEqual({ ok: true, plan: within });
    expect(checkApprovalLimit(plan(compensation(2100)), reviewing, ann, limits, "CNY")).toEqual({
      ok: false,
      error: { code: "APPROVAL_LIMIT_EXCEEDED", message: "OFFER_RESOLUTION of ¥21.00 is over Ann's limit of ¥20.00: ask someone with a higher limit", field: ["input", "offerOptions"] },
    });
    expect(checkApprovalLimit(plan({ action: "APPROVE" }), reviewing, ann, limits, "CNY")).toMatchObject({ ok: false, error: { field: ["input", "amount"] } });
    // Actions that commit no amount are never limited.
    expect(checkApprovalLimit(plan({ action: "REJECT", note: "no" }), reviewing, ann, { ...limits, byMember: { "m-ann": 0 } }, "CNY").ok).toBe(true);
  });

  it("sends a person's over-limit action on to PENDING_FINANCE when the shop says so, but never a rule's", () => {
    const toFinance = { ...limits, overLimit: "SEND_TO_FINANCE" as const };
    const sent = checkApprovalLimit(plan(compensation(2100)), reviewing, ann, toFinance, "CNY");
    expect(sent).toMatchObject({
      ok: true,
      plan: { to: "PENDING_FINANCE", approvedAmount: 2100, amount: 2100, newOptions: undefined, escalated: true, note: "OFFER_RESOLUTION of ¥21.00 is over Ann's limit of ¥20.00: sent on to finance" },
    });
    const approved = checkApprovalLimit(plan({ action: "APPROVE", amount: 5000 }), reviewing, ann, toFinance, "CNY");
    expect(approved).toMatchObject({ ok: true, plan: { to: "PENDING_FINANCE", approvedAmount: 5000, escalated: true } });
    // A return still comes back first; it reaches finance after inspection.
    const returning = plan({ action: "APPROVE" }, ann, { ...reviewing, type: "RETURN_AND_REFUND" });
    expect(checkApprovalLimit(returning, reviewing, ann, toFinance, "CNY")).toMatchObject({ ok: true, plan: { to: "AWAITING_RETURN", escalated: true } });
    const withReturn = plan({ action: "OFFER_RESOLUTION", offerOptions: [{ kind: "RETURN_WITH_FULL_REFUND" }] });
    expect(checkApprovalLimit(withReturn, reviewing, ann, toFinance, "CNY").ok).toBe(false);
    expect(checkApprovalLimit(plan({ action: "APPROVE" }, rule), reviewing, rule, toFinance, "CNY").ok).toBe(false);
  });

  it("limits finance's payment and the rules' too", () => {
    const finance: Actor = { kind: "USER", role: "FINANCE" };
    const pending: RefundSnapshot = { ...reviewing, status: "PENDING_FINANCE", approvedAmount: 4000 };
    const pay = plan({ action: "FINANCE_APPROVE" }, finance, pending);
    expect(checkApprovalLimit(pay, pending, finance, { ...limits, byRole: { FINANCE: 3999 }, overLimit: "SEND_TO_FINANCE" }, "CNY")).toMatchObject({ ok: false, error: { code: "APPROVAL_LIMIT_EXCEEDED" } });
    expect(checkApprovalLimit(pay, pending, finance, { ...limits, byRole: { FINANCE: 4000 } }, "CNY").ok).toBe(true);
  });

  it("holds a rule's refund at once over the rules' limit for review, and lets one within it through", () => {
    const requested: RefundSnapshot = { status: "REQUESTED", type: "REFUND_ONLY", requestedAmount: 4000, approvedAmount: null, version: 1 };
    const unshipped = { ...around, shippingStatus: "NOT_SHIPPED" as const };
    const classify = (refund: RefundSnapshot) => {
      const planned = planTransition(refund, { action: "CLASSIFY" }, rule, unshipped);
      if (!planned.ok) throw new Error("no plan");
      return planned.plan;
    };
    expect(checkApprovalLimit(classify(requested), requested, rule, limits, "CNY")).toMatchObject({
      ok: true,
      plan: { to: "PENDING_REVIEW", paymentAmount: undefined, note: "CLASSIFY of ¥40.00 is over the automation rules' limit of ¥30.00: held for review" },
    });
    const small = { ...requested, requestedAmount: 3000 };
    expect(checkApprovalLimit(classify(small), small, rule, limits, "CNY")).toMatchObject({ ok: true, plan: { to: "REFUNDING", paymentAmount: 3000 } });
  });

  it("refuses negative, fractional and absurd amounts", () => {
    expect(limitAmountProblem(0)).toBeNull();
    expect(limitAmountProblem(2000)).toBeNull();
    expect(limitAmountProblem(-1)).toMatch(/non-negative/);
    expect(limitAmountProblem(1.5)).toMatch(/whole/);
    expect(limitAmountProblem(100_000_001)).toMatch(/at most/);
  });

  it("reads stored rows into limits", () => {
    expect(
      approvalLimitsFrom(
        [
          { subject: "ROLE:AGENT", role: "AGENT", staffMemberId: null, maxAmount: 1000 },
          { subject: "MEMBER:m-ann", role: null, staffMemberId: "m-ann", maxAmount: 2000 },
          { subject: "RULES", role: null, staffMemberId: null, maxAmount: 3000 },
        ],
        "REFUSE",
      ),
    ).toEqual(limits);
  });
});

describe("the customer's rating", () => {
  const ended = { status: "REFUNDED" as const, resolvedAt: new Date("2026-11-01T00:00:00Z"), alreadyRated: false };
  const day = (n: number) => new Date(Date.parse("2026-11-01T00:00:00Z") + n * 86_400_000);
  const code = (...args: Parameters<typeof ratingProblem>) => ratingProblem(...args)?.code ?? null;

  it("accepts a whole score 1–5 within 30 days of the end, once", () => {
    expect(code(ended, { score: 1 }, day(0))).toBeNull();
    expect(code(ended, { score: 5, comment: "ok" }, day(30))).toBeNull();
    expect(code(ended, { score: 5 }, new Date(day(30).getTime() + 1))).toBe("RATING_WINDOW_CLOSED");
    expect(code({ ...ended, alreadyRated: true }, { score: 5 }, day(1))).toBe("ALREADY_RATED");
    expect(code({ status: "PENDING_REVIEW", resolvedAt: null, alreadyRated: false }, { score: 5 }, day(1))).toBe("REFUND_NOT_ENDED");
    for (const score of [0, 6, 2.5, Number.NaN]) expect(code(ended, { score }, day(1))).toBe("INVALID_INPUT");
    expect(code(ended, { score: 3, comment: "x".repeat(2001) }, day(1))).toBe("INVALID_INPUT");
  });
});

describe("the care list", () => {
  const endedAt = new Date("2026-11-01T12:00:00Z");
  const after = (ms: number) => new Date(endedAt.getTime() + ms);
  const DAY = 86_400_000;

  it("keeps a customer from the end of a refund for the shop's days, then lets them go by the clock", () => {
    const latest = { status: "REJECTED" as const, resolvedAt: endedAt };
    expect(careOf(latest, 30, after(0))).toEqual({
      until: after(30 * DAY),
      reason: "A refund of theirs ended REJECTED on 2026-11-01 (UTC); the shop keeps such customers on its care list for 30 days",
    });
    expect(careOf(latest, 30, after(30 * DAY - 1))).not.toBeNull();
    expect(careOf(latest, 30, after(30 * DAY))).toBeNull();
    expect(careOf(latest, 0, after(0))).toBeNull();
    expect(careOf(null, 30, after(0))).toBeNull();
  });
});
