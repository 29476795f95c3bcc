import type { Database } from "../db/database.js";
import type { Tx } from "../db/tx.js";
import { UserErrorsException, fail } from "../domain/errors.js";
import { type OrderItemVariant, variantProblems } from "../domain/exchanges.js";
import { isPositiveAmount, isValidCurrency } from "../domain/money.js";
import { defaultRuleRows } from "../domain/automation-rules.js";
import { DEFAULT_REASON_TAGS } from "../domain/reason-tags.js";
import type { ShippingStatus } from "../domain/types.js";
import { SANDBOX_PROVIDER } from "../payments/provider.js";
import { recordOrderPaid } from "./refund-metrics-facts.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** Shops, customers and orders: what a shop and its order sync set up before refunds. */

/**
 * The industry refund rate a new shop's metrics compare with (0.05 = 5%) until its admin sets
 * its own category's figure (updateShopSettings): a starting point for general merchandise, not
 * a measured statistic; apparel runs far higher, food and digital goods lower.
 */
export const DEFAULT_INDUSTRY_REFUND_RATE = 0.05;

export async function createShop(db: Database, viewer: Viewer | null, input: { name: string; currency: string }) {
  requireRole(viewer, ["PLATFORM_ADMIN"]);
  const name = input.name.trim();
  if (!name) fail("INVALID_INPUT", "A shop needs a name", ["input", "name"]);
  if (!isValidCurrency(input.currency)) fail("INVALID_CURRENCY", "currency must be an ISO-4217 code such as CNY", ["input", "currency"]);
  return db.prisma.shop.create({
    data: {
      name,
      currency: input.currency,
      industryRefundRate: DEFAULT_INDUSTRY_REFUND_RATE,
      reasonTags: { create: DEFAULT_REASON_TAGS.map((tag) => ({ ...tag })) },
      // The built-in classification and the field account, as rules the shop sees and edits.
      automationRules: { create: defaultRuleRows() },
    },
  });
}

export interface UpsertCustomerInput {
  shopId?: string | null;
  externalId: string;
  name: string;
  tier?: string | null;
  refundBeforeReceipt?: boolean | null;
  /** The customer's openid in the shop's WeChat mini-program; "" removes it, null keeps it. */
  wechatOpenId?: string | null;
}

/** WeChat openids are 28 characters of letters, digits, `-` and `_` today; leave room. */
const WECHAT_OPEN_ID = /^[A-Za-z0-9_-]{6,64}$/;

export async function upsertCustomer(db: Database, viewer: Viewer | null, input: UpsertCustomerInput) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN", "INTEGRATION"]);
  const shopId = resolveShopId(caller, input.shopId);
  const externalId = input.externalId.trim();
  if (!externalId) fail("INVALID_INPUT", "externalId must not be empty", ["input", "externalId"]);
  const wechatOpenId = input.wechatOpenId?.trim();
  if (wechatOpenId && !WECHAT_OPEN_ID.test(wechatOpenId)) {
    fail("INVALID_INPUT", "wechatOpenId must be the openid WeChat gave (6–64 letters, digits, - or _), or \"\" to remove it", ["input", "wechatOpenId"]);
  }
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  const fields = {
    name: input.name,
    ...(wechatOpenId !== undefined && { wechatOpenId: wechatOpenId || null }),
    ...(input.tier != null && { tier: input.tier }),
    ...(input.refundBeforeReceipt != null && { refundBeforeReceipt: input.refundBeforeReceipt }),
  };
  return db.prisma.customer.upsert({
    where: { shopId_externalId: { shopId, externalId } },
    create: { shopId, externalId, ...fields },
    update: fields,
  });
}

export interface UpsertOrderInput {
  shopId?: string | null;
  externalId: string;
  customerExternalId: string;
  items: ReadonlyArray<{ sku: string; name: string; quantity: number; unitPrice: number; category?: string | null; variants?: readonly OrderItemVariant[] | null }>;
  paidAmount: number;
  paidAt: Date;
  shippingStatus: ShippingStatus;
  /** DELIVERED only; absent: kept from an earlier DELIVERED upsert, else now. */
  deliveredAt?: Date | null;
  carrier?: string | null;
  trackingNumber?: string | null;
  /** What it was paid with: refunds go back through this provider, counted against `totalAmount`. */
  payment?: { provider: string; reference?: string | null; totalAmount: number } | null;
}

