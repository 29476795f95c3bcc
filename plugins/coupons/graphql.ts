// Coupon, Customer.coupons and Refund.coupons. The coupon tables have no Prisma relation to
// customers and refunds (they belong to the plugin), so a per-request DataLoader reads each
// list for a whole page in one statement.
import DataLoader from "dataloader";
import type { RefundPlugin } from "../../src/plugin/index.js";
import type { Coupon } from "../../src/generated/prisma/client.js";
import { MoneyRef, money } from "../../src/graphql/money.js";
import { COUPON_KINDS, type CouponKind } from "./rules.js";

type SchemaBuilder = Parameters<NonNullable<RefundPlugin["schema"]>>[0];
type Context = SchemaBuilder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types["Context"] : never;
type Owner = "customerId" | "refundId";

const loaders = new WeakMap<object, Record<Owner, DataLoader<string, Coupon[]>>>();

function couponsBy(ctx: Context, owner: Owner): DataLoader<string, Coupon[]> {
  let perRequest = loaders.get(ctx);
  if (!perRequest) {
    const load = (field: Owner) =>
      new DataLoader<string, Coupon[]>(async (ids) => {
        const rows = await ctx.db.prisma.coupon.findMany({
          where: { [field]: { in: [...ids] } },
          orderBy: [{ createdAt: "desc" }, { code: "asc" }],
        });
        return ids.map((id) => rows.filter((row) => row[field] === id));
      });
    perRequest = { customerId: load("customerId"), refundId: load("refundId") };
    loaders.set(ctx, perRequest);
  }
  return perRequest[owner];
}

export function addCouponSchema(builder: SchemaBuilder): void {
  const CouponKindEnum = builder.enumType("CouponKind", {
    values: COUPON_KINDS,
    description: "REFUND_COMPLETED: after a refund; REORDER: the exclusive offer when a wrong-size item is sent back.",
  });

  const CouponRef = builder.prismaObject("Coupon", {
    description: "A coupon the coupons plugin issued to a customer (one per refund and kind).",
    fields: (t) => ({
      code: t.exposeString("code", { description: "Random and unique, e.g. RF-7KQ2MX9P4T." }),
      kind: t.field({ type: CouponKindEnum, resolve: (coupon) => coupon.kind as CouponKind }),
      value: t.field({ type: MoneyRef, description: "What it takes off.", resolve: (coupon) => money(coupon.value, coupon.currency) }),
      minimumSpend: t.field({
        type: MoneyRef,
        description: "The order total from which it applies; 0 for any order.",
        resolve: (coupon) => money(coupon.minimumSpend, coupon.currency),
      }),
      expiresAt: t.expose("expiresAt", { type: "DateTime" }),
      createdAt: t.expose("createdAt", { type: "DateTime" }),
    }),
  });

  builder.prismaObjectField("Customer", "coupons", (t) =>
    t.field({
      type: [CouponRef],
      description: "Coupons issued to this customer, newest first (plugin coupons).",
      select: { id: true },
      resolve: (customer, _args, ctx) => couponsBy(ctx, "customerId").load(customer.id),
    }),
  );

  builder.prismaObjectField("Refund", "coupons", (t) =>
    t.field({
      type: [CouponRef],
      description: "Coupons this refund earned, newest first (plugin coupons).",
      select: { id: true },
      resolve: (refund, _args, ctx) => couponsBy(ctx, "refundId").load(refund.id),
    }),
  );
}
