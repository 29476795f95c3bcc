import { encodeGlobalID } from "@pothos/plugin-relay";
import { Repeater } from "@graphql-yoga/subscription";
import { GraphQLError } from "graphql";
import { fail, storedUserErrorCode } from "../domain/errors.js";
import type { RefundBatch, RefundBatchItem } from "../generated/prisma/client.js";
import { type BatchItemResult, batchTransitionRefunds } from "../services/batch-transition.js";
import { MAX_BULK_REFUNDS } from "../services/refund-list.js";
import { STAFF_ROLES } from "../services/viewer.js";
import { assertStorableText, queryViewer } from "./access.js";
import { MUTATION_COST, builder } from "./builder.js";
import { RefundActionEnum, RoleEnum } from "./enums.js";
import { MoneyRef, money } from "./money.js";
import { RefundFilterInput, RefundRef, RefundTransitionRef, refundFilterOf } from "./refund.js";
import { UserErrorRef, decodeGlobalIdOf, parseShopIdInput, withUserErrors } from "./user-errors.js";

const staffShopOf = (ctx: Parameters<typeof queryViewer>[0]) => {
  const viewer = queryViewer(ctx);
  if (!STAFF_ROLES.has(viewer.role)) throw new GraphQLError("Batches are for shop staff", { extensions: { code: "FORBIDDEN" } });
  return viewer.shopId ? { shopId: viewer.shopId } : {};
};

const BatchFailureRef = builder.simpleObject("RefundBatchFailureCount", {
  description: "How many refunds of a batch failed with one code.",
  fields: (t) => ({ code: t.string({ description: "A `UserErrorCode` the failed refunds answered (a plugin's veto: PLUGIN_VETO)." }), count: t.int({ description: "How many refunds of the batch failed with it." }) }),
});

const BatchActorRef = builder.simpleObject("RefundBatchActor", {
  description: "Who ran a batch.",
  fields: (t) => ({ role: t.field({ type: RoleEnum, description: "The role of the token that ran the batch." }), name: t.string({ nullable: true, description: "The token's label (a staff member's name); null when it has none." }) }),
});

export const RefundBatchRef = builder.prismaNode("RefundBatch", {
  id: { field: "id" },
  nullable: true,
  // `node(id:)` answers null, not FORBIDDEN, to a caller who may not read batches, as for every node.
  findUnique: (id, ctx) => (STAFF_ROLES.has(queryViewer(ctx).role) ? { id, ...staffShopOf(ctx) } : { id, AND: [{ id: { in: [] } }] }),
  description: "One batchTransitionRefunds run and its processing report.",
  fields: (t) => ({
    action: t.field({ type: RefundActionEnum, resolve: (batch) => batch.action as never, description: "The action taken on every refund of the batch." }),
    note: t.exposeString("note", { nullable: true, description: "The note given with the action (every refund's transition carries it); null when none." }),
    amount: t.field({ type: MoneyRef, nullable: true, resolve: (batch) => (batch.amount == null ? null : money(batch.amount, batch.currency)), description: "The amount given for every refund (APPROVE, PASS_INSPECTION), in minor units; null when none was given." }),
    filter: t.expose("filter", { type: "JSON", nullable: true, description: "The refunds filter it ran with; null when run by ids." }),
    actor: t.field({ type: BatchActorRef, resolve: (batch) => ({ role: batch.actorRole, name: batch.actorName }), description: "Who ran the batch." }),
    idempotencyKey: t.exposeString("idempotencyKey", { nullable: true, description: "The key the batch was sent with: resending it answers this batch; null when none." }),
    total: t.exposeInt("total", { description: "How many refunds the batch named or matched." }),
    succeeded: t.exposeInt("succeeded", { description: "How many of them took the action." }),
    failed: t.exposeInt("failed", { description: "How many of them did not (each item's `userErrors` says why)." }),
    amountTotal: t.field({
      type: MoneyRef,
      description: "Sum of the amounts the successful transitions recorded (approved, paid…).",
      resolve: (batch) => money(batch.amountTotal, batch.currency),
    }),
    failuresByCode: t.field({
      description: "The failures grouped by code, most frequent first.",
      type: [BatchFailureRef],
      resolve: (batch) =>
        Object.entries(batch.failuresByCode as Record<string, number>)
          .map(([code, count]) => ({ code, count }))
          .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    }),
    startedAt: t.expose("startedAt", { type: "DateTime", description: "When the batch started (ISO 8601, UTC)." }),
    finishedAt: t.expose("finishedAt", { type: "DateTime", description: "When the batch finished (ISO 8601, UTC)." }),
    durationMs: t.exposeInt("durationMs", { description: "How long the batch took, in milliseconds." }),
    items: t.relation("items", { query: { orderBy: { position: "asc" } }, description: "In the order the refunds were named or matched." }),
  }),
});