const REFERENCE_MAX = 128;

/** The order's payment checked against the providers this platform runs; SANDBOX needs no reference (the order's own is used). */
function checkedPayment(input: UpsertOrderInput, providers: ReadonlySet<string>) {
  const payment = input.payment;
  if (!payment) return null;
  if (!providers.has(payment.provider)) {
    fail("UNKNOWN_PAYMENT_PROVIDER", `${payment.provider} is not a provider this platform runs (${[...providers].join(", ")}): its plugin is not loaded`, ["input", "payment", "provider"]);
  }
  const reference = payment.reference?.trim() || (payment.provider === SANDBOX_PROVIDER ? `order:${input.externalId.trim()}` : "");
  if (!reference) fail("PAYMENT_REFERENCE_REQUIRED", `A ${payment.provider} payment needs the provider's reference of it (transaction, trade or payment-intent id)`, ["input", "payment", "reference"]);
  if (reference.length > REFERENCE_MAX) fail("INVALID_INPUT", `A payment reference has at most ${REFERENCE_MAX} characters`, ["input", "payment", "reference"]);
  if (!isPositiveAmount(payment.totalAmount)) fail("INVALID_AMOUNT", "The payment's totalAmount must be a positive whole number of minor units", ["input", "payment", "totalAmount"]);
  if (input.paidAmount > payment.totalAmount) fail("AMOUNT_EXCEEDS_PAYMENT", `paidAmount ${input.paidAmount} is more than the payment's total ${payment.totalAmount}`, ["input", "paidAmount"]);
  return { provider: payment.provider, reference, totalAmount: payment.totalAmount };
}

/** The shop's payment by provider and reference, recorded once; its total can change only while no refund of it holds more than the new total. */
async function paymentOf(tx: Tx, shopId: string, payment: NonNullable<ReturnType<typeof checkedPayment>>) {
  const { provider, reference, totalAmount } = payment;
  const stored = await tx.payment.upsert({ where: { shopId_provider_reference: { shopId, provider, reference } }, create: { shopId, provider, reference, totalAmount }, update: {} });
  if (stored.totalAmount === totalAmount) return stored;
  if (stored.reservedAmount > totalAmount) {
    fail("AMOUNT_EXCEEDS_PAYMENT", `Refunds of this payment took or hold ${stored.reservedAmount}: its total cannot be less`, ["input", "payment", "totalAmount"]);
  }
  return tx.payment.update({ where: { id: stored.id }, data: { totalAmount } });
}

