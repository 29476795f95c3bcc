import { GraphQLError } from "graphql";
import { CoalescedReads } from "../realtime/coalesced-reads.js";
import { type StreamedTransition, refundTransitionStream } from "../realtime/refund-stream.js";
import { decodeStreamCursor, shopTransitionStream } from "../realtime/shop-stream.js";
import { STAFF_ROLES, refundScope } from "../services/viewer.js";
import { queryViewer } from "./access.js";
import { builder } from "./builder.js";
import type { GraphQLContext } from "./context.js";
import { RefundActionEnum, RefundStatusEnum } from "./enums.js";
import { decodeGlobalIdOf } from "./user-errors.js";

builder.subscriptionType({
  description: "Live streams over graphql-ws (or SSE), with the token in `connectionParams` (`{ authorization: \"Bearer …\" }`): a refund's transitions for its customer or staff, the shop's transitions for staff, a batch's progress.",
});

const transitionReads = new CoalescedReads();

/** The transition with the subscriber's selection; the selection is part of the key, so what one subscriber may not select never reaches another. */
function loadTransition(ctx: GraphQLContext, query: object, transitionId: string) {
  return transitionReads.read(`${transitionId}:${JSON.stringify(query)}`, () =>
    ctx.db.prisma.refundTransition.findUniqueOrThrow({ ...query, where: { id: transitionId } }),
  );
}

/**
 * Loaded fresh for every event, once for all the subscribers that select the same fields.
 * A load that fails ends the subscription after its error (see refundTransitionStream).
 */
function deliverTransition(ctx: GraphQLContext, query: object, { transitionId, stream }: Pick<StreamedTransition, "transitionId"> & Partial<StreamedTransition>) {
  if (stream?.failure) throw stream.failure.error;
  return loadTransition(ctx, query, transitionId).catch((error: unknown) => {
    stream?.undelivered(error);
    throw error;
  });
}

function refused(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function decode(globalId: string, typename: string): string {
  const id = decodeGlobalIdOf(globalId, typename);
  if (!id) throw refused(`Not a ${typename} id`, "NOT_FOUND");
  return id;
}

builder.subscriptionField("refundStatusChanged", (t) =>
  t.prismaField({
    type: "RefundTransition",
    description:
      "Each transition of one refund, in version order. With `afterVersion`, the stored transitions after it come first: reconnect with the last version you saw and miss nothing. A customer may follow only its own refunds.",
    args: {
      refundId: t.arg.id({ required: true, description: "The refund's global id (`Refund.id`); another shop's or another customer's refund fails the subscription with NOT_FOUND." }),
      afterVersion: t.arg.int({ description: "Replay stored transitions with a higher version, then continue live." }),
    },
    subscribe: async (_root, { refundId, afterVersion }, ctx) => {
      const viewer = queryViewer(ctx);
      const refund = await ctx.db.prisma.refund.findFirst({
        where: { id: decode(refundId, "Refund"), ...refundScope(viewer) },
        select: { id: true, shopId: true, version: true },
      });
      // A refund of someone else is refused exactly like one that does not exist.
      if (!refund) throw refused("No such refund", "NOT_FOUND");
      return refundTransitionStream(ctx.db, ctx.services.pubsub, refund, afterVersion ?? refund.version, ctx.shutdown);
    },
    resolve: (query, value, _args, ctx) => deliverTransition(ctx, query, value as unknown as StreamedTransition),
  }),
);

const RefundEventFilter = builder.inputType("RefundEventFilter", {
  description: "Narrows `refundEvents`; left out: every transition of the shop.",
  fields: (t) => ({
    shopId: t.id({ description: "Required for platform admins: whose events." }),
    statuses: t.field({ type: [RefundStatusEnum], description: "Only transitions into these statuses." }),
    actions: t.field({ type: [RefundActionEnum], description: "Only transitions of these actions." }),
  }),
});

builder.subscriptionField("refundEvents", (t) =>
  t.prismaField({
    type: "RefundTransition",
    description:
      "Every committed transition of the shop's refunds, in commit order, for staff consoles. Each carries its `streamCursor`: after a reconnect, or after the stream ended with an error, subscribe again with `after` set to the last cursor you got, and the transitions you missed come first, then live ones, none twice. Errors: `INVALID_CURSOR` (not a cursor this API gave out), `CURSOR_OF_ANOTHER_SHOP`.",
    args: {
      filter: t.arg({ type: RefundEventFilter, description: "Which transitions; left out: all of the shop's refunds." }),
      after: t.arg.string({
        description: "A `streamCursor` of this shop's stream: replay the stored transitions committed after it (that pass the filter), then continue live. Without it, the stream starts now.",
      }),
    },
    subscribe: async (_root, { filter, after }, ctx) => {
      const viewer = queryViewer(ctx);
      if (!STAFF_ROLES.has(viewer.role)) throw refused("refundEvents is for shop staff", "FORBIDDEN");
      const shopId = viewer.role === "PLATFORM_ADMIN" ? (filter?.shopId ? decode(filter.shopId, "Shop") : null) : viewer.shopId;
      if (!shopId) throw refused("A platform admin must name the shop: filter.shopId", "INVALID_INPUT");
      const statuses = filter?.statuses?.length ? new Set<string>(filter.statuses) : null;
      const actions = filter?.actions?.length ? new Set<string>(filter.actions) : null;
      const from = await streamStart(ctx, shopId, after);
      return shopTransitionStream(
        ctx.db,
        ctx.services.pubsub,
        shopId,
        from,
        (transition) => (!statuses || statuses.has(transition.toStatus)) && (!actions || actions.has(transition.action)),
        ctx.shutdown,
      );
    },
    // App webhooks execute this field with `{ transitionId }` as the source (src/apps/webhook-worker.ts).
    resolve: (query, value, _args, ctx) => deliverTransition(ctx, query, value as unknown as Pick<StreamedTransition, "transitionId"> & Partial<StreamedTransition>),
  }),
);

/** The sequence refundEvents starts after: the cursor's, checked, or the shop's last one. */
async function streamStart(ctx: GraphQLContext, shopId: string, after: string | null | undefined): Promise<number> {
  const cursor = after == null ? null : decodeStreamCursor(after);
  if (cursor && !cursor.ok) throw refused("Not a refundEvents cursor", "INVALID_CURSOR");
  if (cursor?.ok && cursor.shopId !== shopId) throw refused("This cursor belongs to another shop's stream", "CURSOR_OF_ANOTHER_SHOP");
  const shop = await ctx.db.prisma.shop.findUnique({ where: { id: shopId }, select: { transitionSequence: true } });
  if (!shop) throw refused("No such shop", "NOT_FOUND");
  if (!cursor) return shop.transitionSequence;
  // A cursor beyond what was ever committed was not given out: it would skip what comes next.
  if (cursor.sequence > shop.transitionSequence) throw refused("Not a refundEvents cursor", "INVALID_CURSOR");
  return cursor.sequence;
}
