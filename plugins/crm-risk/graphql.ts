// Customer.refundRisk: scored per request with a DataLoader, so a page of customers costs a
// few statements per shop (settings, orders, refunds, reason tags, CRM flags), not per row.
import DataLoader from "dataloader";
import { GraphQLError } from "graphql";
import type { RefundPlugin } from "../../src/plugin/index.js";
import { loadRiskHistories } from "./history.js";
import { RISK_LEVELS, type RiskLevel, type RiskScore, scoreRefundRisk } from "./score.js";
import { type CrmRiskSettings, crmRiskSettings } from "./settings.js";

type SchemaBuilder = Parameters<NonNullable<RefundPlugin["schema"]>>[0];
/** The GraphQL context of the builder the host hands to `schema()`. */
type Context = SchemaBuilder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types["Context"] : never;

export interface RefundRiskView extends RiskScore {
  refundCount: number;
  orderCount: number;
  windowDays: number;
  crmLevel: RiskLevel | null;
  crmPushedAt: Date | null;
}

interface CustomerKey {
  id: string;
  shopId: string;
}

const loaders = new WeakMap<object, DataLoader<CustomerKey, RefundRiskView, string>>();

function riskLoader(ctx: Context, pluginName: string): DataLoader<CustomerKey, RefundRiskView, string> {
  let loader = loaders.get(ctx);
  if (!loader) {
    loader = new DataLoader<CustomerKey, RefundRiskView, string>((keys) => loadRisks(ctx, pluginName, keys), { cacheKeyFn: (key) => key.id });
    loaders.set(ctx, loader);
  }
  return loader;
}

async function loadRisks(ctx: Context, pluginName: string, keys: readonly CustomerKey[]): Promise<RefundRiskView[]> {
  const prisma = ctx.db.prisma;
  const plugin = ctx.plugins.plugins.get(pluginName);
  const byShop = new Map<string, string[]>();
  for (const key of keys) byShop.set(key.shopId, [...(byShop.get(key.shopId) ?? []), key.id]);
  const views = new Map<string, RefundRiskView>();
  for (const [shopId, customerIds] of byShop) {
    const settings = (plugin ? await ctx.plugins.settingsFor(shopId, plugin) : crmRiskSettings.parse({})) as CrmRiskSettings;
    const histories = await loadRiskHistories(prisma, shopId, customerIds, settings.windowDays);
    const flags = await prisma.customerRiskFlag.findMany({ where: { customerId: { in: customerIds } } });
    const flagOf = new Map(flags.map((flag) => [flag.customerId, flag]));
    for (const customerId of customerIds) {
      const history = histories.get(customerId)!;
      const flag = flagOf.get(customerId);
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
}

export function addRiskSchema(builder: SchemaBuilder, pluginName: string): void {
  const RiskLevelEnum = builder.enumType("RefundRiskLevel", { values: RISK_LEVELS });

  const RefundRiskRef = builder.objectRef<RefundRiskView>("RefundRisk").implement({
    description: "A customer's refund risk from its recent history (plugin crm-risk); shop staff only.",
    fields: (t) => ({
      level: t.field({ type: RiskLevelEnum, resolve: (risk) => risk.level }),
      score: t.exposeInt("score", { description: "0–100; the levels' thresholds are the shop's crm-risk settings." }),
      reasons: t.exposeStringList("reasons", { description: "What the score is made of, largest part first." }),
      refundCount: t.exposeInt("refundCount", { description: "Refund requests in the window, cancelled ones left out." }),
      orderCount: t.exposeInt("orderCount", { description: "Orders paid in the window." }),
      windowDays: t.exposeInt("windowDays"),
      crmLevel: t.field({
        type: RiskLevelEnum,
        nullable: true,
        description: "The level last pushed to the shop's CRM; null when none was pushed.",
        resolve: (risk) => risk.crmLevel,
      }),
      crmPushedAt: t.field({ type: "DateTime", nullable: true, resolve: (risk) => risk.crmPushedAt }),
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
        return riskLoader(ctx, pluginName).load({ id: customer.id, shopId: customer.shopId });
      },
    }),
  );
}
