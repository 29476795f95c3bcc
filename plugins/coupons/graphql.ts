// Coupon, Customer.coupons and Refund.coupons. The coupon tables have no Prisma relation to
// customers and refunds (they belong to the plugin), so a per-request loader reads each list
// for a whole page in one statement.
import type { Coupon } from "../../src/generated/prisma/client.js";
import { replacedByConnection } from "../../src/graphql/deprecation.js";
import { MoneyRef, money } from "../../src/graphql/money.js";
import type { PluginDb, SchemaBuilder, SchemaKit } from "../../src/plugin/index.js";
import { COUPON_KINDS, type CouponKind } from "./rules.js";

export function addCouponSchema(builder: SchemaBuilder, kit: SchemaKit<unknown, PluginDb<"coupon">>): void {
  const couponsBy = (owner: "customerId" | "refundId") =>
    kit.loader<string, Coupon[]>(owner, async (ids, db) => {
      const rows = await db.coupon.findMany({ where: { [owner]: { in: [...ids] } }, orderBy: [{ createdAt: "desc" }, { code: "asc" }] });
      return ids.map((id) => rows.filter((row) => row[owner] === id));
    });
  const [ofCustomer, ofRefund] = [couponsBy("customerId"), couponsBy("refundId")];

  const CouponKindEnum = builder.enumType("CouponKind", {
    values: {
      REFUND_COMPLETED: { description: "Issued after a refund ended REFUNDED: a goodwill coupon." },
      REORDER: { description: "The exclusive offer when a wrong-size item is sent back: to order the right size." },
    } satisfies Record<(typeof COUPON_KINDS)[number], { description: string }>,
    description: "REFUND_COMPLETED: after a refund; REORDER: the exclusive offer when a wrong-size item is sent back.",
  });

  const CouponRef = builder.prismaObject("Coupon", {
    description: "A coupon the coupons plugin issued to a customer (one per refund and kind).",
    fields: (t) => ({
      code: t.exposeString("code", { description: "Random and unique, e.g. RF-7KQ2MX9P4T." }),
      kind: t.field({ type: CouponKindEnum, resolve: (coupon) => coupon.kind as CouponKind, description: "Why the coupon was issued." }),
      value: t.field({ type: MoneyRef, description: "What it takes off.", resolve: (coupon) => money(coupon.value, coupon.currency) }),
      minimumSpend: t.field({
        type: MoneyRef,
        description: "The order total from which it applies; 0 for any order.",
        resolve: (coupon) => money(coupon.minimumSpend, coupon.currency),
      }),
      expiresAt: t.expose("expiresAt", { type: "DateTime", description: "When the coupon can no longer be used (ISO 8601, UTC)." }),
      createdAt: t.expose("createdAt", { type: "DateTime", description: "When the coupon was issued (ISO 8601, UTC)." }),
    }),
  });

  builder.prismaObjectField("Customer", "coupons", (t) =>
    t.field({
      type: [CouponRef],
      description: "Coupons issued to this customer, newest first (plugin coupons).",
      deprecationReason: replacedByConnection("couponsConnection", "Unbounded: a coupon per completed refund", "2026-12-07"),
      select: { id: true },
      resolve: (customer, _args, ctx) => ofCustomer(ctx).load(customer.id),
    }),
  );

  builder.prismaObjectField("Customer", "couponsConnection", (t) =>
    t.prismaConnection(
      {
        type: CouponRef,
        cursor: "id",
        description: "Coupons issued to this customer, newest first, in pages (plugin coupons): one per completed refund, so a loyal customer has many.",
        resolve: (query, customer, _args, ctx) =>
          kit.db(ctx).coupon.findMany({ ...query, where: { customerId: customer.id }, orderBy: [{ createdAt: "desc" }, { code: "asc" }] }),
      },
      { description: "A page of a customer's coupons." },
      { description: "One coupon, with its cursor." },
    ),
  );

  builder.prismaObjectField("Refund", "coupons", (t) =>
    t.field({
      type: [CouponRef],
      description: "Coupons this refund earned, newest first (plugin coupons).",
      select: { id: true },
      resolve: (refund, _args, ctx) => ofRefund(ctx).load(refund.id),
    }),
  );
}
