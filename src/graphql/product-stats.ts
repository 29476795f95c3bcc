import { resolveOffsetConnection } from "@pothos/plugin-relay";
import type { ProductRefundStatsRow } from "../services/product-refund-stats.js";
import { productRefundStats } from "../services/product-refund-stats.js";
import { MAX_STATS_PERIOD_DAYS } from "../services/stats-period.js";
import { queryService, queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { MoneyRef, money } from "./money.js";
import { ReasonTagRef } from "./reason-tags.js";
import { parseGlobalId } from "./user-errors.js";

const ReasonCountRef = builder.simpleObject("ReasonCount", {
  description: "How many of the refunds counted carry one reason tag.",
  fields: (t) => ({
    reason: t.field({ type: ReasonTagRef, description: "The reason tag." }),
    count: t.int({ description: "How many refunds carry it." }),
  }),
});

const ProductRefundStatsRef = builder.objectRef<ProductRefundStatsRow>("ProductRefundStats").implement({
  description:
    "One SKU's refunds over a period. A refund is against a whole order, so it counts for every SKU of its order (until refunds name line items).",
  fields: (t) => ({
    sku: t.exposeString("sku", { description: "The SKU, as the shop's order system sent it." }),
    name: t.exposeString("name", { description: "The SKU's name on its most recently paid order counted." }),
    orders: t.exposeInt("orders", { description: "Distinct orders paid in the period (by `paidAt`) that contain the SKU." }),
    refunds: t.exposeInt("refunds", {
      description: "Refunds created in the period (by `createdAt`) of orders that contain the SKU, whenever those orders were paid.",
    }),
    refundRate: t.exposeFloat("refundRate", { description: "refunds ÷ orders; 0 when no order was paid in the period (even with refunds)." }),
    refundedAmount: t.field({
      type: MoneyRef,
      description: "The sum of `refundedAmount` of the refunds counted (whole refunds, not a share per SKU).",
      resolve: (row) => money(row.refundedAmount, row.currency),
    }),
    topReasons: t.field({
      type: [ReasonCountRef],
      description: "Up to 3 reason tags of the refunds counted, by count (most first), then by code.",
      resolve: (row) => row.topReasons,
    }),
  }),
});

builder.queryField("productRefundStats", (t) =>
  t.connection(
    {
      type: ProductRefundStatsRef,
      description: `Refunds per SKU of the shop over [from, to) (staff only), highest refund rate first, then most refunds, then by SKU. \`from\` after \`to\`, or a period over ${MAX_STATS_PERIOD_DAYS} days, fails with INVALID_INPUT.`,
      args: {
        from: t.arg({ type: "DateTime", required: true, description: "Start of the period, included." }),
        to: t.arg({ type: "DateTime", required: true, description: "End of the period, excluded." }),
        shopId: t.arg.id({ description: "Required for platform admins: whose stats." }),
      },
      // The database counts orders and refunds over up to a year in one statement: dearer than a page.
      complexity: (args) => ({ field: 50, multiplier: args.first ?? args.last ?? 20 }),
      resolve: (_root, args, ctx) => {
        const viewer = queryViewer(ctx);
        return queryService(async () => {
          const shopId = args.shopId ? parseGlobalId(args.shopId, "Shop", ["shopId"]) : null;
          return resolveOffsetConnection({ args, defaultSize: 20, maxSize: 100 }, ({ offset, limit }) =>
            productRefundStats(ctx.db, viewer, { shopId, from: args.from, to: args.to, offset, limit }),
          );
        });
      },
    },
    { name: "ProductRefundStatsConnection" },
    { name: "ProductRefundStatsEdge" },
  ),
);