export async function upsertOrder(db: Database, viewer: Viewer | null, input: UpsertOrderInput, providers: ReadonlySet<string> = new Set([SANDBOX_PROVIDER])) {
  const caller = requireRole(viewer, ["PLATFORM_ADMIN", "SHOP_ADMIN", "INTEGRATION"]);
  const shopId = resolveShopId(caller, input.shopId);
  if (!input.externalId.trim()) fail("INVALID_INPUT", "externalId must not be empty", ["input", "externalId"]);
  if (!isPositiveAmount(input.paidAmount)) fail("INVALID_AMOUNT", "paidAmount must be a positive whole number of minor units", ["input", "paidAmount"]);
  input.items.forEach((item, index) => {
    if (!Number.isSafeInteger(item.quantity) || item.quantity <= 0) fail("INVALID_INPUT", "quantity must be a positive integer", ["input", "items", String(index), "quantity"]);
    if (!Number.isSafeInteger(item.unitPrice) || item.unitPrice < 0) fail("INVALID_AMOUNT", "unitPrice must be a whole number of minor units", ["input", "items", String(index), "unitPrice"]);
    if (item.category != null && (item.category.trim().length === 0 || item.category.length > 64)) fail("INVALID_INPUT", "A category has 1 to 64 characters", ["input", "items", String(index), "category"]);
    const variantErrors = variantProblems(item, item.variants ?? [], ["input", "items", String(index)]);
    if (variantErrors.length > 0) throw new UserErrorsException(variantErrors);
  });
  if (input.deliveredAt && input.shippingStatus !== "DELIVERED") fail("INVALID_INPUT", "deliveredAt goes with shippingStatus DELIVERED", ["input", "deliveredAt"]);
  if (input.deliveredAt && input.deliveredAt < input.paidAt) fail("INVALID_INPUT", "deliveredAt must not be before paidAt", ["input", "deliveredAt"]);
  const paid = checkedPayment(input, providers);
  const shop = await db.prisma.shop.findUnique({ where: { id: shopId } });
  if (!shop) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  const customer = await db.prisma.customer.findUnique({
    where: { shopId_externalId: { shopId, externalId: input.customerExternalId } },
  });
  if (!customer) fail("NOT_FOUND", "No customer with that externalId in this shop: upsert it first", ["input", "customerExternalId"]);

  return db.prisma.$transaction(async (tx) => {
    const existing = await tx.order.findUnique({ where: { shopId_externalId: { shopId, externalId: input.externalId } } });
    if (existing && existing.customerId !== customer.id) fail("INVALID_INPUT", "The order belongs to another customer", ["input", "customerExternalId"]);
    if (existing && existing.paidAmount !== input.paidAmount && (await tx.refund.count({ where: { orderId: existing.id } })) > 0) {
      fail("INVALID_INPUT", "paidAmount cannot change once the order has refunds", ["input", "paidAmount"]);
    }
    const payment = paid ? await paymentOf(tx, shopId, paid) : null;
    if (existing?.paymentId && existing.paymentId !== (payment?.id ?? existing.paymentId) && (await tx.refund.count({ where: { orderId: existing.id } })) > 0) {
      fail("PAYMENT_CHANGED", "The order has refunds through its payment: its payment cannot change", ["input", "payment"]);
    }
    const fields = {
      // Left out: the payment recorded earlier stays.
      ...(payment && { paymentId: payment.id }),
      paidAmount: input.paidAmount,
      paidAt: input.paidAt,
      shippingStatus: input.shippingStatus,
      // The rules' hoursSinceDelivery counts from here: a re-sent DELIVERED keeps the first time.
      deliveredAt: input.shippingStatus === "DELIVERED" ? (input.deliveredAt ?? existing?.deliveredAt ?? new Date()) : null,
      carrier: input.carrier ?? null,
      trackingNumber: input.trackingNumber ?? null,
    };
    const items = { create: input.items.map(orderItemRow) };
    const order = existing
      ? await tx.order.update({ where: { id: existing.id }, data: { ...fields, ...(await itemsChange(tx, existing.id, input.items)) } })
      : await tx.order.create({ data: { shopId, customerId: customer.id, externalId: input.externalId, currency: shop.currency, ...fields, items } });
    await recordOrderPaid(tx, order, existing?.paidAt ?? null);
    return order;
  });
}

/**
 * A re-sent order keeps its items (and their ids, which refunds and clients hold) when they are
 * the same; different items replace them, unless a refund names one (ORDER_ITEMS_LOCKED).
 */
async function itemsChange(tx: Tx, orderId: string, items: UpsertOrderInput["items"]) {
  const current = await tx.orderItem.findMany({ where: { orderId }, select: { sku: true, name: true, quantity: true, unitPrice: true, category: true, variants: true, _count: { select: { refundItems: true } } } });
  const key = (list: ReadonlyArray<{ sku: string; name: string; quantity: number; unitPrice: number; category: string | null; variants: unknown }>) =>
    JSON.stringify(list.map((item) => [item.sku, item.name, item.quantity, item.unitPrice, item.category, item.variants]).sort());
  const wanted = items.map(orderItemRow);
  if (key(current) === key(wanted)) return {};
  if (current.some((item) => item._count.refundItems > 0)) fail("ORDER_ITEMS_LOCKED", "Refunds name items of this order: its items cannot change", ["input", "items"]);
  return { items: { deleteMany: {}, create: wanted } };
}

/** An order item as stored: its category and variants trimmed, variants in the order given (exchanges.ts). */
function orderItemRow(item: UpsertOrderInput["items"][number]) {
  const { variants, category, ...line } = item;
  return { ...line, category: category?.trim() || null, variants: (variants ?? []).map((variant) => ({ sku: variant.sku.trim(), unitPrice: variant.unitPrice })) };
}
