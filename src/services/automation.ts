import type { Tx } from "../db/tx.js";
import {
  type AutomationRuleDef,
  type RefundFacts,
  type RuleExplanation,
  evaluateRules,
  needsStoredFacts,
  rulesFor,
  whyMatched,
} from "../domain/automation-rules.js";
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
 *   outbox insert; no re-read of the refund or of the policies); an ASSIGN is one UPDATE; runs
 *   that left no transition (assignments, skips) are one insert.
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
    const assignments: Array<{ rule: AutomationRuleDef; entry: WrittenRefund; memberId: string }> = [];

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
        if (rule.action.kind === "ASSIGN") assignments.push({ rule, entry, memberId: rule.action.memberId });
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

    await assign(unit.tx, assignments, runs, latest);
    if (changes.length > 0) {
      const results = await changeRefunds(unit, hooks, changes, { policies });
      results.forEach((result, index) => {
        const { rule, entry } = changes[index]!;
        if (result.ok) latest.set(entry.refundId, result.refund);
        else runs.push(runRow(entry, rule, "SKIPPED", result.userErrors.map((error) => `${error.code}: ${error.message}`).join("; ")));
      });
    }
    await recordRuns(unit.tx, runs);
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
  await assign(
    unit.tx,
    evaluation.applied.flatMap((rule) => (rule.action.kind === "ASSIGN" ? [{ rule, entry, memberId: rule.action.memberId }] : [])),
    runs,
    new Map(),
  );
  await recordRuns(unit.tx, runs);
  const move = evaluation.applied.find((rule) => rule.action.kind !== "ASSIGN");
  if (!move) return { actor: SYSTEM_ACTOR, hold: NO_RULE_REFUNDS_AT_ONCE };
  const why = whyMatched(evaluation.explanations.find((explanation: RuleExplanation) => explanation.rule.id === move.id)!);
  return move.action.kind === "HOLD" ? { actor: ruleActor(move), hold: why } : { actor: ruleActor(move), note: why };
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
    Array<{ id: string; amount: number; refundType: string; shippingStatus: string; reasonCode: string; parentReasonCode: string; customerTier: string; riskLevel: string; paidAt: Date; refundsLast30Days: number; onCareList: string }>
  >`
    SELECT r.id, r."requestedAmount" AS amount, r.type::text AS "refundType", o."shippingStatus"::text AS "shippingStatus",
      t.code AS "reasonCode", COALESCE(p.code, t.code) AS "parentReasonCode", c.tier AS "customerTier",
      COALESCE(f.level, 'LOW') AS "riskLevel", o."paidAt",
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
    rows.map(({ id, paidAt, ...row }) => [
      id,
      { ...row, amount: Number(row.amount), refundsLast30Days: Number(row.refundsLast30Days), hoursSincePayment: Math.floor((now.getTime() - new Date(paidAt).getTime()) / 3_600_000) },
    ]),
  );
}

/** ASSIGN actions: one UPDATE per member; a member no longer active leaves the refund where it is. */
async function assign(
  tx: Tx,
  assignments: ReadonlyArray<{ rule: AutomationRuleDef; entry: WrittenRefund; memberId: string }>,
  runs: RunRow[],
  latest: Map<string, Refund>,
): Promise<void> {
  for (const memberId of new Set(assignments.map((assignment) => assignment.memberId))) {
    const group = assignments.filter((assignment) => assignment.memberId === memberId);
    const applied = await tx.refund.updateMany({
      where: { id: { in: group.map(({ entry }) => entry.refundId) }, shop: { staffMembers: { some: { id: memberId, active: true } } } },
      data: { assigneeId: memberId },
    });
    for (const { rule, entry } of group) {
      runs.push(runRow(entry, rule, applied.count > 0 ? "APPLIED" : "SKIPPED", applied.count > 0 ? `assigned to ${memberId}` : `staff member ${memberId} is not active in the shop`));
      if (applied.count > 0 && entry.loaded) latest.set(entry.refundId, { ...(latest.get(entry.refundId) ?? entry.loaded.refund), assigneeId: memberId });
    }
  }
}

function runRow(entry: WrittenRefund, rule: AutomationRuleDef, outcome: RunRow["outcome"], reason: string): RunRow {
  return { shopId: entry.shopId, refundId: entry.refundId, ruleId: rule.id, name: rule.name, refundVersion: entry.version, outcome, reason, transitionId: null };
}

/** Runs that left no transition behind (assignments, skips); a rule's transition records itself (actor RULE, note). */
export async function recordRuns(tx: Tx, runs: readonly RunRow[]): Promise<void> {
  if (runs.length > 0) await tx.automationRun.createMany({ data: runs.map((run) => ({ ...run, reason: run.reason?.slice(0, 2_000) ?? null })) });
}
