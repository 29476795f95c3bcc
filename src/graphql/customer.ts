import { upsertCustomer } from "../services/shop-setup.js";
import { customerScope } from "../services/viewer.js";
import { queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { UserErrorRef, parseShopIdInput, withUserErrors } from "./user-errors.js";

export const CustomerRef = builder.prismaNode("Customer", {
  id: { field: "id" },
  nullable: true,
  // Inside AND: a customer's scope names its own id, which spread here would replace `id`.
  findUnique: (id, ctx) => ({ id, AND: [customerScope(queryViewer(ctx))] }),
  fields: (t) => ({
    externalId: t.exposeString("externalId"),
    name: t.exposeString("name"),
    tier: t.exposeString("tier"),
    refundBeforeReceipt: t.exposeBoolean("refundBeforeReceipt", {
      description: "Refunded as soon as the return ships, before the parcel arrives.",
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    refunds: t.relatedConnection("refunds", { cursor: "id", query: { orderBy: { createdAt: "desc" } } }),
  }),
});

const UpsertCustomerInput = builder.inputType("UpsertCustomerInput", {
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    externalId: t.string({ required: true, description: "The shop's own customer reference." }),
    name: t.string({ required: true }),
    tier: t.string({ description: "Free-form tier, e.g. STANDARD or VIP." }),
    refundBeforeReceipt: t.boolean(),
  }),
});

builder.mutationField("upsertCustomer", (t) =>
  t.field({
    type: builder.simpleObject("UpsertCustomerPayload", {
      fields: (p) => ({ customer: p.field({ type: CustomerRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
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