/** The refund's global id: the one the client sent, or the refund's own for a filter match. */
function itemRefundId(item: { requestedId: string | null; refundId: string | null }): string {
  return item.requestedId ?? encodeGlobalID("Refund", item.refundId!);
}

const RefundBatchItemRef = builder.prismaObject("RefundBatchItem", {
  description: "One refund of a stored batch and how it went.",
  fields: (t) => ({
    position: t.exposeInt("position", { description: "Its place in the batch, from 0: the order the refunds were named or matched." }),
    refundId: t.id({ resolve: itemRefundId, description: "The refund's global id as it was sent (or the matched refund's id)." }),
    ok: t.exposeBoolean("ok", { description: "true when the action was taken on this refund." }),
    refund: t.relation("refund", { nullable: true, description: "The refund after the batch; null when the id named no refund the token may see." }),
    transition: t.relation("transition", { nullable: true, description: "The transition the action recorded; null when it failed." }),
    userErrors: t.field({
      description: "Why the action failed on this refund; empty when `ok`.",
      type: [UserErrorRef],
      resolve: (item) => (item.errorCode ? [{ code: storedUserErrorCode(item.errorCode), message: item.errorMessage ?? "", field: item.errorField }] : []),
    }),
  }),
});

const BatchResultRef = builder.objectRef<BatchItemResult>("RefundBatchResult").implement({
  description: "How one refund of a batch went, as `batchTransitionRefunds` answers it.",
  fields: (t) => ({
    refundId: t.id({ resolve: itemRefundId, description: "The refund's global id as it was sent (or the matched refund's id)." }),
    ok: t.exposeBoolean("ok", { description: "true when the action was taken on this refund." }),
    refund: t.field({ type: RefundRef, nullable: true, resolve: (item) => item.refund, description: "The refund after the batch; null when the id named no refund the token may see." }),
    transition: t.field({ type: RefundTransitionRef, nullable: true, resolve: (item) => item.transition, description: "The transition the action recorded; null when it failed." }),
    userErrors: t.field({ type: [UserErrorRef], resolve: (item) => item.userErrors, description: "Why the action failed on this refund; empty when `ok`." }),
  }),
});

const BatchTransitionRefundsInput = builder.inputType("BatchTransitionRefundsInput", {
  description: "One action on many refunds: name them by `refundIds` or by a `filter`, not both.",
  fields: (t) => ({
    shopId: t.id({ description: "Platform admins: the shop whose refunds these are." }),
    refundIds: t.idList({ description: `The refunds, at most ${MAX_BULK_REFUNDS}. Give refundIds or filter, not both.` }),
    filter: t.field({ type: RefundFilterInput, description: `The refunds the filter matches (at most ${MAX_BULK_REFUNDS}, oldest first).` }),
    action: t.field({ type: RefundActionEnum, required: true, description: "The action to take on every refund (as in `transitionRefund`)." }),
    note: t.string({ description: "Why: recorded on every refund's transition; required by REJECT, FAIL_INSPECTION, FINANCE_REJECT." }),
    amount: t.int({ description: "APPROVE / PASS_INSPECTION: the amount for every refund (minor units)." }),
    idempotencyKey: t.string({ description: "A resent batch with the same key answers the first batch's report." }),
  }),
});

