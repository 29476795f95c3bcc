import { utc } from "../db/sql.js";
import { checkApprovalLimit } from "../domain/approval-limits.js";
import type { RefundItemFacts } from "../domain/line-items.js";
import { type UserError, userError } from "../domain/errors.js";
import { isTerminal } from "../domain/refund-machine.js";
import { withReturnAddress } from "../domain/return-address.js";
import { checksFor } from "../domain/app-checks.js";
import { type TransitionPlan, type TransitionRequest, holdForReview, planTransition } from "../domain/transition-plan.js";
import { type TransitionRow, type TransitionRows, transitionRowsFor } from "../domain/transition-rows.js";
import type { Actor, ResolutionKind, ShippingStatus } from "../domain/types.js";
import { Prisma, type Refund, type RefundTransition } from "../generated/prisma/client.js";
import { repurchasedBy } from "./refund-metrics-facts.js";
import { type ShopPolicies, NO_POLICIES } from "./shop-policies.js";
import type { AppCheckOutcome, BeforeTransitionEvent, HookOutcome, TransitionHooks } from "./transition-hooks.js";
import type { UnitOfWork } from "./unit-of-work.js";

/** One refund to change: what to do, who does it, and what the caller may see. */
export interface RefundChange {
  refundId: string;
  request: TransitionRequest;
  actor: Actor;
  /** Act only if the refund is still at this version (a console's optimistic lock). */
  expectedVersion?: number | null;
  /** Limits which refunds the caller may reach; another shop's refund is NOT_FOUND. */
  scope?: { shopId?: string; customerId?: string };
  /** A resent change with the same key answers the first one's outcome. */
  idempotencyKey?: string | null;
  /** The refund as the caller just wrote it (requestRefund), saving the read. */
  loaded?: LoadedRefund;
  /** A rule holds it: a CLASSIFY that would refund at once goes to PENDING_REVIEW, with this note. */
  hold?: string;
  /** The apps' checks, asked before the unit of work about `loaded` (whose version the write checks). */
  checked?: AppCheckOutcome;
}

/** The refund and what planning its transition needs, as one read returns it. */
export interface LoadedRefund {
  refund: Refund;
  shippingStatus: ShippingStatus;
  refundBeforeReceipt: boolean;
  options: ReadonlyArray<{ id: string; kind: ResolutionKind; amount: number; accepted: boolean }>;
  /** The customer's first order paid after the unit's `now`: whether a refund ending now counts as repurchased. */
  nextOrderAt: Date | null;
  /** Its line items (none: a refund of the whole order), for per-item inspection. */
  items: readonly RefundItemFacts[];
  /** The order's payment the money goes back through (null: the sandbox). */
  payment: { id: string; provider: string } | null;
}

export type RefundChangeResult =
  | { ok: true; refund: Refund; transition: RefundTransition; replayed: boolean }
  | { ok: false; refundId: string; userErrors: UserError[] };

const refundIdField = ["input", "refundId"];

/**
 * Changes refunds inside a unit of work: read them in one query, let the pure state machine
 * plan each change, ask the hooks, turn the plans into rows, and write them with a version
 * check — the transition rows, options, shipments, payment attempts and hook deliveries of all
 * the refunds each in one multi-row insert. A refund that is refused (by the machine, a hook
 * or the version check) writes nothing and leaves the others untouched. This is the only code
 * that writes `Refund.status`.
 */
