// Customer.refundRisk: scored per request with a DataLoader, so a page of customers costs a
// few statements per shop (settings, orders, refunds, reason tags, CRM flags), not per row.
import { GraphQLError } from "graphql";
import type { PluginDb, SchemaBuilder, SchemaKit } from "../../src/plugin/index.js";
import { loadRiskHistories } from "./history.js";
import { RISK_LEVELS, type RiskLevel, type RiskScore, scoreRefundRisk } from "./score.js";
import type { CrmRiskSettings } from "./settings.js";

export interface RefundRiskView extends RiskScore {
  refundCount: number;
  orderCount: number;
  windowDays: number;
  crmLevel: RiskLevel | null;
  crmPushedAt: Date | null;
}

type Kit = SchemaKit<CrmRiskSettings, PluginDb<"customerRiskFlag", "order" | "refund" | "reasonTag">>;

export function addRiskSchema(builder: SchemaBuilder, kit: Kit): void {
  // Grouped by shop: each shop's settings, then its histories and flags in one read each.
  const risks = kit.loader<{ id: string; shopId: string }, RefundRiskView, string>(
    "refundRisk",
    async (keys, db, ctx) => {
      const byShop = new Map<string, string[]>();
      for (const key of keys) byShop.set(key.shopId, [...(byShop.get(key.shopId) ?? []), key.id]);
      const views = new Map<string, RefundRiskView>();
      for (const [shopId, customerIds] of byShop) {
        const settings = await kit.settingsFor(ctx, shopId);
        const histories = await loadRiskHistories(db, shopId, customerIds, settings.windowDays);
        const flags = new Map((await db.customerRiskFlag.findMany({ where: { customerId: { in: customerIds } } })).map((flag) => [flag.customerId, flag]));
        for (const customerId of customerIds) {
          const history = histories.get(customerId)!;
          const flag = flags.get(customerId);
          views.set(customerId, {
            ...scoreRefundRisk(history, settings),
            refundCount: history.refundCount,
            orderCount: history.orderCount,
            windowDays: history.windowDays,
            crmLevel: flag ? (flag.level as RiskLevel) : null,
            crmPushedAt: flag?.pushedAt ?? null,
          });
        }
      }
      return keys.map((key) => views.get(key.id)!);
    },
    { cacheKeyFn: (key) => key.id },
  );

  const RiskLevelEnum = builder.enumType("RefundRiskLevel", {
    description: "A customer's refund risk band, by the score's thresholds in the shop's crm-risk settings.",
    values: {
      LOW: { description: "Below the medium threshold." },
      MEDIUM: { description: "At or above the medium threshold, below the high one." },
      HIGH: { description: "At or above the high threshold: a high refund-risk customer (pushed to the shop's CRM)." },
    } satisfies Record<(typeof RISK_LEVELS)[number], { description: string }>,
  });

  const RefundRiskRef = builder.objectRef<RefundRiskView>("RefundRisk").implement({
    description: "A customer's refund risk from its recent history (plugin crm-risk); shop staff only.",
    fields: (t) => ({
      level: t.field({ type: RiskLevelEnum, resolve: (risk) => risk.level, description: "The risk band of `score`." }),
      score: t.exposeInt("score", { description: "0–100; the levels' thresholds are the shop's crm-risk settings." }),
      reasons: t.exposeStringList("reasons", { description: "What the score is made of, largest part first." }),
      refundCount: t.exposeInt("refundCount", { description: "Refund requests in the window, cancelled ones left out." }),
      orderCount: t.exposeInt("orderCount", { description: "Orders paid in the window." }),
      windowDays: t.exposeInt("windowDays", { description: "The days of history counted (the shop's crm-risk setting)." }),
      crmLevel: t.field({
        type: RiskLevelEnum,
        nullable: true,
        description: "The level last pushed to the shop's CRM; null when none was pushed.",
        resolve: (risk) => risk.crmLevel,
      }),
      crmPushedAt: t.field({ type: "DateTime", nullable: true, resolve: (risk) => risk.crmPushedAt, description: "When `crmLevel` was pushed (ISO 8601, UTC); null when none was pushed." }),
    }),
  });

  builder.prismaObjectField("Customer", "refundRisk", (t) =>
    t.field({
      type: RefundRiskRef,
      description: "Refund risk over the last days (plugin crm-risk). Not shown to customers.",
      select: { id: true, shopId: true },
      resolve: (customer, _args, ctx) => {
        if (ctx.viewer?.role === "CUSTOMER") {
          throw new GraphQLError("A customer's refund risk is for shop staff", { extensions: { code: "FORBIDDEN" } });
        }
        return risks(ctx).load({ id: customer.id, shopId: customer.shopId });
      },
    }),
  );
}
