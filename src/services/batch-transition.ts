import type { Tx } from "../db/tx.js";
import { fail, storedUserErrorCode, type UserError } from "../domain/errors.js";
import { REFUND_TRANSITIONS, type RefundAction, mayPerform } from "../domain/refund-machine.js";
import type { TransitionRequest } from "../domain/transition-plan.js";
import { Prisma, type Refund, type RefundBatch, type RefundTransition } from "../generated/prisma/client.js";
import { askAppChecksBeforeUnit } from "./app-checks.js";
import { type RefundChange, changeRefunds } from "./refund-change.js";
import { MAX_BULK_REFUNDS, type RefundFilter, refundIdsChosenBy } from "./refund-list.js";
import { type RefundServiceDeps, inUnitOfWork, writeTransitions } from "./unit-of-work.js";
import { type Viewer, actorOf, requireRole, resolveShopId } from "./viewer.js";
import { isUniqueViolation } from "../db/unique-violation.js";


export interface BatchTransitionInput {
  shopId?: string | null;
  /** Each id as the client sent it, and the refund row id it decodes to (null: not a refund id). */
  refunds?: ReadonlyArray<{ requestedId: string; refundId: string | null }> | null;
  filter?: RefundFilter | null;
  action: RefundAction;
  note?: string | null;
  amount?: number | null;
  idempotencyKey?: string | null;
}

export interface BatchItemResult {
  /** The id as the client sent it; null for refunds the filter chose. */
  requestedId: string | null;
  /** The refund's row id, when the item names one of the shop's refunds. */
  refundId: string | null;
  ok: boolean;
  refund: Refund | null;
  transition: RefundTransition | null;
  userErrors: UserError[];
}

const STAFF = ["SHOP_ADMIN", "PLATFORM_ADMIN", "AGENT", "WAREHOUSE", "FINANCE"] as const;

/**
 * `batchTransitionRefunds`: one action on up to 50 refunds, chosen by id or by the refunds
 * filter. Each refund is changed by the unit of work's own rules, so a refund that is refused
 * changes nothing while the others go on; all of them, and the stored report, commit in one
 * transaction, so a batch is either wholly recorded or not at all, and a resent batch with the
 * same key answers the first one's report.
 */
export async function batchTransitionRefunds(deps: RefundServiceDeps, viewer: Viewer | null, input: BatchTransitionInput) {
  const caller = requireRole(viewer, STAFF);
  const shopId = resolveShopId(caller, input.shopId);
  const actor = actorOf(caller);
  if (!REFUND_TRANSITIONS.some((rule) => rule.action === input.action && mayPerform(rule, actor))) {
    fail("ACTION_NOT_PERMITTED", `Your role may not take ${input.action} on any refund`, ["input", "action"]);
  }
  if ((input.refunds == null) === (input.filter == null)) {
    fail("INVALID_INPUT", "Choose the refunds either by refundIds or by filter", ["input", "refundIds"]);
  }
  const idempotencyKey = input.idempotencyKey?.trim() || null;
  if (idempotencyKey) {
    const earlier = await deps.db.prisma.refundBatch.findUnique({ where: { shopId_idempotencyKey: { shopId, idempotencyKey } } });
    if (earlier) return replay(deps, earlier);
  }
  const targets: ReadonlyArray<{ requestedId: string | null; refundId: string | null }> = input.refunds
    ? checkIds(input.refunds)
    : await matchFilter(deps, caller, shopId, input.filter!);
  const request: TransitionRequest = { action: input.action, note: input.note, amount: input.amount };
  const known = targets.filter((target): target is { requestedId: string | null; refundId: string } => target.refundId !== null);
  // Apps' checks are asked first, outside the transaction, all refunds' at once (services/app-checks.ts).
  const changes = await askAppChecksBeforeUnit(deps, known.map((target): RefundChange => ({ refundId: target.refundId, request, actor, scope: { shopId } })));

  const run = () =>
    inUnitOfWork(deps, async (unit) => {
      const startedAt = new Date();
      const changed = await changeRefunds(unit, deps.hooks, changes);
      let next = 0;
      const items: BatchItemResult[] = targets.map(({ requestedId, refundId }) => {
        if (refundId === null) return { requestedId, refundId, ok: false, refund: null, transition: null, userErrors: [notFound()] };
        const outcome = changed[next++]!;
        if (!outcome.ok) return { requestedId, refundId, ok: false, refund: null, transition: null, userErrors: outcome.userErrors };
        return { requestedId, refundId, ok: true, refund: outcome.refund, transition: outcome.transition, userErrors: [] };
      });
      // The report's items reference the transitions, so these are written first; after the
      // shop's counter only new rows are written, whose key-share locks conflict with no unit's.
      await writeTransitions(unit);
      const batch = await storeReport(unit.tx, {
        id: unit.newId(),
        shopId,
        input,
        filter: input.filter ?? null,
        actor,
        idempotencyKey,
        items,
        startedAt,
        newId: unit.newId,
      });
      // Apps subscribed to REFUND_BATCH_FINISHED: their deliveries commit with the report and are sent after it.
      if (deps.hooks.enqueueBatchFinished) unit.effects.hookDeliveryIds.push(...(await deps.hooks.enqueueBatchFinished(unit.tx, { id: batch.id, shopId })));
      return { batch, items };
    });
  try {
    return await run();
  } catch (error) {
    // The same key sent twice at once: the second waited on the first's rows and its report's
    // unique key; it now answers the first batch's report.
    if (!(idempotencyKey && isUniqueViolation(error))) throw error;
    const earlier = await deps.db.prisma.refundBatch.findUniqueOrThrow({ where: { shopId_idempotencyKey: { shopId, idempotencyKey } } });
    return replay(deps, earlier);
  }
}