export async function changeRefunds(
  unit: UnitOfWork,
  hooks: TransitionHooks,
  changes: readonly RefundChange[],
  options: {
    /**
     * Transitions the caller made in this unit of work (a request's own): written in the same
     * insert as these changes' transitions, their hooks queued in the same insert too.
     */
    alsoWrite?: readonly TransitionRow[];
    /** The shops' policies, when the caller read them already in this unit. */
    policies?: ReadonlyMap<string, ShopPolicies>;
  } = {},
): Promise<RefundChangeResult[]> {
  const { tx } = unit;
  const loaded = await loadRefunds(unit, changes);
  const replays = await findReplays(unit, changes, loaded);
  // Deadlines, timers and rules of the shops: cached per shop (shop-config.ts), one statement on a miss.
  const policies = options.policies ?? (await unit.shopConfig.policies.get(tx, [...new Set([...loaded.values()].map(({ refund }) => refund.shopId))]));
  const results: Array<RefundChangeResult | undefined> = [];
  const planned: Array<{ index: number; change: RefundChange; current: LoadedRefund; rows: TransitionRows; actor: Actor }> = [];

  for (const [index, change] of changes.entries()) {
    const current = loaded.get(change.refundId);
    const refused = (errors: UserError[]) => (results[index] = { ok: false, refundId: change.refundId, userErrors: errors });
    if (!current || !inScope(current.refund, change.scope)) {
      refused([userError("NOT_FOUND", "No such refund", refundIdField)]);
      continue;
    }
    const replay = replays.get(index);
    if (replay) {
      results[index] = replay.transition.refundId === change.refundId && replay.transition.action === change.request.action
        ? { ok: true, refund: replay.refund, transition: replay.transition, replayed: true }
        : { ok: false, refundId: change.refundId, userErrors: [keyReused()] };
      continue;
    }
    const { refund } = current;
    if (change.expectedVersion != null && change.expectedVersion !== refund.version && !isTerminal(refund.status)) {
      refused([userError("VERSION_CONFLICT", `The refund is at version ${refund.version}, not ${change.expectedVersion}: reload it`, ["input", "expectedVersion"])]);
      continue;
    }
    const shop = policies.get(refund.shopId) ?? NO_POLICIES;
    const planning = planChange(change, current, shop);
    if (!planning.ok) {
      refused(planning.errors);
      continue;
    }
    let { plan } = planning;
    let actor = change.actor;
    const event = beforeEvent(change, refund, plan);
    const outcome: HookOutcome = await hooks.before(tx, event);
    if (outcome.veto) {
      refused([{ code: outcome.veto.code, message: `${outcome.veto.message} (${outcome.veto.by})`, field: ["input", "action"] }]);
      continue;
    }
    // Apps' checks of this action (none for most shops: nothing is asked, 0 statements). Asked
    // before the unit of work where the caller could (transitionRefund, batches: see
    // services/app-checks.ts), so that the HTTP call holds no connection or row lock; here,
    // inside it, for the changes only known inside (rules' and timers' actions, a platform
    // admin's, whose shop is known only once the refund is read).
    const checks = checksFor(shop.checks, change.request.action);
    const checked: AppCheckOutcome = checks.length === 0 ? {} : (change.checked ?? (await unit.appChecks?.ask(checks, event)) ?? {});
    if (checked.veto) {
      refused([{ code: checked.veto.code, message: `${checked.veto.message} (${checked.veto.by})`, field: ["input", "action"] }]);
      continue;
    }
    if (checked.hold) {
      refused([userError("HELD_FOR_REVIEW", `${checked.hold.reason} (${checked.hold.by})`, ["input", "action"])]);
      continue;
    }
    if (outcome.hold) {
      const held = holdForReview(plan, refund, outcome.hold.reason);
      if (held !== plan) {
        plan = held;
        actor = { kind: "PLUGIN", name: outcome.hold.by };
      }
    }
    // Into AWAITING_RETURN: the default return address from the cached policies, in the same UPDATE (0 statements).
    const rows = withReturnAddress(transitionRowsFor(plan, refund, actor, unit.now, unit.newId, shop.sla, shop.timers, current.payment), shop.returns.defaultAddress);
    planned.push({ index, change, current, rows, actor });
  }

  const reserved = await reservePayments(unit, planned, results);
  const written = await writeRows(unit, reserved, results, options.alsoWrite ?? []);
  await releaseUnwritten(unit, reserved, written);
  const enqueue = [
    ...(options.alsoWrite ?? []),
    ...written.map(({ rows }) => ({ ...rows.transition, restocks: rows.itemInspections?.some((inspection) => inspection.passedQuantity > 0) ?? false })),
  ];
  if (enqueue.length > 0) unit.effects.hookDeliveryIds.push(...(await hooks.enqueueAfter(tx, enqueue)));
  await automate(unit, hooks, written, results, policies);

  // Lost the version check. If the change carried a key, the winner may have been the same
  // change sent twice at once: its committed transition is visible now, so answer with it.
  const lost = planned.filter(({ index }) => !results[index]).map(({ index }) => index);
  const lateReplays = await findReplays(unit, changes.map((change, index) => (lost.includes(index) ? change : { ...change, idempotencyKey: null })), loaded);
  return changes.map((change, index) => {
    const result = results[index];
    if (result) return result;
    const replay = lateReplays.get(index);
    if (replay && replay.transition.refundId === change.refundId && replay.transition.action === change.request.action) {
      return { ok: true, refund: replay.refund, transition: replay.transition, replayed: true };
    }
    return { ok: false, refundId: change.refundId, userErrors: [userError("VERSION_CONFLICT", "The refund changed while this action was being applied: reload it", ["input", "expectedVersion"])] };
  });
}

