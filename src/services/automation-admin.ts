import { randomUUID } from "node:crypto";
import type { Database } from "../db/database.js";
import type { Tx } from "../db/tx.js";
import {
  type AutomationRuleDef,
  type RefundFacts,
  type RuleDraft,
  describeAction,
  evaluateRules,
  findRuleCycle,
  movesRefund,
  validateRule,
} from "../domain/automation-rules.js";
import { UserErrorsException, fail, userError } from "../domain/errors.js";
import type { RefundAction } from "../domain/refund-machine.js";
import { type TimerSetting, validateTimer } from "../domain/timers.js";
import type { RefundStatus } from "../domain/types.js";
import { Prisma } from "../generated/prisma/client.js";
import { storedFacts } from "./automation.js";
import { ruleFromRow } from "./shop-policies.js";
import type { ShopConfig } from "./unit-of-work.js";
import { STAFF_ROLES, type Viewer, actorOf, requireRole, resolveShopId } from "./viewer.js";

/** SHOP_ADMIN's management of the shop's automation rules and timers; every change is audited. */

const ADMINS = ["PLATFORM_ADMIN", "SHOP_ADMIN"] as const;

/** The shop a staff caller reads: its own, or the one a platform admin names. */
function shopOf(viewer: Viewer | null, shopId: string | null | undefined): string | null {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  return caller.role === "PLATFORM_ADMIN" ? (shopId ?? null) : caller.shopId;
}

/** `automationRules`: the shop's rules, in the order they run. */
export async function listAutomationRules(db: Database, viewer: Viewer | null, shopId: string | null) {
  const shop = shopOf(viewer, shopId);
  if (!shop) return [];
  return db.prisma.automationRule.findMany({ where: { shopId: shop }, orderBy: [{ priority: "asc" }, { name: "asc" }] });
}

export type RuleInput = Partial<RuleDraft> & { shopId?: string | null };

/**
 * Validates and saves a rule in one transaction that holds the shop's row lock, so two
 * admins cannot each add half of a cycle; nothing is saved on any problem.
 */
/** Rules and timers are read by every transition from a per-shop cache: a change drops it in every process. */
type ConfigChanges = Pick<ShopConfig, "changed">;

async function saveRule(db: Database, config: ConfigChanges, viewer: Viewer | null, shopId: string, ruleId: string | null, draft: RuleDraft) {
  const caller = requireRole(viewer, [...ADMINS]);
  const saved = await db.prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Shop" WHERE id = ${shopId} FOR UPDATE`;
    const existing = await tx.automationRule.findMany({ where: { shopId } });
    const before = ruleId ? existing.find((rule) => rule.id === ruleId) : undefined;
    const validated = validateRule(draft, ruleId ?? randomUUID());
    if (!validated.ok) throw new UserErrorsException(validated.errors);
    const rule = validated.rule;
    if (existing.some((other) => other.id !== ruleId && other.name === rule.name)) fail("DUPLICATE_RULE_NAME", `The shop has a rule named "${rule.name}" already`, ["input", "name"]);
    if (rule.action.kind === "ASSIGN") {
      const member = await tx.staffMember.findFirst({ where: { id: rule.action.memberId, shopId, active: true } });
      if (!member) fail("NOT_FOUND", "No active staff member with that id in this shop", ["input", "action", "memberId"]);
    }
    if (rule.action.kind === "NOTIFY" && rule.action.memberId) {
      const member = await tx.staffMember.findFirst({ where: { id: rule.action.memberId, shopId, active: true } });
      if (!member) fail("INVALID_RECIPIENT", "No active staff member with that id in this shop", ["input", "action", "memberId"]);
    }
    const cycle = findRuleCycle([...existing.filter((other) => other.id !== ruleId).map(ruleFromRow), rule]);
    if (cycle) fail("AUTOMATION_RULE_CYCLE", `These rules would move a refund round in a circle with no person acting: ${cycle.join(" → ")}`, ["input", "action"]);
    const data = ruleData(rule);
    const saved = ruleId
      ? await tx.automationRule.update({ where: { id: ruleId }, data })
      : await tx.automationRule.create({ data: { id: rule.id, shopId, ...data } });
    await audit(tx, caller, shopId, saved.id, ruleId ? "UPDATE" : "CREATE", before ?? null, saved);
    return saved;
  });
  config.changed(shopId);
  return saved;
}

function ruleData(rule: AutomationRuleDef) {
  const { id: _id, conditions, action, ...fields } = rule;
  return { ...fields, conditions: conditions as unknown as Prisma.InputJsonValue, action: action as unknown as Prisma.InputJsonValue };
}

async function audit(tx: Tx, caller: Viewer, shopId: string, subjectId: string, change: string, before: object | null, after: object | null, subject = "RULE") {
  const actor = actorOf(caller);
  await tx.automationChange.create({
    data: {
      shopId,
      subject,
      subjectId,
      change,
      actorRole: actor.role ?? null,
      actorName: actor.name ?? null,
      before: before ? (JSON.parse(JSON.stringify(before)) as Prisma.InputJsonValue) : Prisma.DbNull,
      after: after ? (JSON.parse(JSON.stringify(after)) as Prisma.InputJsonValue) : Prisma.DbNull,
    },
  });
}

