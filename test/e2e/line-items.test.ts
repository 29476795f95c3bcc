// Refunds of line items (issue 16): some units of some order items, the quantity ceiling under
// parallel requests, per-item inspection with its restock event, and the bad input of each.
import { randomBytes } from "node:crypto";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, setupShop, startTestServer } from "../support/server.js";

const ITEM_FIELDS = /* GraphQL */ `
  fragment ItemRefundFields on Refund {
    id status version
    requestedAmount { amount } approvedAmount { amount }
    items {
      id quantity amount { amount }
      orderItem { id sku refundedQuantity }
      inspection { passedQuantity failedQuantity note inspectedAt }
    }
  }
`;
const REQUEST = /* GraphQL */ `
  ${ITEM_FIELDS}
  mutation ($input: RequestRefundInput!) {
    requestRefund(input: $input) { refund { ...ItemRefundFields } userErrors { code message field } }
  }
`;
const TRANSITION = /* GraphQL */ `
  ${ITEM_FIELDS}
  mutation ($input: TransitionRefundInput!) {
    transitionRefund(input: $input) { refund { ...ItemRefundFields } userErrors { code message field } }
  }
`;
const ORDER = /* GraphQL */ `
  query ($id: ID!) {
    order(id: $id) { refundableAmount { amount } items { id sku quantity refundedQuantity } }
  }
`;
const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) {
    upsertOrder(input: $input) { order { id items { id sku } } userErrors { code message field } }
  }
`;

interface ItemRefund {
  id: string;
  status: string;
  version: number;
  requestedAmount: { amount: number };
  approvedAmount: { amount: number } | null;
  items: Array<{
    id: string;
    quantity: number;
    amount: { amount: number };
    orderItem: { id: string; sku: string; refundedQuantity: number };
    inspection: { passedQuantity: number; failedQuantity: number; note: string | null; inspectedAt: string } | null;
  }>;
}
interface UserErrorView {
  code: string;
  message: string;
  field: string[] | null;
}
type RequestResult = { requestRefund: { refund: ItemRefund | null; userErrors: UserErrorView[] } };
type TransitionResult = { transitionRefund: { refund: ItemRefund | null; userErrors: UserErrorView[] } };
type OrderResult = { order: { refundableAmount: { amount: number }; items: Array<{ id: string; sku: string; quantity: number; refundedQuantity: number }> } | null };

describe.each(backends)("line items on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  /** A customer's order of these lines (fen); paidAmount defaults to their sum. */
  async function orderOf(items: Array<{ sku: string; quantity: number; unitPrice: number }>, options: { paidAmount?: number; shippingStatus?: string } = {}) {
    const externalId = `c-${randomBytes(4).toString("hex")}`;
    const customer = await shop.customer(externalId);
    const result = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string; items: Array<{ id: string; sku: string }> } | null; userErrors: UserErrorView[] } }>(UPSERT_ORDER, {
      input: {
        externalId: `o-${externalId}`,
        customerExternalId: externalId,
        items: items.map((item) => ({ ...item, name: item.sku })),
        paidAmount: options.paidAmount ?? items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
        paidAt: new Date().toISOString(),
        shippingStatus: options.shippingStatus ?? "DELIVERED",
      },
    });
    const order = result.upsertOrder.order!;
    const itemId = (sku: string) => order.items.find((item) => item.sku === sku)!.id;
    return { customer, orderId: order.id, itemId, externalId };
  }

  async function request(client: GraphQLClient, orderId: string, extra: Record<string, unknown>) {
    const result = await client.request<RequestResult>(REQUEST, { input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", ...extra } });
    return result.requestRefund;
  }

  async function act(client: GraphQLClient, refundId: string, input: Record<string, unknown>) {
    const result = await client.request<TransitionResult>(TRANSITION, { input: { refundId, ...input } });
    return result.transitionRefund;
  }

  async function orderView(orderId: string) {
    return (await shop.staff.AGENT.request<OrderResult>(ORDER, { id: orderId })).order!;
  }

  it("refunds a two-item order one item at a time; the second request is limited by what is left", async () => {
    // Two pairs of shoes and a belt.
    const { customer, orderId, itemId } = await orderOf([
      { sku: "SHOES-42", quantity: 2, unitPrice: 39900 },
      { sku: "BELT", quantity: 1, unitPrice: 9900 },
    ]);
    const first = await request(customer.client, orderId, { items: [{ orderItemId: itemId("SHOES-42"), quantity: 1 }] });
    expect(first.userErrors).toEqual([]);
    expect(first.refund!.requestedAmount.amount).toBe(39900);
    expect(first.refund!.items).toMatchObject([{ quantity: 1, amount: { amount: 39900 }, orderItem: { sku: "SHOES-42", refundedQuantity: 1 }, inspection: null }]);

    // One pair is left: two is too many, one is fine.
    const tooMany = await request(customer.client, orderId, { items: [{ orderItemId: itemId("SHOES-42"), quantity: 2 }] });
    expect(tooMany.refund).toBeNull();
    expect(tooMany.userErrors).toEqual([{ code: "QUANTITY_EXCEEDS_REFUNDABLE", message: "Only 1 of this item can still be refunded", field: ["input", "items", "0", "quantity"] }]);
    const second = await request(customer.client, orderId, { items: [{ orderItemId: itemId("SHOES-42"), quantity: 1 }, { orderItemId: itemId("BELT"), quantity: 1 }] });
    expect(second.userErrors).toEqual([]);
    expect(second.refund!.requestedAmount.amount).toBe(39900 + 9900);
    expect(second.refund!.items.map((item) => [item.orderItem.sku, item.quantity, item.amount.amount])).toEqual([
      ["SHOES-42", 1, 39900],
      ["BELT", 1, 9900],
    ]);
    const nothingLeft = await request(customer.client, orderId, { items: [{ orderItemId: itemId("BELT"), quantity: 1 }] });
    expect(nothingLeft.userErrors.map((error) => error.code)).toEqual(["AMOUNT_EXCEEDS_REFUNDABLE"]);

    // Cancelling frees its units (and its amount) again.
    expect((await act(customer.client, first.refund!.id, { action: "CANCEL" })).userErrors).toEqual([]);
    const order = await orderView(orderId);
    expect(order.items.map((item) => [item.sku, item.refundedQuantity])).toEqual(expect.arrayContaining([["SHOES-42", 1], ["BELT", 1]]));
    expect(order.refundableAmount.amount).toBe(39900);
    const again = await request(customer.client, orderId, { items: [{ orderItemId: itemId("SHOES-42"), quantity: 1 }] });
    expect(again.userErrors).toEqual([]);
  });
});