/** The state machine's plan for a change, held when a rule says so, within the actor's approval limit. */
export function planChange(change: RefundChange, current: LoadedRefund, shop: ShopPolicies): { ok: true; plan: TransitionPlan } | { ok: false; errors: UserError[] } {
  const { refund } = current;
  const accepted = current.options.find((option) => option.accepted);
  const planning = planTransition(refund, change.request, change.actor, {
    shippingStatus: current.shippingStatus,
    refundBeforeReceipt: current.refundBeforeReceipt,
    offeredOptions: current.options.filter((option) => !option.accepted),
    acceptedOption: accepted?.kind ?? null,
    items: current.items,
  });
  if (!planning.ok) return { ok: false, errors: planning.errors };
  let { plan } = planning;
  if (change.hold) plan = holdForReview(plan, refund, change.hold);
  // The shop's discretion limits come with its cached policies: 0 statements per transition.
  const limited = checkApprovalLimit(plan, refund, change.actor, shop.limits, refund.currency);
  return limited.ok ? { ok: true, plan: limited.plan } : { ok: false, errors: [limited.error] };
}

/** What the before-hooks and the apps' checks are told about a planned change. */
export function beforeEvent(change: RefundChange, refund: Refund, plan: TransitionPlan): BeforeTransitionEvent {
  return { refund, action: change.request.action, from: plan.from, to: plan.to, actor: change.actor, note: plan.note, amount: plan.amount };
}

