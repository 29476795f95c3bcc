import DataLoader from "dataloader";
import type { PrismaClient, ReturnTracking } from "../../src/generated/prisma/client.js";
import type { RefundPlugin } from "../../src/plugin/index.js";

type SchemaBuilder = Parameters<NonNullable<RefundPlugin["schema"]>>[0];
type GraphQLContext = { db: { prisma: PrismaClient } };

// One loader per request: the tracking of every return shipment on a page in one statement.
const loaders = new WeakMap<object, DataLoader<string, ReturnTracking | null>>();
function trackingLoader(ctx: GraphQLContext): DataLoader<string, ReturnTracking | null> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader(async (refundIds) => {
      const rows = await ctx.db.prisma.returnTracking.findMany({ where: { refundId: { in: [...refundIds] } } });
      const byRefund = new Map(rows.map((row) => [row.refundId, row]));
      return refundIds.map((refundId) => byRefund.get(refundId) ?? null);
    });
    loaders.set(ctx, loader);
  }
  return loader;
}

/** `ReturnShipment.exception` and `ReturnShipment.tracking`. */
export function logisticsSchema(builder: SchemaBuilder): void {
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
      resolve: async (shipment, _args, ctx) => (await trackingLoader(ctx).load(shipment.refundId))?.exception ?? null,
    }),
    tracking: t.field({
      type: TrackingRef,
      nullable: true,
      description: "null until a carrier event (or the stuck-return check) concerned this parcel.",
      resolve: (shipment, _args, ctx) => trackingLoader(ctx).load(shipment.refundId),
    }),
  }));
}