builder.mutationField("batchTransitionRefunds", (t) =>
  t.field({
    type: builder.simpleObject("BatchTransitionRefundsPayload", {
      fields: (p) => ({
        batch: p.field({ type: RefundBatchRef, nullable: true, description: "The stored batch with its report; null when `userErrors` is not empty (nothing changed)." }),
        results: p.field({ type: [BatchResultRef], nullable: true, description: "One result per refund, in order; null when `userErrors` is not empty." }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    description: `One action on up to ${MAX_BULK_REFUNDS} refunds: each refund succeeds or fails on its own, and the report is stored as a RefundBatch.`,
    // Up to MAX_BULK_REFUNDS transitions: priced as that many single mutations.
    complexity: (args) => MUTATION_COST * (args.input.refundIds?.length ?? MAX_BULK_REFUNDS),
    args: { input: t.arg({ type: BatchTransitionRefundsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => {
        const filter = input.filter ? refundFilterOf(viewer!, input.filter, ["input", "filter"]) : undefined;
        if (filter === null) fail("BATCH_EMPTY", "The filter matches no refund", ["input", "filter", "customerId"]);
        const { batch, items } = await batchTransitionRefunds(ctx.services, viewer, {
          ...input,
          shopId: parseShopIdInput(input.shopId),
          refunds: input.refundIds?.map((requestedId) => ({ requestedId, refundId: decodeGlobalIdOf(requestedId, "Refund") })) ?? null,
          filter: filter ?? null,
        });
        return { batch, results: items };
      }),
  }),
);

builder.queryField("refundBatches", (t) =>
  t.prismaConnection({
    type: "RefundBatch",
    cursor: "id",
    maxSize: 100,
    defaultSize: 20,
    description: "The shop's batches, newest first.",
    resolve: (query, _root, _args, ctx) =>
      ctx.db.prisma.refundBatch.findMany({ ...query, where: staffShopOf(ctx), orderBy: [{ startedAt: "desc" }, { id: "desc" }] }),
  }),
);

const BatchProgressRef = builder.simpleObject("RefundBatchProgress", {
  description: "One event of refundBatchProgress: an item, or (finished) the summary.",
  fields: (t) => ({
    batch: t.field({ type: RefundBatchRef, description: "The batch (its report is complete once `finished`)." }),
    item: t.field({ type: RefundBatchItemRef, nullable: true, description: "The item that finished; null on the summary event." }),
    finished: t.boolean({ description: "true on the last event: the summary; the stream then completes." }),
  }),
});

builder.subscriptionField("refundBatchProgress", (t) =>
  t.field({
    type: BatchProgressRef,
    description:
      "Each item of a batch as it finished, then the summary (finished: true), then the stream completes. A batch commits all its refunds in one transaction, so the items of a stored batch stream at once.",
    args: { batchId: t.arg.id({ required: true, description: "The batch's global id (`RefundBatch.id`), as `batchTransitionRefunds` answered it." }) },
    subscribe: async (_root, { batchId }, ctx) => {
      assertStorableText(batchId, ["batchId"]);
      const scope = staffShopOf(ctx);
      const id = decodeGlobalIdOf(batchId, "RefundBatch");
      const batch = id ? await ctx.db.prisma.refundBatch.findFirst({ where: { id, ...scope }, include: { items: { orderBy: { position: "asc" } } } }) : null;
      if (!batch) throw new GraphQLError("No such batch", { extensions: { code: "NOT_FOUND" } });
      const { items, ...summary } = batch;
      return new Repeater<{ batch: RefundBatch; item: RefundBatchItem | null; finished: boolean }>(async (push, stop) => {
        for (const item of items) await push({ batch: summary, item, finished: false });
        await push({ batch: summary, item: null, finished: true });
        stop();
      });
    },
    resolve: (event) => event as { batch: RefundBatch; item: RefundBatchItem | null; finished: boolean },
  }),
);