async function writeRows(
  unit: UnitOfWork,
  planned: ReadonlyArray<{ index: number; change: RefundChange; current: LoadedRefund; rows: TransitionRows; actor: Actor }>,
  results: Array<RefundChangeResult | undefined>,
  alsoWrite: readonly TransitionRow[],
) {
  const { tx } = unit;
  const written: Array<typeof planned[number] & { update: ReturnType<typeof refundUpdate>["update"] }> = [];
  for (const entry of planned) {
    const { fromVersion, update } = refundUpdate(entry);
    // The version in the WHERE is the optimistic lock: a concurrent transition that committed
    // first leaves no row to update here (the row lock makes this statement wait for it).
    const applied = await tx.$executeRaw`UPDATE "Refund" SET ${refundSet(update)} WHERE id = ${entry.change.refundId} AND version = ${fromVersion}::int`;
    if (applied === 1) written.push({ ...entry, update });
  }
  const transitions = written.map(({ rows, change }) => ({ ...rows.transition, idempotencyKey: change.idempotencyKey ?? null }));
  // Inserted, numbered, by the unit's last statement (unit-of-work.ts writeTransitions).
  unit.transitionsToWrite.push(...alsoWrite.map((row) => ({ ...row, idempotencyKey: null })), ...transitions);
  if (written.length === 0) return written;
  const replacing = written.filter(({ rows }) => rows.replaceOptions);
  if (replacing.length > 0) {
    await tx.resolutionOption.deleteMany({ where: { refundId: { in: replacing.map(({ change }) => change.refundId) }, accepted: false } });
    await tx.resolutionOption.createMany({ data: replacing.flatMap(({ rows }) => rows.replaceOptions!) });
  }
  const accepting = written.flatMap(({ rows }) => (rows.acceptOptionId ? [rows.acceptOptionId] : []));
  if (accepting.length > 0) await tx.resolutionOption.updateMany({ where: { id: { in: accepting } }, data: { accepted: true } });
  const shipments = written.flatMap(({ rows }) => (rows.returnShipment ? [rows.returnShipment] : []));
  if (shipments.length > 0) await tx.returnShipment.createMany({ data: shipments });
  const replacements = written.flatMap(({ rows }) => (rows.replacementShipment ? [rows.replacementShipment] : []));
  if (replacements.length > 0) await tx.replacementShipment.createMany({ data: replacements });
  const inspected = written.flatMap(({ rows }) => rows.itemInspections ?? []);
  if (inspected.length > 0) await writeItemInspections(unit, inspected);
  const received = written.filter(({ rows }) => rows.returnReceivedAt);
  if (received.length > 0) {
    await tx.returnShipment.updateMany({ where: { refundId: { in: received.map(({ change }) => change.refundId) } }, data: { receivedAt: unit.now } });
  }
  const attempts = written.flatMap(({ rows }) => (rows.paymentAttempt ? [rows.paymentAttempt] : []));
  // Inserted with the transitions, by the unit's last statement.
  unit.attemptsToWrite.push(...attempts);
  unit.effects.paymentAttemptIds.push(...attempts.map((attempt) => attempt.id));
  // The payment result plans from the refund as written here (options it changed are read again).
  for (const { rows, current, update } of written) {
    if (rows.paymentAttempt && !rows.replaceOptions && !rows.acceptOptionId && !rows.itemInspections) unit.effects.paymentRefunds.set(rows.paymentAttempt.id, { ...current, refund: { ...current.refund, ...update } });
  }

  for (const [position, { index, current, update }] of written.entries()) {
    const transition = transitions[position]! as RefundTransition;
    unit.effects.transitions.push({ ...transition, customerId: current.refund.customerId });
    results[index] = { ok: true, refund: { ...current.refund, ...update }, transition, replayed: false };
  }
  return written;
}

type Planned = { index: number; change: RefundChange; current: LoadedRefund; rows: TransitionRows; actor: Actor };

/**
 * Refunds entering REFUNDING take their amount from the order's payment: concurrent and partial
 * refunds of one payment can never together take more than its total (AMOUNT_EXCEEDS_PAYMENT,
 * before any provider call). Several refunds of one payment in a batch are granted in the
 * batch's order, each on its own: the first ones that fit are taken, only those that do not
 * are refused. One statement for all payments: the payments locked (FOR UPDATE returns the
 * latest committed amounts, so a concurrent reservation is counted), the grants walked in order
 * per payment, and the sum raised by an UPDATE still guarded by the total. The sandbox's
 * attempts (no payment) cost nothing here.
 */
