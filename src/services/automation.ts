import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Tx } from "../db/tx.js";
import {
  type AutomationRuleDef,
  type RefundFacts,
  type RuleExplanation,
  evaluateRules,
  movesRefund,
  needsStoredFacts,
  renderMessage,
  rulesFor,
  whyMatched,
} from "../domain/automation-rules.js";
import { MAX_LABELS_PER_REFUND } from "../domain/labels.js";
import type { ShippingStatus } from "../domain/types.js";
import { type Actor, SYSTEM_ACTOR } from "../domain/types.js";
import { Prisma, type Refund } from "../generated/prisma/client.js";
import { type RefundChange, changeRefunds } from "./refund-change.js";
import type { ShopPolicies } from "./shop-policies.js";
import type { TransitionHooks } from "./transition-hooks.js";
import type { RefundAutomation, UnitOfWork, WrittenRefund } from "./unit-of-work.js";

/**
 * Automation rules at run time, inside the unit of work of the change that triggers them.
 *
 * Cost in SQL statements per transition (measured by test/e2e/automation.test.ts):
 * - the shop has no enabled rule for the status entered: 0 — the rules come in the statement
 *   that already read the shop's SLA deadlines (shop-policies.ts), and a timer's due time is
 *   three more columns of the version-checked UPDATE;
 * - a rule triggers: +1 for the facts of every refund of the batch, only when a condition
 *   needs more than the refund and its order's shipping status (tier, risk, reason, history);
 *   a matched TRANSITION is one more changeRefunds (its UPDATE, transition row and the hooks'
 *   outbox insert; no re-read of the refund or of the policies); an ASSIGN is one UPDATE per
 *   member, a TAG one UPDATE per label, the NOTIFY messages of the step one insert; runs that
 *   left no transition (assignments, tags, notifications, skips) are one insert.
 *
 * NOTIFY writes a StaffNotification row: a message in a staff member's or a role's inbox in
 * the console (`staffNotifications`), committed with the transition that triggered the rule,
 * so it exists exactly when the change does and never twice. Nothing leaves the platform, so
 * it needs no outbox or worker; messages to the customer stay plugins/notifications' work.
 */

/** A refund takes at most this many rule steps in one unit of work (a cycle that slipped past validation stops here). */
export const MAX_RULE_STEPS_PER_REFUND = 5;

/** Rule ids already applied to each refund in a unit of work: no rule acts twice on one refund in one unit. */
const stepsByUnit = new WeakMap<UnitOfWork, Map<string, Set<string>>>();

export interface RunRow {
  shopId: string;
  refundId: string;
  ruleId: string | null;
  name: string;
  refundVersion: number;
  outcome: "APPLIED" | "SKIPPED";
  reason: string | null;
  transitionId: string | null;
}

export class RuleAutomation implements RefundAutomation {
  constructor(readonly timerMinuteMs = 60_000) {}

