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
    sku: t.exposeString("sku", { description: "The variant's SKU: pass it as `RefundItemInput.exchangeSku`." }),
    unitPrice: t.field({ type: MoneyRef, resolve: (variant) => money(variant.unitPrice, variant.currency), description: "The variant's unit price in minor units of the order's currency; a cheaper one's difference is refunded." }),
  }),
});

export const OrderItemRef = builder.prismaNode("OrderItem", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, order: orderScope(queryViewer(ctx)) }),
  description: "A line of an order. Pass its `id` as `orderItemId` to refund some of its units.",
  fields: (t) => ({
    sku: t.exposeString("sku", { description: "The product's SKU as the shop's order system sent it." }),
    name: t.exposeString("name", { description: "The product's name as the shop's order system sent it." }),
    quantity: t.exposeInt("quantity", { description: "Units bought." }),
    category: t.exposeString("category", { nullable: true, description: "The shop's product category, when the order sync sent one." }),
    unitPrice: t.field({ type: MoneyRef, select: { order: { select: { currency: true } } }, resolve: (item) => money(item.unitPrice, item.order.currency), description: "The price of one unit, in minor units of the order's currency." }),
    order: t.relation("order", { description: "The order the line belongs to." }),
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
    provider: t.field({ type: PaymentProviderEnum, resolve: (payment) => payment.provider as PaymentProviderCode, description: "The provider the payment was made at, and refunds go back through." }),
    reference: t.exposeString("reference", { description: "The provider's id of the payment." }),
    totalAmount: t.field({ type: MoneyRef, resolve: (payment) => money(payment.totalAmount, payment.currency), description: "The payment's whole amount in minor units: the refunds of it, added up, never exceed it." }),
    refundedAmount: t.field({
      type: MoneyRef,
      description: "What refunds of it took or hold: paid back, and on its way (attempts not failed).",
      resolve: (payment) => money(payment.reservedAmount, payment.currency),
    }),
  }),
});

export const OrderRef = builder.prismaNode("Order", {
  description: "A customer's paid order, as the shop's order system syncs it (`upsertOrder`); refunds are requested on it. Shop staff see the shop's orders; a CUSTOMER token sees its own. Amounts are in minor units of the shop's currency.",
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, ...orderScope(queryViewer(ctx)) }),
  fields: (t) => ({
    externalId: t.exposeString("externalId", { description: "The shop's own order reference (unique in the shop)." }),
    paidAmount: t.field({ type: MoneyRef, resolve: (order) => money(order.paidAmount, order.currency), description: "What the customer paid for the order, in minor units." }),
    refundableAmount: t.field({
      type: MoneyRef,
      description: "What can still be requested: paid, less open and refunded refunds.",
      select: { refunds: { select: { status: true, requestedAmount: true, refundedAmount: true } } },
      resolve: (order) => money(refundableAmount(order.paidAmount, order.refunds), order.currency),
    }),
    paidAt: t.expose("paidAt", { type: "DateTime", description: "When the order was paid (ISO 8601, UTC)." }),
    shippingStatus: t.expose("shippingStatus", { type: OrderShippingStatusEnum, description: "How far the parcel got: decides whether a new refund is paid at once (NOT_SHIPPED) or reviewed." }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When the order reached the customer; null while it has not." }),
    carrier: t.exposeString("carrier", { nullable: true, description: "The carrier of the order's parcel; null until the order system sends one." }),
    trackingNumber: t.exposeString("trackingNumber", { nullable: true, description: "The tracking number of the order's parcel; null until the order system sends one." }),
    items: t.relation("items", { description: "The order's lines (products and quantities)." }),
    customer: t.relation("customer", { description: "Who placed the order." }),
    refunds: t.relation("refunds", { query: { orderBy: { createdAt: "asc" } }, description: "The order's refunds, oldest first (every status).", deprecationReason: replacedByConnection("refundsConnection", "Unbounded", "2026-12-07") }),
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
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the platform first received the order (ISO 8601, UTC)." }),
  }),
});

const OrderItemVariantInput = builder.inputType("OrderItemVariantInput", {
  description: "Another SKU an order item may be exchanged for.",
  fields: (t) => ({
    sku: t.string({ required: true, description: "The variant's SKU (not the item's own)." }),
    unitPrice: t.int({ required: true, description: "Minor units: at most the item's for an exchange to be possible without a payment." }),
  }),
});