async function reservePayments(unit: UnitOfWork, planned: readonly Planned[], results: Array<RefundChangeResult | undefined>): Promise<Planned[]> {
  const wanted = planned.flatMap(({ rows }, position) => (rows.paymentAttempt?.paymentId ? [Prisma.sql`(${rows.paymentAttempt.paymentId}::text, ${position}::int, ${rows.paymentAttempt.amount}::int)`] : []));
  if (wanted.length === 0) return [...planned];
  const granted = await unit.tx.$queryRaw<Array<{ positions: number[] }>>`
    WITH RECURSIVE wanted(payment_id, position, amount) AS (VALUES ${Prisma.join(wanted)}),
    queued AS (SELECT payment_id, position, amount, row_number() OVER (PARTITION BY payment_id ORDER BY position) AS turn FROM wanted),
    locked AS (SELECT id, "reservedAmount" AS reserved, "totalAmount" AS total FROM "Payment" WHERE id IN (SELECT payment_id FROM wanted) FOR UPDATE),
    walk(payment_id, turn, position, taken, granted) AS (
      SELECT l.id, 0::bigint, NULL::int, l.reserved, false FROM locked l
      UNION ALL
      SELECT q.payment_id, q.turn, q.position,
             w.taken + CASE WHEN w.taken + q.amount <= l.total THEN q.amount ELSE 0 END,
             w.taken + q.amount <= l.total
        FROM walk w JOIN queued q ON q.payment_id = w.payment_id AND q.turn = w.turn + 1 JOIN locked l ON l.id = w.payment_id),
    grants AS (SELECT payment_id, sum(amount) AS amount, array_agg(position) AS positions
                 FROM walk JOIN queued USING (payment_id, turn, position) WHERE granted GROUP BY payment_id)
    UPDATE "Payment" AS p SET "reservedAmount" = p."reservedAmount" + g.amount
      FROM grants g
     WHERE p.id = g.payment_id AND p."reservedAmount" + g.amount <= p."totalAmount"
    RETURNING g.positions`;
  const ok = new Set(granted.flatMap((row) => row.positions));
  return planned.filter(({ index, change, rows }, position) => {
    if (!rows.paymentAttempt?.paymentId || ok.has(position)) return true;
    results[index] = {
      ok: false,
      refundId: change.refundId,
      userErrors: [userError("AMOUNT_EXCEEDS_PAYMENT", "The order's payment has not that much left: other refunds of it took or hold the rest", ["input", "refundId"])],
    };
    return false;
  });
}

/** Refunds that lost their version check after their payment was reserved give the amount back: one statement for all (rare). */
async function releaseUnwritten(unit: UnitOfWork, reserved: readonly Planned[], written: readonly Planned[]): Promise<void> {
  const writtenIds = new Set(written.map(({ change }) => change.refundId));
  const lost = reserved.flatMap(({ change, rows }) =>
    rows.paymentAttempt?.paymentId && !writtenIds.has(change.refundId) ? [Prisma.sql`(${rows.paymentAttempt.paymentId}::text, ${rows.paymentAttempt.amount}::int)`] : [],
  );
  if (lost.length === 0) return;
  await unit.tx.$executeRaw`
    UPDATE "Payment" AS p SET "reservedAmount" = p."reservedAmount" - v.amount
      FROM (SELECT id, sum(amount) AS amount FROM (VALUES ${Prisma.join(lost)}) AS l(id, amount) GROUP BY id) AS v
     WHERE p.id = v.id`;
}

type RefundUpdate = Omit<TransitionRows["refund"], "fromVersion"> & { repurchased?: boolean };

/**
 * The SET list of a refund's update, as raw SQL: Prisma's interpretation of the same
 * `updateMany` (arguments, plan, template) cost more CPU than the statement itself, on every
 * transition. Every column of the update has its entry (the type requires it); one the
 * transition leaves out keeps its value.
 */
