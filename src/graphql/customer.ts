import { careOf } from "../domain/care.js";
import { customersWhere } from "../services/care-list.js";
import { upsertCustomer } from "../services/shop-setup.js";
import { customerScope } from "../services/viewer.js";
import { queryService, queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { UserErrorRef, decodeGlobalIdOf, parseShopIdInput, withUserErrors } from "./user-errors.js";

const CareRef = builder.simpleObject("Care", {
  description: "Why and until when a customer is on the shop's care list.",
  fields: (t) => ({
    until: t.field({ type: "DateTime", description: "The customer leaves the list then, by the clock (nothing is written)." }),
    reason: t.string({ description: "Why, for staff: the refund that ended and how (e.g. rejected on a day)." }),
  }),
});

export const CustomerRef = builder.prismaNode("Customer", {
  description: "A shop's customer, as the shop's order system syncs it (`upsertCustomer`). Shop staff see the shop's customers; a CUSTOMER token sees only itself.",
  id: { field: "id" },
  nullable: true,
  // Inside AND: a customer's scope names its own id, which spread here would replace `id`.
  findUnique: (id, ctx) => ({ id, AND: [customerScope(queryViewer(ctx))] }),
  fields: (t) => ({
    externalId: t.exposeString("externalId", { description: "The shop's own customer reference (unique in the shop)." }),
    name: t.exposeString("name", { description: "The customer's name, as the shop sent it." }),
    tier: t.exposeString("tier", { description: "The shop's tier for the customer, free-form (e.g. STANDARD, VIP); automation rules can match on it." }),
    refundBeforeReceipt: t.exposeBoolean("refundBeforeReceipt", {
      description: "Refunded as soon as the return ships, before the parcel arrives.",
    }),
    wechatOpenId: t.exposeString("wechatOpenId", {
      nullable: true,
      description: "Where WeChat subscription messages go (the shop's mini-program openid); null when the shop has not set it.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the platform first received the customer (ISO 8601, UTC)." }),
    refunds: t.relatedConnection("refunds", { cursor: "id", query: { orderBy: { createdAt: "desc" } }, description: "The customer's refunds in pages, newest first (every status)." }),
    care: t.field({
      type: CareRef,
      nullable: true,
      description: "Set while the customer is on the care list: a refund of theirs ended less than the shop's `careDays` ago.",
      // Read with the customer (the latest ended refund and the shop's setting), not one query per customer.
      select: {
        shop: { select: { careDays: true } },
        refunds: { where: { resolvedAt: { not: null } }, orderBy: [{ resolvedAt: "desc" }], take: 1, select: { status: true, resolvedAt: true } },
      },
      resolve: (customer, _args, ctx) => {
        const latest = customer.refunds[0];
        return latest?.resolvedAt ? careOf({ status: latest.status, resolvedAt: latest.resolvedAt }, customer.shop.careDays, ctx.services.clock()) : null;
      },
    }),
  }),
});

const CustomerFilter = builder.inputType("CustomerFilter", {
  description: "Narrows `customers`.",
  fields: (t) => ({
    inCare: t.boolean({ description: "true: on the care list now; false: not on it." }),
  }),
});

builder.queryFields((t) => ({
  customers: t.prismaConnection({
    type: "Customer",
    cursor: "id",
    maxSize: 100,
    defaultSize: 20,
    description: "The shop's customers, newest first (staff only).",
    args: {
      shopId: t.arg.id({ description: "For platform admins: whose customers." }),
      filter: t.arg({ type: CustomerFilter, description: "Which customers; left out: all of the shop's." }),
    },
    resolve: (query, _root, { shopId, filter }, ctx) =>
      queryService(async () => {
        const where = await customersWhere(
          ctx.db,
          queryViewer(ctx),
          { shopId: shopId ? decodeGlobalIdOf(shopId, "Shop") : null, inCare: filter?.inCare },
          ctx.services.clock(),
        );
        if (!where) return [];
        return ctx.db.prisma.customer.findMany({ ...query, where, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
      }),
  }),
}));

const UpsertCustomerInput = builder.inputType("UpsertCustomerInput", {
  description: "A customer as the shop's order system has it: created the first time its `externalId` is sent, updated after.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    externalId: t.string({ required: true, description: "The shop's own customer reference." }),
    name: t.string({ required: true, description: "The customer's name." }),
    tier: t.string({ description: "Free-form tier, e.g. STANDARD or VIP." }),
    refundBeforeReceipt: t.boolean({ description: "A high-value customer: refunded as soon as the return ships, before it arrives. Left out: unchanged (false for a new customer)." }),
    wechatOpenId: t.string({ description: "The customer's openid in the shop's WeChat mini-program (subscription messages); \"\" removes it, null keeps it." }),
  }),
});

builder.mutationField("upsertCustomer", (t) =>
  t.field({
    description: "Creates or updates a customer from the shop's systems (INTEGRATION, SHOP_ADMIN, PLATFORM_ADMIN with `shopId`).",
    type: builder.simpleObject("UpsertCustomerPayload", {
      fields: (p) => ({ customer: p.field({ type: CustomerRef, nullable: true, description: "The customer as stored now; null when `userErrors` is not empty." }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: UpsertCustomerInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        customer: await upsertCustomer(ctx.db, viewer, {
          ...input,
          shopId: parseShopIdInput(input.shopId),
        }),
      })),
  }),
);
