import type { CarrierSubscription, ReplacementTracking, ReturnTracking } from "../../src/generated/prisma/client.js";
import type { GraphQLContext, PluginDb, SchemaBuilder, SchemaKit } from "../../src/plugin/index.js";
import { KUAIDI100_STATES } from "./kuaidi100-api.js";

/** Subscriptions (Kuaidi100's answers, the shop's mode) are for the shop's staff. */
const isStaff = (ctx: GraphQLContext) => ctx.viewer !== null && ctx.viewer.role !== "CUSTOMER";

/** `ReturnShipment.exception`, `ReturnShipment.tracking`, `ReplacementShipment.tracking` and both shipments' `carrierSubscription`. */
export function logisticsSchema(builder: SchemaBuilder, kit: SchemaKit<unknown, PluginDb<"returnTracking" | "replacementTracking" | "carrierSubscription">>): void {
  // The subscriptions of every shipment on a page in one statement.
  const subscriptionOf = kit.loader<string, CarrierSubscription | null>("subscription", async (keys, db) => {
    const rows = await db.carrierSubscription.findMany({ where: { refundId: { in: keys.map((key) => key.split(":")[1]!) } } });
    return keys.map((key) => rows.find((row) => `${row.parcel}:${row.refundId}` === key) ?? null);
  });
  const SubscriptionRef = builder.objectRef<CarrierSubscription>("CarrierSubscription").implement({
    description: "A parcel handed to Kuaidi100 (快递100) for tracking, and what Kuaidi100 answered (plugin logistics; staff only).",
    fields: (t) => ({
      provider: t.string({ resolve: () => "KUAIDI100", description: "The tracking service the parcel is subscribed at (KUAIDI100)." }),
      company: t.exposeString("company", { nullable: true, description: "Kuaidi100's company code (shunfeng, yuantong…), from the carrier typed or Kuaidi100's auto-detection." }),
      mode: t.exposeString("mode", { description: "PUSH (Kuaidi100 calls back) or POLL (the platform asks)." }),
      status: t.exposeString("status", { description: "PENDING, SUBSCRIBED, POLLING, REFUSED (see returnCode and message), ENDED." }),
      returnCode: t.exposeString("returnCode", { nullable: true, description: "Kuaidi100's code when it refused (600 wrong key, 700 bad data, 701/702 company…) or stopped (abort); UNKNOWN_CARRIER or NO_CALLBACK_URL from the platform." }),
      message: t.exposeString("message", { nullable: true, description: "Kuaidi100's reason, as it gave it." }),
      lastState: t.string({
        nullable: true,
        description: "Kuaidi100's state of the parcel at its newest scan: 在途, 揽收, 派件, 签收, 退签, 疑难, 清关…",
        resolve: (row) => (row.lastState === null ? null : (KUAIDI100_STATES[row.lastState]?.name ?? row.lastState)),
      }),
      lastEventAt: t.expose("lastEventAt", { type: "DateTime", nullable: true, description: "When the tracking service last reported (ISO 8601, UTC); null before its first report." }),
      updatedAt: t.expose("updatedAt", { type: "DateTime", description: "When the subscription last changed (ISO 8601, UTC)." }),
    }),
  });

  // The tracking of every return shipment on a page in one statement.
  const trackingOf = kit.loader<string, ReturnTracking | null>("tracking", async (refundIds, db) => {
    const byRefund = new Map((await db.returnTracking.findMany({ where: { refundId: { in: [...refundIds] } } })).map((row) => [row.refundId, row]));
    return refundIds.map((refundId) => byRefund.get(refundId) ?? null);
  });

  const replacementTrackingOf = kit.loader<string, ReplacementTracking | null>("replacementTracking", async (refundIds, db) => {
    const byRefund = new Map((await db.replacementTracking.findMany({ where: { refundId: { in: [...refundIds] } } })).map((row) => [row.refundId, row]));
    return refundIds.map((refundId) => byRefund.get(refundId) ?? null);
  });

  const TrackingRef = builder.objectRef<ReturnTracking>("ReturnTracking").implement({
    description: "What the carrier last reported about a return parcel (plugin logistics).",
    fields: (t) => ({
      lastEvent: t.exposeString("lastEvent", { nullable: true, description: "`STATUS` or `STATUS: description` of the newest carrier event." }),
      lastMovementAt: t.expose("lastMovementAt", { type: "DateTime", nullable: true, description: "When the carrier last reported the parcel moving (ISO 8601, UTC); null before any movement." }),
      deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When the carrier reported the parcel delivered (ISO 8601, UTC); null until then." }),
      exception: t.exposeString("exception", { nullable: true, description: "The carrier's exception (lost, returned, refused…), in its words; null when none." }),
    }),
  });

  builder.prismaObjectFields("ReturnShipment", (t) => ({
    carrierSubscription: t.field({
      type: SubscriptionRef,
      nullable: true,
      description: "Kuaidi100's tracking of this return (staff only; null when the shop has no Kuaidi100 account).",
      resolve: (shipment, _args, ctx) => (isStaff(ctx) ? subscriptionOf(ctx).load(`RETURN:${shipment.refundId}`) : null),
    }),
    exception: t.string({
      nullable: true,
      description: "Set while the parcel needs a look: CARRIER_EXCEPTION, or NO_MOVEMENT_<n>_DAYS with no carrier event for n days.",
      resolve: async (shipment, _args, ctx) => (await trackingOf(ctx).load(shipment.refundId))?.exception ?? null,
    }),
    tracking: t.field({
      type: TrackingRef,
      nullable: true,
      description: "null until a carrier event (or the stuck-return check) concerned this parcel.",
      resolve: (shipment, _args, ctx) => trackingOf(ctx).load(shipment.refundId),
    }),
  }));

  const ReplacementTrackingRef = builder.objectRef<ReplacementTracking>("ReplacementTracking").implement({
    description: "What the carrier last reported about an exchange's replacement parcel (plugin logistics).",
    fields: (t) => ({
      lastEvent: t.exposeString("lastEvent", { nullable: true, description: "`STATUS` or `STATUS: description` of the newest carrier event." }),
      lastMovementAt: t.expose("lastMovementAt", { type: "DateTime", nullable: true, description: "When the carrier last reported the parcel moving (ISO 8601, UTC); null before any movement." }),
      deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When the carrier delivered it to the customer." }),
    }),
  });

  builder.prismaObjectFields("ReplacementShipment", (t) => ({
    carrierSubscription: t.field({
      type: SubscriptionRef,
      nullable: true,
      description: "Kuaidi100's tracking of this replacement parcel (staff only).",
      resolve: (shipment, _args, ctx) => (isStaff(ctx) ? subscriptionOf(ctx).load(`REPLACEMENT:${shipment.refundId}`) : null),
    }),
    tracking: t.field({
      type: ReplacementTrackingRef,
      nullable: true,
      description: "null until a carrier event concerned this parcel.",
      resolve: (shipment, _args, ctx) => replacementTrackingOf(ctx).load(shipment.refundId),
    }),
  }));
}