function refundSet(update: RefundUpdate): Prisma.Sql {
  const kept = (column: string, value: Prisma.Sql | null) => (value === null ? Prisma.raw(`"${column}"`) : value);
  const set: { [Column in keyof Required<RefundUpdate>]: Prisma.Sql } = {
    status: Prisma.sql`CAST(${update.status}::text AS "RefundStatus")`,
    type: Prisma.sql`CAST(${update.type}::text AS "RefundType")`,
    approvedAmount: Prisma.sql`${update.approvedAmount}::int`,
    version: Prisma.sql`${update.version}::int`,
    refundedAmount: kept("refundedAmount", update.refundedAmount === undefined ? null : Prisma.sql`${update.refundedAmount}::int`),
    resolvedAt: kept("resolvedAt", update.resolvedAt ? utc(update.resolvedAt) : null),
    repurchased: kept("repurchased", update.repurchased === undefined ? null : Prisma.sql`${update.repurchased}::boolean`),
    personActed: kept("personActed", update.personActed ? Prisma.sql`true` : null),
    firstStaffResponseAt: kept("firstStaffResponseAt", update.firstStaffResponseAt ? utc(update.firstStaffResponseAt) : null),
    slaDueAt: utc(update.slaDueAt),
    nextTimeoutAt: utc(update.nextTimeoutAt),
    nextTimeoutAction: Prisma.sql`${update.nextTimeoutAction}::text`,
    nextTimeoutName: Prisma.sql`${update.nextTimeoutName}::text`,
    timeoutClaimedUntil: Prisma.sql`NULL`,
    timeoutAttempts: Prisma.sql`0`,
    timeoutRetryAt: Prisma.sql`NULL`,
    timeoutDeadAt: Prisma.sql`NULL`,
    timeoutLastError: Prisma.sql`NULL`,
    updatedAt: utc(update.updatedAt),
    returnAddress: kept("returnAddress", update.returnAddress ? Prisma.sql`${JSON.stringify(update.returnAddress)}::jsonb` : null),
  };
  return Prisma.join(Object.entries(set).map(([column, value]) => Prisma.sql`${Prisma.raw(`"${column}"`)} = ${value}`));
}

/**
 * The refund's version-checked update: the planned columns, and — when it ends now — whether
 * its customer has already paid an order in the following 30 days (refundMetrics' repurchase;
 * orders paid later set it from upsertOrder). Read with the refund, so it costs no statement.
 */
function refundUpdate(entry: { current: LoadedRefund; rows: TransitionRows }): { fromVersion: number; update: RefundUpdate } {
  const { fromVersion, ...planned } = entry.rows.refund;
  const update = planned.resolvedAt ? { ...planned, repurchased: repurchasedBy(planned.resolvedAt, entry.current.nextOrderAt) } : planned;
  return { fromVersion, update };
}

/**
 * The seam of the automation rules: the refunds just moved go to the rules of the statuses
 * they entered (src/services/automation.ts), whose actions are further changes in this same
 * unit; the callers are answered with each refund as it ends up.
 */
async function automate(
  unit: UnitOfWork,
  hooks: TransitionHooks,
  written: ReadonlyArray<{ index: number; current: LoadedRefund; rows: TransitionRows }>,
  results: Array<RefundChangeResult | undefined>,
  policies: ReadonlyMap<string, ShopPolicies>,
): Promise<void> {
  if (!unit.automation || written.length === 0) return;
  const moved = await unit.automation.afterTransitions(
    unit,
    hooks,
    written.map(({ index, current, rows }) => {
      const refund = (results[index] as Extract<RefundChangeResult, { ok: true }>).refund;
      // Options changed by this transition are read again if a rule needs them.
      const optionsKept = !rows.replaceOptions && !rows.acceptOptionId && !rows.itemInspections;
      return { refundId: refund.id, shopId: refund.shopId, status: refund.status, version: refund.version, loaded: optionsKept ? { ...current, refund } : null };
    }),
    policies,
  );
  for (const { index } of written) {
    const result = results[index];
    const latest = result?.ok ? moved.get(result.refund.id) : undefined;
    if (result?.ok && latest) results[index] = { ...result, refund: latest };
  }
}

/**
 * One read for every refund the callers did not load themselves: the refund, its order's
 * shipping status, its customer's refund-before-receipt, its resolution options and its line
 * items in one statement (Prisma's `include` sends one query per relation, and this is the
 * hottest read).
 */
