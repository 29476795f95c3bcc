import type { OrderItemVariant } from "../domain/exchanges.js";
import { refundedQuantity } from "../domain/line-items.js";
import { refundableAmount } from "../domain/money.js";
import { upsertOrder } from "../services/shop-setup.js";
import { GraphQLError } from "graphql";
import { STAFF_ROLES, orderScope } from "../services/viewer.js";
import { assertStorableText, queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { OrderShippingStatusEnum, type PaymentProviderCode, PaymentProviderEnum } from "./enums.js";
import { SANDBOX_PROVIDER } from "../payments/provider.js";
import { MoneyRef, money } from "./money.js";
import { UserErrorRef, decodeGlobalIdOf, parseShopIdInput, withUserErrors } from "./user-errors.js";
import { replacedByConnection } from "./deprecation.js";

const OrderItemVariantRef = builder.objectRef<OrderItemVariant & { currency: string }>("OrderItemVariant").implement({
  description: "Another SKU of an order item (a size, a colour) it may be exchanged for.",
  fields: (t) => ({
    sku: t.exposeString("sku"),
    unitPrice: t.field({ type: MoneyRef, resolve: (variant) => money(variant.unitPrice, variant.currency) }),
  }),
});

export const OrderItemRef = builder.prismaNode("OrderItem", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, order: orderScope(queryViewer(ctx)) }),
  description: "A line of an order. Pass its `id` as `orderItemId` to refund some of its units.",
  fields: (t) => ({
    sku: t.exposeString("sku"),
    name: t.exposeString("name"),
    quantity: t.exposeInt("quantity"),
    category: t.exposeString("category", { nullable: true, description: "The shop's product category, when the order sync sent one." }),
    unitPrice: t.field({ type: MoneyRef, select: { order: { select: { currency: true } } }, resolve: (item) => money(item.unitPrice, item.order.currency) }),
    order: t.relation("order"),
    variants: t.field({
      type: [OrderItemVariantRef],
      description: "Other SKUs this item may be exchanged for (requestRefund type EXCHANGE, `exchangeSku`), with their prices.",
      select: { variants: true, order: { select: { currency: true } } },
      resolve: (item) => (item.variants as unknown as OrderItemVariant[]).map((variant) => ({ ...variant, currency: item.order.currency })),
    }),
    refundedQuantity: t.int({
      description: "Units held by refunds: open ones hold what they name, REFUNDED ones what passed inspection (all, when not inspected per item), REJECTED, CANCELLED and EXCHANGED ones none.",
      select: { refundItems: { select: { quantity: true, passedQuantity: true, refund: { select: { status: true } } } } },
      resolve: (item) => refundedQuantity(item.refundItems.map((line) => ({ status: line.refund.status, quantity: line.quantity, passedQuantity: line.passedQuantity }))),
    }),
  }),
});

const OrderPaymentRef = builder.objectRef<{ provider: string; reference: string; totalAmount: number; reservedAmount: number; currency: string }>("OrderPayment").implement({
  description: "A payment at a provider; several orders may share one (their refunds are counted against its total together).",
  fields: (t) => ({
    provider: t.field({ type: PaymentProviderEnum, resolve: (payment) => payment.provider as PaymentProviderCode }),
    reference: t.exposeString("reference", { description: "The provider's id of the payment." }),
    totalAmount: t.field({ type: MoneyRef, resolve: (payment) => money(payment.totalAmount, payment.currency) }),
    refundedAmount: t.field({
      type: MoneyRef,
      description: "What refunds of it took or hold: paid back, and on its way (attempts not failed).",
      resolve: (payment) => money(payment.reservedAmount, payment.currency),
    }),
  }),
});