  async afterTransitions(unit: UnitOfWork, hooks: TransitionHooks, written: readonly WrittenRefund[], policies: ReadonlyMap<string, ShopPolicies>): Promise<Map<string, Refund>> {
    const latest = new Map<string, Refund>();
    const triggered = written
      .map((entry) => ({ entry, rules: rulesFor(policies.get(entry.shopId)?.rules ?? [], entry.status) }))
      .filter(({ rules }) => rules.length > 0);
    if (triggered.length === 0) return latest;

    const facts = await factsOf(unit, triggered.map(({ entry, rules }) => ({ refundId: entry.refundId, local: entry.loaded && localFacts(entry.loaded), rules })));
    const steps = stepsByUnit.get(unit) ?? new Map<string, Set<string>>();
    stepsByUnit.set(unit, steps);
    const runs: RunRow[] = [];
    const changes: Array<RefundChange & { rule: AutomationRuleDef; entry: WrittenRefund }> = [];
    const sideActions: SideAction[] = [];

    for (const { entry, rules } of triggered) {
      const evaluation = evaluateRules(rules, entry.status, facts.get(entry.refundId) ?? {});
      const done = steps.get(entry.refundId) ?? new Set<string>();
      steps.set(entry.refundId, done);
      for (const rule of evaluation.applied) {
        const skip = (reason: string) => runs.push(runRow(entry, rule, "SKIPPED", reason));
        if (done.has(rule.id)) {
          skip("already applied to this refund in this change: a rule acts once per change");
          continue;
        }
        if (done.size >= MAX_RULE_STEPS_PER_REFUND) {
          skip(`the refund took ${MAX_RULE_STEPS_PER_REFUND} rule steps in this change already`);
          continue;
        }
        done.add(rule.id);
        const explanation = evaluation.explanations.find((candidate) => candidate.rule.id === rule.id)!;
        if (!movesRefund(rule.action)) sideActions.push({ rule, entry });
        else if (rule.action.kind === "TRANSITION") {
          changes.push({
            rule,
            entry,
            refundId: entry.refundId,
            request: { action: rule.action.refundAction, note: whyMatched(explanation) },
            actor: ruleActor(rule),
            expectedVersion: entry.version,
            ...(entry.loaded && { loaded: entry.loaded }),
          });
        } else skip("HOLD only acts on a new request");
      }
    }

    const patches = await applySideActions(unit, sideActions, runs);
    if (changes.length > 0) {
      const results = await changeRefunds(unit, hooks, changes, { policies });
      results.forEach((result, index) => {
        const { rule, entry } = changes[index]!;
        if (result.ok) latest.set(entry.refundId, result.refund);
        else runs.push(runRow(entry, rule, "SKIPPED", result.userErrors.map((error) => `${error.code}: ${error.message}`).join("; ")));
      });
    }
    await recordRuns(unit.tx, runs);
    // The refunds as they end up: a transition's answer was planned from the row before the
    // assignment or label of this step, so the step's patches go on top of it.
    for (const { entry } of sideActions) {
      const patch = patches.get(entry.refundId);
      const base = latest.get(entry.refundId) ?? entry.loaded?.refund;
      if (patch && base) latest.set(entry.refundId, { ...base, ...patch });
    }
    return latest;
  }
}

/** The rule as the actor of the transitions it makes. */
export function ruleActor(rule: { name: string }): Actor {
  return { kind: "RULE", name: rule.name };
}

/** How a new request is classified: by the first matched REQUESTED rule, or held for review when none refunds it at once. */
export interface RequestedDecision {
  actor: Actor;
  note?: string;
  hold?: string;
  /** What the REQUESTED rules' ASSIGN and TAG changed on the refund just written. */
  patch?: RefundPatch;
}

export const NO_RULE_REFUNDS_AT_ONCE = "No enabled automation rule refunds it at once";

/**
 * The REQUESTED rules of a new refund, decided before its classification: a CLASSIFY rule
 * makes the automatic step (unshipped → REFUNDING) in its name, a HOLD rule or no matched rule
 * keeps it for review. ASSIGN rules put it in a queue.
 */
export async function decideRequested(
  unit: UnitOfWork,
  policies: ShopPolicies,
  loaded: NonNullable<WrittenRefund["loaded"]>,
): Promise<RequestedDecision> {
  const rules = rulesFor(policies.rules, "REQUESTED");
  if (rules.length === 0) return { actor: SYSTEM_ACTOR, hold: NO_RULE_REFUNDS_AT_ONCE };
  const refund = loaded.refund;
  const facts = await factsOf(unit, [{ refundId: refund.id, local: localFacts(loaded), rules }]);
  const evaluation = evaluateRules(rules, "REQUESTED", facts.get(refund.id) ?? {});
  const entry: WrittenRefund = { refundId: refund.id, shopId: refund.shopId, status: "REQUESTED", version: refund.version, loaded };
  const runs: RunRow[] = [];
  const patch = (await applySideActions(unit, evaluation.applied.filter((rule) => !movesRefund(rule.action)).map((rule) => ({ rule, entry })), runs)).get(refund.id);
  await recordRuns(unit.tx, runs);
  const move = evaluation.applied.find((rule) => movesRefund(rule.action));
  if (!move) return { actor: SYSTEM_ACTOR, hold: NO_RULE_REFUNDS_AT_ONCE, ...(patch && { patch }) };
  const why = whyMatched(evaluation.explanations.find((explanation: RuleExplanation) => explanation.rule.id === move.id)!);
  return { actor: ruleActor(move), ...(move.action.kind === "HOLD" ? { hold: why } : { note: why }), ...(patch && { patch }) };
}

