import { z } from "zod";
import { definePlugin, globalId } from "../../src/plugin/index.js";

export default definePlugin({
  name: "big-refund-guard",
  version: "1.0.0",
  apiVersion: 1,
  tables: ["bigRefund"], // its own, in ./schema.prisma, created by ./migrations
  reads: ["refund"], // read-only, this shop's rows only
  config: z.object({ enabled: z.boolean().default(true), limit: z.number().int().positive().default(50_000) }),
  hooks: {
    beforeTransition(event, ctx) {
      const amount = event.refund.approvedAmount ?? event.refund.requestedAmount;
      if (event.action === "FINANCE_APPROVE" && amount > ctx.settings.limit && event.actor.role !== "SHOP_ADMIN") {
        return { veto: { code: "APPROVAL_LIMIT_EXCEEDED", message: `Refunds above ${ctx.settings.limit} need a shop admin` } };
      }
    },
    afterTransitionFor: (transition) => transition.to === "REFUNDING",
    async afterTransition({ refund, transition }, ctx) {
      const amount = transition.amount ?? 0;
      if (amount <= ctx.settings.limit) return;
      // Retried deliveries insert nothing twice: the refund is the key.
      await ctx.db.bigRefund.createMany({ data: [{ refundId: refund.id, shopId: ctx.shopId, amount }], skipDuplicates: true });
    },
  },
  schema(builder, kit) {
    const recorded = kit.loader<string, Date | null>("recordedAt", async (refundIds, db) => {
      const rows = await db.bigRefund.findMany({ where: { refundId: { in: [...refundIds] } } });
      return refundIds.map((id) => rows.find((row) => row.refundId === id)?.createdAt ?? null);
    });
    builder.prismaObjectFields("Refund", (t) => ({
      needsShopAdmin: t.boolean({
        select: { shopId: true, requestedAmount: true, approvedAmount: true },
        resolve: async (refund, _args, ctx) => (refund.approvedAmount ?? refund.requestedAmount) > (await kit.settingsFor(ctx, refund.shopId)).limit,
      }),
      bigRefundAt: t.field({ type: "DateTime", nullable: true, resolve: (refund, _args, ctx) => recorded(ctx).load(refund.id) }),
    }));
  },
  routes: [
    {
      method: "GET",
      path: "/limit", // GET /plugins/big-refund-guard/limit?shop=<Shop id>
      async handler(request, ctx) {
        const shopId = globalId.parse(new URL(request.url).searchParams.get("shop") ?? "", "Shop");
        return shopId ? Response.json({ limit: (await ctx.settingsFor(shopId)).limit }) : Response.json({ error: "pass ?shop=<Shop id>" }, { status: 400 });
      },
    },
  ],
});