const OrderItemInput = builder.inputType("OrderItemInput", {
  description: "One line of an order, as the shop's order system sends it.",
  fields: (t) => ({
    sku: t.string({ required: true, description: "The product's SKU." }),
    name: t.string({ required: true, description: "The product's name, shown to staff and the customer." }),
    quantity: t.int({ required: true, description: "Units bought: a positive whole number." }),
    unitPrice: t.int({ required: true, description: "Minor units." }),
    variants: t.field({ type: [OrderItemVariantInput], description: "Other SKUs the customer may exchange this item for; kept as given, fixed once refunds name the item." }),
    category: t.string({ description: "The shop's product category: return policies may be set per category (`setReturnPolicy`)." }),
  }),
});

const PaymentInput = builder.inputType("PaymentInput", {
  description: "What an order was paid with, at which provider.",
  fields: (t) => ({
    provider: t.field({ type: PaymentProviderEnum, required: true, description: "The provider the customer paid at; its plugin must be loaded (else UNKNOWN_PAYMENT_PROVIDER)." }),
    reference: t.string({ description: "The provider's id of the payment (WeChat Pay transaction_id, Alipay trade_no, Stripe payment intent); SANDBOX may leave it out." }),
    totalAmount: t.int({ required: true, description: "Minor units: the payment's whole amount, which refunds of it (partial ones added up) may not exceed." }),
  }),
});

const UpsertOrderInput = builder.inputType("UpsertOrderInput", {
  description: "An order as the shop's order system has it: created the first time its `externalId` is sent, updated after.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins; others act on their own shop." }),
    externalId: t.string({ required: true, description: "The shop's own order reference: sending it again updates that order." }),
    customerExternalId: t.string({ required: true, description: "The shop's reference of the customer (`upsertCustomer` first); an order never changes customer." }),
    items: t.field({ type: [OrderItemInput], required: true, description: "The order's lines; fixed once refunds name them (ORDER_ITEMS_LOCKED)." }),
    paidAmount: t.int({ required: true, description: "Minor units." }),
    paidAt: t.field({ type: "DateTime", required: true, description: "When the customer paid (ISO 8601)." }),
    shippingStatus: t.field({ type: OrderShippingStatusEnum, required: true, description: "How far the parcel got." }),
    deliveredAt: t.field({ type: "DateTime", description: "DELIVERED only: when it arrived; default: when first sent as DELIVERED." }),
    carrier: t.string({ description: "The carrier of the order's parcel, once shipped." }),
    trackingNumber: t.string({ description: "The tracking number of the order's parcel, once shipped." }),
    payment: t.field({ type: PaymentInput, description: "What the order was paid with: refunds go back through this provider. Left out: the payment recorded earlier stays (none: the sandbox)." }),
  }),
});

builder.mutationField("upsertOrder", (t) =>
  t.field({
    description: "Creates or updates an order from the shop's order system (INTEGRATION, SHOP_ADMIN, PLATFORM_ADMIN with `shopId`). The customer must exist (`upsertCustomer`).",
    type: builder.simpleObject("UpsertOrderPayload", {
      fields: (p) => ({ order: p.field({ type: OrderRef, nullable: true, description: "The order as stored now; null when `userErrors` is not empty." }), userErrors: p.field({ type: [UserErrorRef] }) }),
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
    description: "One order by its global id: null when the token may not see it (another shop's or another customer's) or it does not exist.",
    type: "Order",
    nullable: true,
    args: { id: t.arg.id({ required: true, description: "The order's global id (`Order.id`)." }) },
    resolve: async (query, _root, { id }, ctx) => {
      const viewer = queryViewer(ctx);
      const orderId = decodeGlobalIdOf(id, "Order");
      if (!orderId) return null;
      return ctx.db.prisma.order.findFirst({ ...query, where: { id: orderId, ...orderScope(viewer) } });
    },
  }),
);

const OrderFilterInput = builder.inputType("OrderFilter", {
  description: "Narrows `orders`: every field given must match.",
  fields: (t) => ({
    paidAfter: t.field({ type: "DateTime", description: "Paid at or after this instant." }),
    paidBefore: t.field({ type: "DateTime", description: "Paid before this instant." }),
    shippingStatuses: t.field({ type: [OrderShippingStatusEnum], description: "Orders in any of these shipping statuses." }),
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
    args: { filter: t.arg({ type: OrderFilterInput, description: "Which orders; left out: all the shop's." }) },
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