function localFacts(loaded: { refund: Refund; shippingStatus: ShippingStatus }): RefundFacts {
  return { amount: loaded.refund.requestedAmount, refundType: loaded.refund.type, shippingStatus: loaded.shippingStatus };
}

/**
 * The facts of the refunds the rules look at: the refund and its order's shipping status
 * when that is all the conditions need (no statement), else one statement for all of them.
 */
async function factsOf(
  unit: Pick<UnitOfWork, "tx" | "now">,
  refunds: ReadonlyArray<{ refundId: string; local: RefundFacts | null; rules: readonly AutomationRuleDef[] }>,
): Promise<Map<string, RefundFacts>> {
  const facts = new Map<string, RefundFacts>();
  const toRead = refunds.filter((refund) => !refund.local || needsStoredFacts(refund.rules));
  for (const refund of refunds) if (refund.local) facts.set(refund.refundId, refund.local);
  if (toRead.length === 0) return facts;
  for (const [refundId, stored] of await storedFacts(unit.tx, toRead.map((refund) => refund.refundId), unit.now)) facts.set(refundId, stored);
  return facts;
}

/** Every fact a rule may test, for these refunds, in one statement. */
export async function storedFacts(tx: Tx, refundIds: readonly string[], now: Date): Promise<Map<string, RefundFacts>> {
  const since = new Date(now.getTime() - 30 * 24 * 3_600_000);
  const rows = await tx.$queryRaw<
    Array<{ id: string; amount: number; refundType: string; shippingStatus: string; reasonCode: string; parentReasonCode: string; customerTier: string; riskLevel: string; paidAt: Date; deliveredAt: Date | null; refundsLast30Days: number; onCareList: string }>
  >`
    SELECT r.id, r."requestedAmount" AS amount, r.type::text AS "refundType", o."shippingStatus"::text AS "shippingStatus",
      t.code AS "reasonCode", COALESCE(p.code, t.code) AS "parentReasonCode", c.tier AS "customerTier",
      COALESCE(f.level, 'LOW') AS "riskLevel", o."paidAt", o."deliveredAt",
      (SELECT count(*)::int FROM "Refund" x WHERE x."customerId" = r."customerId" AND x.id <> r.id AND x."createdAt" >= ${since}) AS "refundsLast30Days",
      -- The care list (src/domain/care.ts), by the clock: a refund of the customer's ended within the shop's careDays.
      CASE WHEN EXISTS (SELECT 1 FROM "Refund" e JOIN "Shop" s ON s.id = r."shopId"
                         WHERE e."customerId" = r."customerId" AND s."careDays" > 0
                           AND e."resolvedAt" > ${now}::timestamp - make_interval(days => s."careDays"))
           THEN 'YES' ELSE 'NO' END AS "onCareList"
    FROM "Refund" r
      JOIN "Order" o ON o.id = r."orderId"
      JOIN "Customer" c ON c.id = r."customerId"
      JOIN "ReasonTag" t ON t.id = r."reasonTagId"
      LEFT JOIN "ReasonTag" p ON p.id = t."parentId"
      LEFT JOIN "CustomerRiskFlag" f ON f."customerId" = r."customerId"
    WHERE r.id IN (${Prisma.join([...refundIds])})`;
  return new Map(
    rows.map(({ id, paidAt, deliveredAt, ...row }) => [
      id,
      {
        ...row,
        amount: Number(row.amount),
        refundsLast30Days: Number(row.refundsLast30Days),
        hoursSincePayment: hoursSince(paidAt, now),
        // Left out while not delivered: an unknown fact meets no condition.
        ...(deliveredAt && { hoursSinceDelivery: hoursSince(deliveredAt, now) }),
      },
    ]),
  );
}

function hoursSince(at: Date, now: Date): number {
  return Math.floor((now.getTime() - new Date(at).getTime()) / 3_600_000);
}

type SideAction = { rule: AutomationRuleDef; entry: WrittenRefund };
type RefundPatch = Partial<Pick<Refund, "assigneeId" | "labels">>;

/**
 * The actions that leave the refund's status alone: ASSIGN (one UPDATE per member; a member no
 * longer active leaves the refund where it is), TAG (one UPDATE per label; a refund that has
 * the label, or the most labels, keeps its own) and NOTIFY (one insert for all). Answers what
 * changed on each refund; every action is recorded as a run.
 */