const DEFAULT_DRAFT: Omit<RuleDraft, "name" | "trigger" | "action"> = { match: "ALL", conditions: [], priority: 100, enabled: true, stopAfterMatch: true };

export async function createAutomationRule(db: Database, config: ConfigChanges, viewer: Viewer | null, input: RuleInput) {
  const caller = requireRole(viewer, [...ADMINS]);
  const shopId = resolveShopId(caller, input.shopId);
  if (!input.name || !input.trigger || !input.action) fail("INVALID_INPUT", "A rule needs a name, a trigger and an action", ["input"]);
  return saveRule(db, config, viewer, shopId, null, { ...DEFAULT_DRAFT, ...withoutNulls(input) } as RuleDraft);
}

export async function updateAutomationRule(db: Database, config: ConfigChanges, viewer: Viewer | null, ruleId: string, input: RuleInput) {
  const caller = requireRole(viewer, [...ADMINS]);
  const existing = await db.prisma.automationRule.findFirst({ where: { id: ruleId, ...(caller.role === "PLATFORM_ADMIN" ? {} : { shopId: caller.shopId! }) } });
  if (!existing) fail("NOT_FOUND", "No such automation rule", ["input", "ruleId"]);
  const current = ruleFromRow(existing);
  const draft: RuleDraft = {
    name: current.name,
    trigger: current.trigger,
    status: current.status,
    match: current.match,
    conditions: current.conditions,
    action: current.action,
    priority: current.priority,
    enabled: current.enabled,
    stopAfterMatch: current.stopAfterMatch,
    ...withoutNulls(input),
  };
  return saveRule(db, config, viewer, existing.shopId, ruleId, draft);
}

export async function deleteAutomationRule(db: Database, config: ConfigChanges, viewer: Viewer | null, ruleId: string) {
  const caller = requireRole(viewer, [...ADMINS]);
  const deleted = await db.prisma.$transaction(async (tx) => {
    const existing = await tx.automationRule.findFirst({ where: { id: ruleId, ...(caller.role === "PLATFORM_ADMIN" ? {} : { shopId: caller.shopId! }) } });
    if (!existing) fail("NOT_FOUND", "No such automation rule", ["input", "ruleId"]);
    await tx.automationRule.delete({ where: { id: ruleId } });
    await audit(tx, caller, existing.shopId, ruleId, "DELETE", existing, null);
    return existing;
  });
  config.changed(deleted.shopId);
  return deleted;
}

function withoutNulls<T extends object>(input: T): Partial<T> {
  const { shopId: _shopId, ...rest } = input as T & { shopId?: unknown };
  return Object.fromEntries(Object.entries(rest).filter(([, value]) => value != null)) as Partial<T>;
}

/** `automationTimers`: the shop's timers by status. */
export async function listAutomationTimers(db: Database, viewer: Viewer | null, shopId: string | null) {
  const shop = shopOf(viewer, shopId);
  if (!shop) return [];
  return db.prisma.automationTimer.findMany({ where: { shopId: shop }, orderBy: { status: "asc" } });
}

/**
 * `setAutomationTimer`: a refund entering `status` from now on gets `action` after `minutes`
 * unless something happens first; null or 0 minutes removes the status's timer. Refunds already
 * in the status keep the timer they got on entry.
 */
export async function setAutomationTimer(
  db: Database,
  config: ConfigChanges,
  viewer: Viewer | null,
  input: { shopId?: string | null; status: RefundStatus; minutes?: number | null; action?: RefundAction | null; name?: string | null },
) {
  const caller = requireRole(viewer, [...ADMINS]);
  const shopId = resolveShopId(caller, input.shopId);
  const saved = await db.prisma.$transaction(async (tx) => {
    const before = await tx.automationTimer.findUnique({ where: { shopId_status: { shopId, status: input.status } } });
    if (!input.minutes) {
      if (before) {
        await tx.automationTimer.delete({ where: { shopId_status: { shopId, status: input.status } } });
        await audit(tx, caller, shopId, input.status, "DELETE", before, null, "TIMER");
      }
      return null;
    }
    if (!input.action) fail("INVALID_INPUT", "A timer needs the action it takes", ["input", "action"]);
    const timer: TimerSetting = { status: input.status, minutes: input.minutes, action: input.action, name: input.name?.trim() || `${input.status}: ${input.action} after ${input.minutes} min` };
    const errors = validateTimer(timer);
    if (errors.length > 0) throw new UserErrorsException(errors);
    const saved = await tx.automationTimer.upsert({ where: { shopId_status: { shopId, status: input.status } }, create: { shopId, ...timer }, update: timer });
    await audit(tx, caller, shopId, input.status, before ? "UPDATE" : "CREATE", before, saved, "TIMER");
    return saved;
  });
  config.changed(shopId);
  return saved;
}

