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
  fields: (t) => ({ code: t.string(), count: t.int() }),
});

const BatchActorRef = builder.simpleObject("RefundBatchActor", {
  fields: (t) => ({ role: t.field({ type: RoleEnum }), name: t.string({ nullable: true }) }),
});

export const RefundBatchRef = builder.prismaNode("RefundBatch", {
  id: { field: "id" },
  nullable: true,
  // `node(id:)` answers null, not FORBIDDEN, to a caller who may not read batches, as for every node.
  findUnique: (id, ctx) => (STAFF_ROLES.has(queryViewer(ctx).role) ? { id, ...staffShopOf(ctx) } : { id, AND: [{ id: { in: [] } }] }),
  description: "One batchTransitionRefunds run and its processing report.",
  fields: (t) => ({
    action: t.field({ type: RefundActionEnum, resolve: (batch) => batch.action as never }),
    note: t.exposeString("note", { nullable: true }),
    amount: t.field({ type: MoneyRef, nullable: true, resolve: (batch) => (batch.amount == null ? null : money(batch.amount, batch.currency)) }),
    filter: t.expose("filter", { type: "JSON", nullable: true, description: "The refunds filter it ran with; null when run by ids." }),
    actor: t.field({ type: BatchActorRef, resolve: (batch) => ({ role: batch.actorRole, name: batch.actorName }) }),
    idempotencyKey: t.exposeString("idempotencyKey", { nullable: true }),
    total: t.exposeInt("total"),
    succeeded: t.exposeInt("succeeded"),
    failed: t.exposeInt("failed"),
    amountTotal: t.field({
      type: MoneyRef,
      description: "Sum of the amounts the successful transitions recorded (approved, paid…).",
      resolve: (batch) => money(batch.amountTotal, batch.currency),
    }),
    failuresByCode: t.field({
      type: [BatchFailureRef],
      resolve: (batch) =>
        Object.entries(batch.failuresByCode as Record<string, number>)
          .map(([code, count]) => ({ code, count }))
          .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    }),
    startedAt: t.expose("startedAt", { type: "DateTime" }),
    finishedAt: t.expose("finishedAt", { type: "DateTime" }),
    durationMs: t.exposeInt("durationMs"),
    items: t.relation("items", { query: { orderBy: { position: "asc" } }, description: "In the order the refunds were named or matched." }),
  }),
});

/** The refund's global id: the one the client sent, or the refund's own for a filter match. */
function itemRefundId(item: { requestedId: string | null; refundId: string | null }): string {
  return item.requestedId ?? encodeGlobalID("Refund", item.refundId!);
}

const RefundBatchItemRef = builder.prismaObject("RefundBatchItem", {
  fields: (t) => ({
    position: t.exposeInt("position"),
    refundId: t.id({ resolve: itemRefundId }),
    ok: t.exposeBoolean("ok"),
    refund: t.relation("refund", { nullable: true }),
    transition: t.relation("transition", { nullable: true }),
    userErrors: t.field({
      type: [UserErrorRef],
      resolve: (item) => (item.errorCode ? [{ code: storedUserErrorCode(item.errorCode), message: item.errorMessage ?? "", field: item.errorField }] : []),
    }),
  }),
});

const BatchResultRef = builder.objectRef<BatchItemResult>("RefundBatchResult").implement({
  fields: (t) => ({
    refundId: t.id({ resolve: itemRefundId }),
    ok: t.exposeBoolean("ok"),
    refund: t.field({ type: RefundRef, nullable: true, resolve: (item) => item.refund }),
    transition: t.field({ type: RefundTransitionRef, nullable: true, resolve: (item) => item.transition }),
    userErrors: t.field({ type: [UserErrorRef], resolve: (item) => item.userErrors }),
  }),
});

const BatchTransitionRefundsInput = builder.inputType("BatchTransitionRefundsInput", {
  fields: (t) => ({
    shopId: t.id({ description: "Platform admins: the shop whose refunds these are." }),
    refundIds: t.idList({ description: `The refunds, at most ${MAX_BULK_REFUNDS}. Give refundIds or filter, not both.` }),
    filter: t.field({ type: RefundFilterInput, description: `The refunds the filter matches (at most ${MAX_BULK_REFUNDS}, oldest first).` }),
    action: t.field({ type: RefundActionEnum, required: true }),
    note: t.string(),
    amount: t.int({ description: "APPROVE / PASS_INSPECTION: the amount for every refund (minor units)." }),
    idempotencyKey: t.string({ description: "A resent batch with the same key answers the first batch's report." }),
  }),
});

builder.mutationField("batchTransitionRefunds", (t) =>
  t.field({
    type: builder.simpleObject("BatchTransitionRefundsPayload", {
      fields: (p) => ({
        batch: p.field({ type: RefundBatchRef, nullable: true }),
        results: p.field({ type: [BatchResultRef], nullable: true }),
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
    batch: t.field({ type: RefundBatchRef }),
    item: t.field({ type: RefundBatchItemRef, nullable: true }),
    finished: t.boolean(),
  }),
});

builder.subscriptionField("refundBatchProgress", (t) =>
  t.field({
    type: BatchProgressRef,
    description:
      "Each item of a batch as it finished, then the summary (finished: true), then the stream completes. A batch commits all its refunds in one transaction, so the items of a stored batch stream at once.",
    args: { batchId: t.arg.id({ required: true }) },
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
