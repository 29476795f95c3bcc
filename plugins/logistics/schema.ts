import type { ReplacementTracking, ReturnTracking } from "../../src/generated/prisma/client.js";
import type { PluginDb, SchemaBuilder, SchemaKit } from "../../src/plugin/index.js";

/** `ReturnShipment.exception`, `ReturnShipment.tracking` and `ReplacementShipment.tracking`. */
export function logisticsSchema(builder: SchemaBuilder, kit: SchemaKit<unknown, PluginDb<"returnTracking" | "replacementTracking">>): void {
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
      lastMovementAt: t.expose("lastMovementAt", { type: "DateTime", nullable: true }),
      deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
      exception: t.exposeString("exception", { nullable: true }),
    }),
  });

  builder.prismaObjectFields("ReturnShipment", (t) => ({
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
      lastMovementAt: t.expose("lastMovementAt", { type: "DateTime", nullable: true }),
      deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When the carrier delivered it to the customer." }),
    }),
  });

  builder.prismaObjectFields("ReplacementShipment", (t) => ({
    tracking: t.field({
      type: ReplacementTrackingRef,
      nullable: true,
      description: "null until a carrier event concerned this parcel.",
      resolve: (shipment, _args, ctx) => replacementTrackingOf(ctx).load(shipment.refundId),
    }),
  }));
}