export const OrderRef = builder.prismaNode("Order", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, ...orderScope(queryViewer(ctx)) }),
  fields: (t) => ({
    externalId: t.exposeString("externalId"),
    paidAmount: t.field({ type: MoneyRef, resolve: (order) => money(order.paidAmount, order.currency) }),
    refundableAmount: t.field({
      type: MoneyRef,
      description: "What can still be requested: paid, less open and refunded refunds.",
      select: { refunds: { select: { status: true, requestedAmount: true, refundedAmount: true } } },
      resolve: (order) => money(refundableAmount(order.paidAmount, order.refunds), order.currency),
    }),
    paidAt: t.expose("paidAt", { type: "DateTime" }),
    shippingStatus: t.expose("shippingStatus", { type: OrderShippingStatusEnum }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When the order reached the customer; null while it has not." }),
    carrier: t.exposeString("carrier", { nullable: true }),
    trackingNumber: t.exposeString("trackingNumber", { nullable: true }),
    items: t.relation("items"),
    customer: t.relation("customer"),
    refunds: t.relation("refunds", { query: { orderBy: { createdAt: "asc" } }, deprecationReason: replacedByConnection("refundsConnection", "Unbounded", "2026-12-07") }),
    refundsConnection: t.relatedConnection("refunds", {
      cursor: "id",
      query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] },
      description: "`refunds` in pages, oldest first: cancelled and rejected refunds free their amount, so an order's refunds have no upper bound.",
    }),
    payment: t.field({
      type: OrderPaymentRef,
      nullable: true,
      description: "What the order was paid with (null: no payment recorded; refunds go through the sandbox).",
      select: { currency: true, payment: true },
      resolve: (order) => (order.payment ? { ...order.payment, currency: order.currency } : null),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const OrderItemVariantInput = builder.inputType("OrderItemVariantInput", {
  fields: (t) => ({
    sku: t.string({ required: true }),
    unitPrice: t.int({ required: true, description: "Minor units: at most the item's for an exchange to be possible without a payment." }),
  }),
});

const OrderItemInput = builder.inputType("OrderItemInput", {
  fields: (t) => ({
    sku: t.string({ required: true }),
    name: t.string({ required: true }),
    quantity: t.int({ required: true }),
    unitPrice: t.int({ required: true, description: "Minor units." }),
    variants: t.field({ type: [OrderItemVariantInput], description: "Other SKUs the customer may exchange this item for; kept as given, fixed once refunds name the item." }),
    category: t.string({ description: "The shop's product category: return policies may be set per category (`setReturnPolicy`)." }),
  }),
});

const PaymentInput = builder.inputType("PaymentInput", {
  fields: (t) => ({
    provider: t.field({ type: PaymentProviderEnum, required: true }),
    reference: t.string({ description: "The provider's id of the payment (WeChat Pay transaction_id, Alipay trade_no, Stripe payment intent); SANDBOX may leave it out." }),
    totalAmount: t.int({ required: true, description: "Minor units: the payment's whole amount, which refunds of it (partial ones added up) may not exceed." }),
  }),
});

const UpsertOrderInput = builder.inputType("UpsertOrderInput", {
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    externalId: t.string({ required: true }),
    customerExternalId: t.string({ required: true }),
    items: t.field({ type: [OrderItemInput], required: true }),
    paidAmount: t.int({ required: true, description: "Minor units." }),
    paidAt: t.field({ type: "DateTime", required: true }),
    shippingStatus: t.field({ type: OrderShippingStatusEnum, required: true }),
    deliveredAt: t.field({ type: "DateTime", description: "DELIVERED only: when it arrived; default: when first sent as DELIVERED." }),
    carrier: t.string(),
    trackingNumber: t.string(),
    payment: t.field({ type: PaymentInput, description: "What the order was paid with: refunds go back through this provider. Left out: the payment recorded earlier stays (none: the sandbox)." }),
  }),
});

builder.mutationField("upsertOrder", (t) =>
  t.field({
    type: builder.simpleObject("UpsertOrderPayload", {
      fields: (p) => ({ order: p.field({ type: OrderRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: UpsertOrderInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        order: await upsertOrder(ctx.db, viewer, {
          ...input,
          shopId: parseShopIdInput(input.shopId),
        }, new Set(ctx.services.paymentAccounts?.providers.keys() ?? [SANDBOX_PROVIDER])),
      })),
  }),
);

builder.queryField("order", (t) =>
  t.prismaField({
    type: "Order",
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => {
      const viewer = queryViewer(ctx);
      const orderId = decodeGlobalIdOf(id, "Order");
      if (!orderId) return null;
      return ctx.db.prisma.order.findFirst({ ...query, where: { id: orderId, ...orderScope(viewer) } });
    },
  }),
);

const OrderFilterInput = builder.inputType("OrderFilter", {
  fields: (t) => ({
    paidAfter: t.field({ type: "DateTime", description: "Paid at or after this instant." }),
    paidBefore: t.field({ type: "DateTime", description: "Paid before this instant." }),
    shippingStatuses: t.field({ type: [OrderShippingStatusEnum] }),
    hasRefunds: t.boolean({ description: "true: orders with at least one refund (any status); false: orders with none." }),
    customerId: t.id({ description: "The orders of this Customer." }),
    search: t.string({ description: "Part of the order's externalId (case-insensitive)." }),
    shopId: t.id({ description: "Required for platform admins: whose orders." }),
  }),
});

builder.queryField("orders", (t) =>
  t.prismaConnection({
    type: "Order",
    cursor: "id",
    maxSize: 100,
    defaultSize: 20,
    description: "The shop's orders for staff, most recently paid first.",
    args: { filter: t.arg({ type: OrderFilterInput }) },
    resolve: (query, _root, { filter }, ctx) => {
      const viewer = queryViewer(ctx);
      assertStorableText(filter, ["filter"]);
      if (!STAFF_ROLES.has(viewer.role)) throw new GraphQLError("orders is for shop staff", { extensions: { code: "FORBIDDEN" } });
      const shopId = viewer.role === "PLATFORM_ADMIN" ? (filter?.shopId ? decodeGlobalIdOf(filter.shopId, "Shop") : null) : viewer.shopId;
      if (!shopId) throw new GraphQLError("A platform admin must name the shop: filter.shopId", { extensions: { code: "INVALID_INPUT", field: ["filter", "shopId"] } });
      return ctx.db.prisma.order.findMany({
        ...query,
        where: {
          shopId,
          ...((filter?.paidAfter || filter?.paidBefore) && {
            paidAt: { ...(filter.paidAfter && { gte: filter.paidAfter }), ...(filter.paidBefore && { lt: filter.paidBefore }) },
          }),
          ...(filter?.shippingStatuses?.length && { shippingStatus: { in: filter.shippingStatuses } }),
          ...(filter?.hasRefunds != null && { refunds: filter.hasRefunds ? { some: {} } : { none: {} } }),
          // An id of another type matches no customer, so no order.
          ...(filter?.customerId && { customerId: decodeGlobalIdOf(filter.customerId, "Customer") ?? "" }),
          ...(filter?.search && { externalId: { contains: filter.search, mode: "insensitive" as const } }),
        },
        orderBy: [{ paidAt: "desc" }, { id: "desc" }],
      });
    },
  }),
);