export interface SimulateInput {
  shopId?: string | null;
  refundId?: string | null;
  /** A hypothetical refund: the status it enters and its facts; a fact left out is unknown. */
  refund?: (RefundFacts & { status?: RefundStatus | null }) | null;
}

/**
 * `simulateAutomationRules`: a dry run of the enabled rules of the status a refund is in (or a
 * hypothetical one enters): which rule would act, why each other would not, condition by
 * condition, and what it would do. Writes nothing.
 */
export async function simulateAutomationRules(db: Database, viewer: Viewer | null, input: SimulateInput, now: Date) {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  if (!input.refundId === !input.refund) fail("INVALID_INPUT", "Give either refundId or a hypothetical refund", ["input"]);
  let shopId: string;
  let status: RefundStatus;
  let facts: RefundFacts;
  if (input.refundId) {
    const refund = await db.prisma.refund.findFirst({ where: { id: input.refundId, ...(caller.role === "PLATFORM_ADMIN" ? {} : { shopId: caller.shopId! }) } });
    if (!refund) fail("NOT_FOUND", "No such refund", ["input", "refundId"]);
    shopId = refund.shopId;
    status = refund.status;
    facts = (await db.prisma.$transaction((tx) => storedFacts(tx, [refund.id], now))).get(refund.id) ?? {};
  } else {
    shopId = resolveShopId(caller, input.shopId);
    const { status: entered, ...hypothetical } = input.refund!;
    status = entered ?? "REQUESTED";
    facts = Object.fromEntries(Object.entries(hypothetical).filter(([, value]) => value != null));
  }
  const rows = await db.prisma.automationRule.findMany({ where: { shopId } });
  const evaluation = evaluateRules(rows.map(ruleFromRow), status, facts);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const move = evaluation.applied.find((rule) => movesRefund(rule.action));
  return {
    status,
    facts,
    matchedRule: move ? byId.get(move.id)! : (evaluation.applied[0] ? byId.get(evaluation.applied[0].id)! : null),
    wouldDo: evaluation.applied.map((rule) => `${rule.name}: ${describeAction(rule.action)}`),
    rules: evaluation.explanations.map((explanation) => ({ ...explanation, row: byId.get(explanation.rule.id)!, wouldDo: explanation.matched ? describeAction(explanation.rule.action) : null })),
  };
}

/**
 * `automationReport`: of the refunds resolved in [from, to), how many ended with no staff
 * transition (every step by the platform, a rule, a timer, a plugin or the customer).
 * One statement.
 */
export async function automationReport(db: Database, viewer: Viewer | null, input: { shopId?: string | null; from: Date; to: Date }) {
  const shop = shopOf(viewer, input.shopId);
  if (!shop) fail("INVALID_INPUT", "Name the shop", ["shopId"]);
  if (!(input.from < input.to)) throw new UserErrorsException([userError("INVALID_INPUT", "from must be before to", ["from"])]);
  const [row] = await db.prisma.$queryRaw<Array<{ resolved: number; untouched: number }>>`
    SELECT count(*)::int AS resolved,
      count(*) FILTER (WHERE NOT EXISTS (
        SELECT 1 FROM "RefundTransition" t WHERE t."refundId" = r.id AND t."actorKind" = 'USER' AND t."actorRole" <> 'CUSTOMER'))::int AS untouched
    FROM "Refund" r
    WHERE r."shopId" = ${shop} AND r."resolvedAt" >= ${input.from} AND r."resolvedAt" < ${input.to}`;
  const resolved = Number(row?.resolved ?? 0);
  const untouched = Number(row?.untouched ?? 0);
  return { resolved, withoutStaff: untouched, share: resolved === 0 ? null : untouched / resolved };
}

/**
 * Whose NOTIFY messages a staff caller reads (`staffNotifications`): a SHOP_ADMIN every inbox
 * of the shop, others their role's inbox and, with a token of a staff member, that member's.
 */
export function staffInboxWhere(viewer: Viewer | null): Prisma.StaffNotificationWhereInput {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  if (caller.role === "PLATFORM_ADMIN") return {};
  if (caller.role === "SHOP_ADMIN") return { shopId: caller.shopId! };
  return { shopId: caller.shopId!, OR: [{ role: caller.role }, ...(caller.staffMemberId ? [{ memberId: caller.staffMemberId }] : [])] };
}

/** staffInboxWhere for one committed message, for `staffNotificationAdded` (no read). */
export function readsInboxMessage(viewer: Viewer, message: { shopId: string; memberId: string | null; role: string | null }): boolean {
  if (viewer.role === "PLATFORM_ADMIN") return true;
  if (message.shopId !== viewer.shopId) return false;
  if (viewer.role === "SHOP_ADMIN") return true;
  return message.role === viewer.role || (!!viewer.staffMemberId && message.memberId === viewer.staffMemberId);
}