export async function loadRefunds(unit: Pick<UnitOfWork, "tx" | "now">, changes: readonly RefundChange[]): Promise<Map<string, LoadedRefund>> {
  const loaded = new Map<string, LoadedRefund>();
  for (const change of changes) if (change.loaded) loaded.set(change.refundId, change.loaded);
  const missing = [...new Set(changes.filter((change) => !change.loaded).map((change) => change.refundId))];
  if (missing.length === 0) return loaded;
  const rows = await unit.tx.$queryRaw<Array<Refund & Pick<LoadedRefund, "shippingStatus" | "refundBeforeReceipt" | "options" | "nextOrderAt" | "items"> & { paymentId: string | null; paymentProvider: string | null }>>`
    SELECT r.*, o."shippingStatus"::text AS "shippingStatus", c."refundBeforeReceipt",
           o."paymentId", (SELECT p.provider FROM "Payment" p WHERE p.id = o."paymentId") AS "paymentProvider",
           COALESCE((SELECT json_agg(json_build_object('id', ro.id, 'kind', ro.kind, 'amount', ro.amount, 'accepted', ro.accepted) ORDER BY ro.position)
                       FROM "ResolutionOption" ro WHERE ro."refundId" = r.id), '[]'::json) AS options,
           COALESCE((SELECT json_agg(json_build_object('id', ri.id, 'quantity', ri.quantity, 'amount', ri.amount, 'passedQuantity', ri."passedQuantity") ORDER BY ri.position)
                       FROM "RefundItem" ri WHERE ri."refundId" = r.id), '[]'::json) AS items,
           (SELECT min(n."paidAt") FROM "Order" n
             WHERE n."customerId" = r."customerId" AND n."paidAt" > ${utc(unit.now)}) AS "nextOrderAt"
      FROM "Refund" r
      JOIN "Order" o ON o.id = r."orderId"
      JOIN "Customer" c ON c.id = r."customerId"
     WHERE r.id = ANY(${missing}::text[])`;
  for (const { shippingStatus, refundBeforeReceipt, options, nextOrderAt, items, paymentId, paymentProvider, ...refund } of rows) {
    const payment = paymentId && paymentProvider ? { id: paymentId, provider: paymentProvider } : null;
    loaded.set(refund.id, { refund, shippingStatus, refundBeforeReceipt, options, nextOrderAt, items, payment });
  }
  return loaded;
}

/** Per-item inspection results of the refunds just moved: one UPDATE for all their lines. */
async function writeItemInspections(unit: UnitOfWork, inspected: NonNullable<TransitionRows["itemInspections"]>): Promise<void> {
  const values = Prisma.join(inspected.map((row) => Prisma.sql`(${row.id}, ${row.passedQuantity}::int, ${row.note}::text)`));
  await unit.tx.$executeRaw`
    UPDATE "RefundItem" AS ri SET "passedQuantity" = v.passed, "inspectionNote" = v.note, "inspectedAt" = ${utc(unit.now)}
      FROM (VALUES ${values}) AS v(id, passed, note)
     WHERE ri.id = v.id`;
}

/** Transitions already made with the changes' idempotency keys (a resent request), with the refund as it is now. */
async function findReplays(unit: UnitOfWork, changes: readonly RefundChange[], loaded: Map<string, LoadedRefund>) {
  const replays = new Map<number, { transition: RefundTransition; refund: Refund }>();
  const keyed = changes
    .map((change, index) => ({ change, index, shopId: loaded.get(change.refundId)?.refund.shopId }))
    .filter((entry): entry is typeof entry & { shopId: string } => Boolean(entry.change.idempotencyKey && entry.shopId));
  if (keyed.length === 0) return replays;
  const found = await unit.tx.refundTransition.findMany({
    where: { OR: keyed.map(({ change, shopId }) => ({ shopId, idempotencyKey: change.idempotencyKey! })) },
    include: { refund: true },
  });
  for (const { change, index, shopId } of keyed) {
    const transition = found.find((candidate) => candidate.shopId === shopId && candidate.idempotencyKey === change.idempotencyKey);
    if (transition) {
      const { refund, ...row } = transition;
      replays.set(index, { transition: row, refund });
    }
  }
  return replays;
}

function keyReused(): UserError {
  return userError("IDEMPOTENCY_KEY_REUSED", "This idempotency key was used for another action or refund", ["input", "idempotencyKey"]);
}

export function inScope(refund: Refund, scope: RefundChange["scope"]): boolean {
  if (!scope) return true;
  return (scope.shopId === undefined || scope.shopId === refund.shopId) && (scope.customerId === undefined || scope.customerId === refund.customerId);
}