async function applySideActions(unit: Pick<UnitOfWork, "tx" | "newId" | "effects">, actions: readonly SideAction[], runs: RunRow[]): Promise<Map<string, RefundPatch>> {
  const { tx } = unit;
  const patches = new Map<string, RefundPatch>();
  const patch = (refundId: string, change: RefundPatch) => patches.set(refundId, { ...patches.get(refundId), ...change });
  const ofKind = <K extends AutomationRuleDef["action"]["kind"]>(kind: K) =>
    actions.filter((action): action is SideAction & { rule: { action: Extract<AutomationRuleDef["action"], { kind: K }> } } => action.rule.action.kind === kind);

  const assignments = ofKind("ASSIGN");
  for (const memberId of new Set(assignments.map(({ rule }) => rule.action.memberId))) {
    const group = assignments.filter(({ rule }) => rule.action.memberId === memberId);
    const applied = await tx.refund.updateMany({
      where: { id: { in: group.map(({ entry }) => entry.refundId) }, shop: { staffMembers: { some: { id: memberId, active: true } } } },
      data: { assigneeId: memberId },
    });
    for (const { rule, entry } of group) {
      runs.push(runRow(entry, rule, applied.count > 0 ? "APPLIED" : "SKIPPED", applied.count > 0 ? `assigned to ${memberId}` : `staff member ${memberId} is not active in the shop`));
      if (applied.count > 0) patch(entry.refundId, { assigneeId: memberId });
    }
  }

  const tags = ofKind("TAG");
  for (const label of new Set(tags.map(({ rule }) => rule.action.label))) {
    const group = tags.filter(({ rule }) => rule.action.label === label);
    const labelled = await tx.$queryRaw<Array<{ id: string; labels: string[] }>>`
      UPDATE "Refund" SET labels = array_append(COALESCE(labels, '{}'), ${label})
       WHERE id = ANY(${group.map(({ entry }) => entry.refundId)}::text[])
         AND NOT (COALESCE(labels, '{}') @> ARRAY[${label}]::text[]) AND cardinality(COALESCE(labels, '{}')) < ${MAX_LABELS_PER_REFUND}
      RETURNING id, labels`;
    const byId = new Map(labelled.map((row) => [row.id, row.labels]));
    for (const { rule, entry } of group) {
      const labels = byId.get(entry.refundId);
      if (labels) patch(entry.refundId, { labels });
      runs.push(runRow(entry, rule, labels ? "APPLIED" : "SKIPPED", labels ? `labelled "${label}"` : `the refund carries "${label}" already, or ${MAX_LABELS_PER_REFUND} labels`));
    }
  }

  const notices = ofKind("NOTIFY");
  if (notices.length > 0) {
    const messages = notices.map(({ rule, entry }) => ({
      id: unit.newId(),
      shopId: entry.shopId,
      refundId: entry.refundId,
      memberId: rule.action.memberId,
      role: rule.action.role,
      ruleId: rule.id,
      ruleName: rule.name,
      message: renderMessage(rule.action.message, { rule: rule.name, status: entry.status, refundId: encodeGlobalID("Refund", entry.refundId) }),
    }));
    await tx.staffNotification.createMany({ data: messages });
    unit.effects.staffNotifications.push(...messages.map(({ id, shopId, memberId, role }) => ({ notificationId: id, shopId, memberId: memberId ?? null, role: role ?? null })));
    for (const { rule, entry } of notices) {
      runs.push(runRow(entry, rule, "APPLIED", `notified ${rule.action.memberId ? `staff member ${rule.action.memberId}` : `every ${rule.action.role}`}`));
    }
  }
  return patches;
}

function runRow(entry: WrittenRefund, rule: AutomationRuleDef, outcome: RunRow["outcome"], reason: string): RunRow {
  return { shopId: entry.shopId, refundId: entry.refundId, ruleId: rule.id, name: rule.name, refundVersion: entry.version, outcome, reason, transitionId: null };
}

/** Runs that left no transition behind (assignments, skips); a rule's transition records itself (actor RULE, note). */
export async function recordRuns(tx: Tx, runs: readonly RunRow[]): Promise<void> {
  if (runs.length > 0) await tx.automationRun.createMany({ data: runs.map((run) => ({ ...run, reason: run.reason?.slice(0, 2_000) ?? null })) });
}
