import { type UserError, userError } from "./errors.js";
import { formatMoney } from "./money.js";
import { type RefundSnapshot, type TransitionPlan, holdForReview } from "./transition-plan.js";
import type { Actor, Role } from "./types.js";

/**
 * Discretion limits: the largest amount a role, one staff member or the shop's automation
 * rules may approve, offer or pass on inspection. Pure: the limits come with the shop's cached
 * policies (src/services/shop-policies.ts), so checking one costs no statement.
 */

export const OVER_LIMIT_ACTIONS = ["REFUSE", "SEND_TO_FINANCE"] as const;
export type OverLimit = (typeof OVER_LIMIT_ACTIONS)[number];

/** Roles a shop may limit; a platform admin acts for the platform and is never limited. */
export const LIMITED_ROLES: readonly Role[] = ["SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE"];

/** 1,000,000.00 in a two-digit currency: far above any refund a person settles alone. */
export const MAX_LIMIT_AMOUNT = 100_000_000;

export interface ApprovalLimits {
  byRole: Partial<Record<Role, number>>;
  byMember: Readonly<Record<string, number>>;
  /** The automation rules' and timers' own limit; null: none. */
  rules: number | null;
  overLimit: OverLimit;
}

export const NO_LIMITS: ApprovalLimits = { byRole: {}, byMember: {}, rules: null, overLimit: "REFUSE" };

export type LimitSubject = { kind: "ROLE"; role: Role } | { kind: "MEMBER"; memberId: string } | { kind: "RULES" };

/** The stored key of a limit (unique per shop). */
export function limitSubjectKey(subject: LimitSubject): string {
  return subject.kind === "ROLE" ? `ROLE:${subject.role}` : subject.kind === "MEMBER" ? `MEMBER:${subject.memberId}` : "RULES";
}

/** Why a limit amount cannot be stored, or null. */
export function limitAmountProblem(maxAmount: number): string | null {
  if (!Number.isSafeInteger(maxAmount) || maxAmount < 0) return "maxAmount must be a whole, non-negative number of minor units";
  if (maxAmount > MAX_LIMIT_AMOUNT) return `maxAmount may be at most ${MAX_LIMIT_AMOUNT} minor units; remove the limit for none`;
  return null;
}

/**
 * The amount an action commits the shop to, which a limit governs: what APPROVE and
 * PASS_INSPECTION approve, the largest option OFFER_RESOLUTION puts before the customer, what
 * FINANCE_APPROVE pays, what a CLASSIFY refunds at once. null for every other action.
 */
export function limitedAmount(plan: TransitionPlan): number | null {
  switch (plan.rule.action) {
    case "CLASSIFY":
      return plan.paymentAmount ?? null;
    case "APPROVE":
      return plan.approvedAmount;
    case "PASS_INSPECTION":
      // An exchange's difference was approved with it (APPROVE); inspection commits nothing new.
      return plan.type === "EXCHANGE" ? null : plan.approvedAmount;
    case "OFFER_RESOLUTION":
      return plan.newOptions?.length ? Math.max(...plan.newOptions.map((option) => option.amount)) : null;
    case "FINANCE_APPROVE":
      return plan.paymentAmount ?? plan.approvedAmount;
    default:
      return null;
  }
}

/** The limit that binds this actor, and whose it is; null when none does. */
export function limitFor(actor: Actor, limits: ApprovalLimits): { maxAmount: number; whose: string } | null {
  if (actor.kind === "RULE") return limits.rules === null ? null : { maxAmount: limits.rules, whose: "the automation rules'" };
  if (actor.kind !== "USER" || !actor.role || actor.role === "PLATFORM_ADMIN") return null;
  // A member's own limit replaces its role's, higher or lower.
  const own = actor.memberId === undefined ? undefined : limits.byMember[actor.memberId];
  if (own !== undefined) return { maxAmount: own, whose: `${actor.name ?? "this staff member"}'s` };
  const byRole = limits.byRole[actor.role];
  return byRole === undefined ? null : { maxAmount: byRole, whose: `the ${actor.role} role's` };
}

/**
 * Checks a planned transition against the actor's limit. Within it (or with none): the plan as
 * it is. Over it: APPROVAL_LIMIT_EXCEEDED — or, when the shop sends such actions to finance
 * and a person acted, the plan goes to PENDING_FINANCE with that amount approved, so that a
 * second person (FINANCE) pays or rejects it. An approved return still waits for its parcel
 * (AWAITING_RETURN): it reaches finance after inspection. Rules, timers and finance itself are
 * always refused over their limit (there is no second person to send them to), and so is an
 * offer that includes a return (finance cannot take the customer's choice for them). A rule's
 * refund at once (CLASSIFY into REFUNDING) over the rules' limit is held for review instead: a
 * new request must go somewhere, and a person decides.
 */
export function checkApprovalLimit(
  plan: TransitionPlan,
  refund: RefundSnapshot,
  actor: Actor,
  limits: ApprovalLimits,
  currency: string,
): { ok: true; plan: TransitionPlan } | { ok: false; error: UserError } {
  const amount = limitedAmount(plan);
  if (amount === null) return { ok: true, plan };
  const limit = limitFor(actor, limits);
  if (!limit || amount <= limit.maxAmount) return { ok: true, plan };
  const over = `${plan.rule.action} of ${formatMoney(amount, currency)} is over ${limit.whose} limit of ${formatMoney(limit.maxAmount, currency)}`;
  if (plan.rule.action === "CLASSIFY") return { ok: true, plan: holdForReview(plan, refund, `${over}: held for review`) };
  const offersReturn = plan.newOptions?.some((option) => option.kind === "RETURN_WITH_FULL_REFUND") ?? false;
  // An exchange has no finance step (its difference is paid when the replacement ships): over the limit, it is refused.
  const toFinance = limits.overLimit === "SEND_TO_FINANCE" && actor.kind === "USER" && plan.rule.action !== "FINANCE_APPROVE" && !offersReturn && plan.type !== "EXCHANGE";
  if (!toFinance) {
    return { ok: false, error: userError("APPROVAL_LIMIT_EXCEEDED", `${over}: ask someone with a higher limit`, ["input", plan.rule.action === "OFFER_RESOLUTION" ? "offerOptions" : "amount"]) };
  }
  const note = [plan.note, `${over}: sent on to finance`].filter(Boolean).join(" — ");
  if (plan.to === "AWAITING_RETURN" || plan.to === "PENDING_FINANCE") return { ok: true, plan: { ...plan, note, escalated: true } };
  // Finance decides this amount now (a compensation: the customer keeps the item), no options go out.
  return { ok: true, plan: { ...plan, to: "PENDING_FINANCE", approvedAmount: amount, amount, newOptions: undefined, note, escalated: true } };
}

/** A shop's limits from its stored rows (ApprovalLimit) and its over-limit setting. */
export function approvalLimitsFrom(
  rows: ReadonlyArray<{ role: Role | null; staffMemberId: string | null; subject: string; maxAmount: number }>,
  overLimit: OverLimit,
): ApprovalLimits {
  const byRole: Partial<Record<Role, number>> = {};
  const byMember: Record<string, number> = {};
  let rules: number | null = null;
  for (const row of rows) {
    if (row.staffMemberId) byMember[row.staffMemberId] = row.maxAmount;
    else if (row.role) byRole[row.role] = row.maxAmount;
    else if (row.subject === "RULES") rules = row.maxAmount;
  }
  return { byRole, byMember, rules, overLimit };
}
