// A shop with a token per role, and orders/refunds made through the API itself (so the same
// setup runs on both backends). Setup requests are not measured.
import { randomBytes } from "node:crypto";
import { gql } from "./http.js";
import { pool } from "./measure.js";
import type { Server } from "./server.js";

export interface Shop {
  url: string;
  shopId: string;
  tokens: { agent: string; integration: string; warehouse: string; finance: string };
}

const SETUP_CONCURRENCY = 8;

export async function createShop(server: Server): Promise<Shop> {
  const { url, adminToken } = server;
  const { createShop: created } = await gql<{ createShop: { shop: { id: string } } }>(url, adminToken, `mutation { createShop(input: { name: "bench", currency: "CNY" }) { shop { id } userErrors { code } } }`);
  const token = async (role: string) =>
    (await gql<{ createApiToken: { token: string } }>(url, adminToken, `mutation ($s: ID!, $r: Role!) { createApiToken(input: { shopId: $s, role: $r }) { token userErrors { code } } }`, { s: created.shop.id, r: role })).createApiToken.token;
  const tokens = { agent: await token("AGENT"), integration: await token("INTEGRATION"), warehouse: await token("WAREHOUSE"), finance: await token("FINANCE") };
  await gql(url, tokens.integration, UPSERT_CUSTOMER, { c: "bench" });
  return { url, shopId: created.shop.id, tokens };
}

const PAID_AMOUNT = 9900;
const UPSERT_CUSTOMER = `mutation ($c: String!) { upsertCustomer(input: { externalId: $c, name: $c }) { customer { id } userErrors { code } } }`;
const UPSERT_ORDER = `mutation ($e: String!, $s: OrderShippingStatus!, $p: PaymentInput, $c: String!) {
  upsertOrder(input: { externalId: $e, customerExternalId: $c, items: [{ sku: "SKU-1", name: "bench item", quantity: 1, unitPrice: 9900 }], paidAmount: 9900, paidAt: "2026-11-01T00:00:00Z", shippingStatus: $s, payment: $p }) { order { id } userErrors { code } }
}`;

export const REQUEST_REFUND = `mutation ($o: ID!) {
  requestRefund(input: { orderId: $o, type: REFUND_ONLY, reasonCode: "LOGISTICS" }) { refund { id version status } userErrors { code } }
}`;

/**
 * Orders of the bench customer. `payment` gives each its payment (none: the sandbox) and a
 * customer of its own: a shop with few orders per customer would otherwise see its one customer
 * held for review as a refund risk (crm-risk) before the case is done.
 */
export async function createOrders(shop: Shop, n: number, shipping: "NOT_SHIPPED" | "SHIPPED", payment?: (paidAmount: number) => Record<string, unknown>): Promise<string[]> {
  const prefix = randomBytes(4).toString("hex");
  const ids: string[] = [];
  await pool(n, SETUP_CONCURRENCY, async (i) => {
    const customer = payment ? `${prefix}-buyer-${i}` : "bench";
    if (payment) await gql(shop.url, shop.tokens.integration, UPSERT_CUSTOMER, { c: customer });
    const { upsertOrder } = await gql<{ upsertOrder: { order: { id: string } } }>(shop.url, shop.tokens.integration, UPSERT_ORDER, { e: `${prefix}-${i}`, s: shipping, p: payment?.(PAID_AMOUNT) ?? null, c: customer });
    ids.push(upsertOrder.order.id);
  }, 600_000);
  return ids;
}

/** Refunds of shipped orders: each waits in PENDING_REVIEW at version 2. */
export async function pendingReviewRefunds(shop: Shop, n: number): Promise<string[]> {
  const orders = await createOrders(shop, n, "SHIPPED");
  const ids: string[] = [];
  await pool(orders.length, SETUP_CONCURRENCY, async (i) => {
    const { requestRefund } = await gql<{ requestRefund: { refund: { id: string; status: string } } }>(shop.url, shop.tokens.agent, REQUEST_REFUND, { o: orders[i] });
    if (requestRefund.refund.status !== "PENDING_REVIEW") throw new Error(`expected PENDING_REVIEW, got ${requestRefund.refund.status}`);
    ids.push(requestRefund.refund.id);
  }, 600_000);
  return ids;
}

export const APPROVE = `mutation ($id: ID!) { transitionRefund(input: { refundId: $id, action: APPROVE }) { refund { id version status } userErrors { code } } }`;