function checkIds(refunds: NonNullable<BatchTransitionInput["refunds"]>) {
  if (refunds.length === 0) fail("BATCH_EMPTY", "The batch names no refund", ["input", "refundIds"]);
  if (refunds.length > MAX_BULK_REFUNDS) fail("BATCH_TOO_LARGE", `A batch acts on at most ${MAX_BULK_REFUNDS} refunds; ${refunds.length} were given`, ["input", "refundIds"]);
  const seen = new Set<string>();
  for (const [index, refund] of refunds.entries()) {
    if (seen.has(refund.requestedId)) fail("INVALID_INPUT", "A refund is named twice in the batch", ["input", "refundIds", String(index)]);
    seen.add(refund.requestedId);
  }
  return refunds;
}

async function matchFilter(deps: RefundServiceDeps, caller: Viewer, shopId: string, filter: RefundFilter) {
  const ids = await refundIdsChosenBy(deps.db.prisma, caller, shopId, filter, deps.clock());
  if (ids.length === 0) fail("BATCH_EMPTY", "The filter matches no refund", ["input", "filter"]);
  return ids.map((refundId) => ({ requestedId: null, refundId }));
}

function notFound(): UserError {
  return { code: "NOT_FOUND", message: "No such refund", field: ["input", "refundId"] };
}

async function storeReport(
  tx: Tx,
  report: {
    id: string;
    shopId: string;
    input: BatchTransitionInput;
    filter: RefundFilter | null;
    actor: ReturnType<typeof actorOf>;
    idempotencyKey: string | null;
    items: BatchItemResult[];
    startedAt: Date;
    newId: () => string;
  },
): Promise<RefundBatch> {
  const { items } = report;
  const failuresByCode: Record<string, number> = {};
  for (const item of items) {
    const code = item.userErrors[0]?.code;
    if (code) failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
  }
  // The shop's currency, from a refund the batch moved; read only when it moved none.
  const currency =
    items.find((item) => item.refund)?.refund!.currency ??
    (await tx.shop.findUniqueOrThrow({ where: { id: report.shopId }, select: { currency: true } })).currency;
  const finishedAt = new Date();
  const batch = await tx.refundBatch.create({
    data: {
      id: report.id,
      shopId: report.shopId,
      action: report.input.action,
      note: report.input.note?.trim() || null,
      amount: report.input.amount ?? null,
      filter: report.filter ? (JSON.parse(JSON.stringify(report.filter)) as Prisma.InputJsonValue) : Prisma.DbNull,
      actorRole: report.actor.role!,
      actorName: report.actor.name ?? null,
      idempotencyKey: report.idempotencyKey,
      total: items.length,
      succeeded: items.filter((item) => item.ok).length,
      failed: items.filter((item) => !item.ok).length,
      amountTotal: items.reduce((sum, item) => sum + (item.transition?.amount ?? 0), 0),
      currency,
      failuresByCode,
      startedAt: report.startedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - report.startedAt.getTime(),
    },
  });
  await tx.refundBatchItem.createMany({
    data: items.map((item, position) => ({
      id: report.newId(),
      batchId: batch.id,
      position,
      requestedId: item.requestedId,
      refundId: item.refundId,
      ok: item.ok,
      transitionId: item.transition?.id ?? null,
      errorCode: item.userErrors[0] ? item.userErrors[0].code : null,
      errorMessage: item.userErrors[0]?.message ?? null,
      errorField: item.userErrors[0]?.field ?? [],
    })),
  });
  return batch;
}

/** A resent batch: the first run's report and items, with the refunds as they are now. */
async function replay(deps: RefundServiceDeps, batch: RefundBatch) {
  const stored = await deps.db.prisma.refundBatchItem.findMany({ where: { batchId: batch.id }, orderBy: { position: "asc" } });
  const refundIds = stored.flatMap((item) => (item.refundId && item.ok ? [item.refundId] : []));
  const transitionIds = stored.flatMap((item) => (item.transitionId ? [item.transitionId] : []));
  const [refunds, transitions] = await Promise.all([
    deps.db.prisma.refund.findMany({ where: { id: { in: refundIds } } }),
    deps.db.prisma.refundTransition.findMany({ where: { id: { in: transitionIds } } }),
  ]);
  const items: BatchItemResult[] = stored.map((item) => ({
    requestedId: item.requestedId,
    refundId: item.refundId,
    ok: item.ok,
    refund: refunds.find((refund) => refund.id === item.refundId) ?? null,
    transition: transitions.find((transition) => transition.id === item.transitionId) ?? null,
    userErrors: item.errorCode ? [{ code: storedUserErrorCode(item.errorCode), message: item.errorMessage ?? "", field: item.errorField }] : [],
  }));
  return { batch, items };
}
