import { filter as keepEvents, pipe } from "@graphql-yoga/subscription";
import { GraphQLError } from "graphql";
import type { RefundTransitionEvent } from "../realtime/refund-events.js";
import { CoalescedReads } from "../realtime/coalesced-reads.js";
import { type StreamedTransition, refundTransitionStream } from "../realtime/refund-stream.js";
import { untilShutdown } from "../realtime/shutdown.js";
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
    // Loaded fresh for every event, once for all the subscribers that select the same fields.
    // A load that fails ends the subscription after its error (see refundTransitionStream).
    resolve: (query, value, _args, ctx) => {
      const { transitionId, stream } = value as unknown as StreamedTransition;
      if (stream.failure) throw stream.failure.error;
      return loadTransition(ctx, query, transitionId).catch((error: unknown) => {
        stream.undelivered(error);
        throw error;
      });
    },
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
    description: "Every committed transition of the shop's refunds, for staff consoles.",
    args: { filter: t.arg({ type: RefundEventFilter, description: "Which transitions; left out: all of the shop's refunds." }) },
    subscribe: (_root, { filter }, ctx) => {
      const viewer = queryViewer(ctx);
      if (!STAFF_ROLES.has(viewer.role)) throw refused("refundEvents is for shop staff", "FORBIDDEN");
      const shopId = viewer.role === "PLATFORM_ADMIN" ? (filter?.shopId ? decode(filter.shopId, "Shop") : null) : viewer.shopId;
      if (!shopId) throw refused("A platform admin must name the shop: filter.shopId", "INVALID_INPUT");
      const statuses = filter?.statuses?.length ? new Set<string>(filter.statuses) : null;
      const actions = filter?.actions?.length ? new Set<string>(filter.actions) : null;
      return pipe(
        untilShutdown(ctx.services.pubsub.subscribe("refund:transition", shopId), ctx.shutdown),
        keepEvents((event: RefundTransitionEvent) => (!statuses || statuses.has(event.to)) && (!actions || actions.has(event.action))),
      );
    },
    resolve: (query, event, _args, ctx) => loadTransition(ctx, query, (event as unknown as RefundTransitionEvent).transitionId),
  }),
);
