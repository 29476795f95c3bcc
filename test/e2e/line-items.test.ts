// Refunds of line items (issue 16): some units of some order items, the quantity ceiling under
// parallel requests, per-item inspection with its restock event, and the bad input of each.
import { randomBytes } from "node:crypto";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HookDeliveryWorker } from "../../src/plugin/delivery-worker.js";
import { definePlugin } from "../../src/plugin/index.js";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";


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

/** What a test inventory system was told to put back on sale, per refund item. */
const restocked: Array<{ refundId: string; refundItemId: string; sku: string; quantity: number; idempotencyKey: string }> = [];
const inventory = definePlugin({
  name: "test-inventory",
  version: "1.0.0",
  apiVersion: 1,
  hooks: {
    onItemsRestocked(event, ctx) {
      for (const item of event.items) restocked.push({ refundId: event.refund.id, refundItemId: item.refundItemId, sku: item.sku, quantity: item.quantity, idempotencyKey: ctx.idempotencyKey });
    },
  },
});

describe.each(backends)("line items on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: [inventory], hookDelivery: { retryBaseMs: 30 } });
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
    expect(nothingLeft.userErrors.map((error) => error.code)).toEqual(["QUANTITY_EXCEEDS_REFUNDABLE"]);
    expect((await request(customer.client, orderId, {})).userErrors.map((error) => error.code)).toEqual(["AMOUNT_EXCEEDS_REFUNDABLE"]);

    // Cancelling frees its units (and its amount) again.
    expect((await act(customer.client, first.refund!.id, { action: "CANCEL" })).userErrors).toEqual([]);
    const order = await orderView(orderId);
    expect(order.items.map((item) => [item.sku, item.refundedQuantity])).toEqual(expect.arrayContaining([["SHOES-42", 1], ["BELT", 1]]));
    expect(order.refundableAmount.amount).toBe(39900);
    const again = await request(customer.client, orderId, { items: [{ orderItemId: itemId("SHOES-42"), quantity: 1 }] });
    expect(again.userErrors).toEqual([]);
  });

  it("lets ten parallel requests for the last unit of an item create exactly one refund", async () => {
    // The hat keeps money on the order: only the quantity ceiling can stop the losers.
    const { customer, orderId, itemId } = await orderOf([{ sku: "SOCKS", quantity: 3, unitPrice: 1500 }, { sku: "HAT", quantity: 1, unitPrice: 5000 }]);
    expect((await request(customer.client, orderId, { items: [{ orderItemId: itemId("SOCKS"), quantity: 2 }] })).userErrors).toEqual([]);
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => request(customer.client, orderId, { items: [{ orderItemId: itemId("SOCKS"), quantity: 1 }] })),
    );
    const created = answers.filter((answer) => answer.refund);
    expect(created).toHaveLength(1);
    expect(created[0]!.refund!.requestedAmount.amount).toBe(1500);
    // The others were told plainly: the one unit left is taken.
    for (const answer of answers.filter((candidate) => !candidate.refund)) {
      expect(answer.userErrors).toEqual([{ code: "QUANTITY_EXCEEDS_REFUNDABLE", message: "Every unit of this item is refunded or requested already", field: ["input", "items", "0", "quantity"] }]);
    }
    const order = await orderView(orderId);
    expect(order.items.find((item) => item.sku === "SOCKS")!.refundedQuantity).toBe(3);
    expect(order.refundableAmount.amount).toBe(5000);
    expect(await server.app.db.prisma.refundItem.count({ where: { orderItem: { orderId: rawId(orderId) } } })).toBe(2);
  });

  it("inspects per item: one item failed gives the partial amount and one restock event", async () => {
    const { customer, orderId, itemId } = await orderOf([
      { sku: "SHOES-41", quantity: 2, unitPrice: 39900 },
      { sku: "BELT", quantity: 1, unitPrice: 9900 },
    ]);
    const requested = await request(customer.client, orderId, { items: [{ orderItemId: itemId("SHOES-41"), quantity: 2 }, { orderItemId: itemId("BELT"), quantity: 1 }] });
    expect(requested.userErrors).toEqual([]);
    const refund = requested.refund!;
    expect(refund.requestedAmount.amount).toBe(2 * 39900 + 9900);
    const [shoes, belt] = refund.items;
    for (const [client, input] of [
      [shop.staff.AGENT, { action: "APPROVE" }],
      [customer.client, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF", trackingNumber: "SF100200300" }],
      [shop.staff.WAREHOUSE, { action: "RECEIVE_RETURN" }],
    ] as const) {
      expect((await act(client, refund.id, input)).userErrors).toEqual([]);
    }

    // Results that do not add up are refused, and nothing is written.
    const bad = async (itemResults: unknown[], extra: Record<string, unknown> = {}) => (await act(shop.staff.WAREHOUSE, refund.id, { action: "PASS_INSPECTION", itemResults, ...extra })).userErrors;
    expect(await bad([{ refundItemId: shoes!.id, passedQuantity: 2 }])).toMatchObject([{ code: "ITEM_RESULTS_MISMATCH", field: ["input", "itemResults"] }]);
    expect(await bad([{ refundItemId: shoes!.id, passedQuantity: 2 }, { refundItemId: shoes!.id, passedQuantity: 1 }, { refundItemId: belt!.id, passedQuantity: 1 }])).toMatchObject([
      { code: "ITEM_RESULTS_MISMATCH", field: ["input", "itemResults", "1", "refundItemId"] },
    ]);
    expect(await bad([{ refundItemId: shoes!.id, passedQuantity: 2 }, { refundItemId: refund.id, passedQuantity: 1 }])).toMatchObject([
      { code: "ITEM_RESULTS_MISMATCH", field: ["input", "itemResults", "1", "refundItemId"] },
    ]);
    expect(await bad([{ refundItemId: shoes!.id, passedQuantity: 3 }, { refundItemId: belt!.id, passedQuantity: 1 }])).toMatchObject([
      { code: "INVALID_QUANTITY", field: ["input", "itemResults", "0", "passedQuantity"] },
    ]);
    expect(await bad([{ refundItemId: shoes!.id, passedQuantity: -1 }, { refundItemId: belt!.id, passedQuantity: 1 }])).toMatchObject([{ code: "INVALID_QUANTITY" }]);
    expect(await bad([{ refundItemId: shoes!.id, passedQuantity: 0 }, { refundItemId: belt!.id, passedQuantity: 0 }])).toMatchObject([{ code: "NOTHING_PASSED_INSPECTION" }]);
    expect(await bad([], {})).toMatchObject([{ code: "ITEM_RESULTS_MISMATCH" }]);
    const untouched = await server.app.db.prisma.refundItem.findMany({ where: { refundId: rawId(refund.id) } });
    expect(untouched.map((line) => line.passedQuantity)).toEqual([null, null]);

    // One shoe is worn: it fails; the other shoe and the belt pass.
    const passed = await act(shop.staff.WAREHOUSE, refund.id, {
      action: "PASS_INSPECTION",
      itemResults: [
        { refundItemId: shoes!.id, passedQuantity: 1, note: "one pair worn outdoors" },
        { refundItemId: belt!.id, passedQuantity: 1 },
      ],
    });
    expect(passed.userErrors).toEqual([]);
    expect(passed.refund!.status).toBe("PENDING_FINANCE");
    expect(passed.refund!.approvedAmount!.amount).toBe(39900 + 9900);
    expect(passed.refund!.items.map((item) => item.inspection && [item.inspection.passedQuantity, item.inspection.failedQuantity, item.inspection.note])).toEqual([
      [1, 1, "one pair worn outdoors"],
      [1, 0, null],
    ]);

    // Exactly one restock event, for this refund, with the units that passed.
    await (server.app.services.hookDeliveries as HookDeliveryWorker).drain();
    const mine = restocked.filter((entry) => entry.refundId === rawId(refund.id));
    expect(new Set(mine.map((entry) => entry.idempotencyKey)).size).toBe(1);
    expect(mine.map((entry) => [entry.sku, entry.quantity])).toEqual([
      ["SHOES-41", 1],
      ["BELT", 1],
    ]);
    // A second PASS_INSPECTION is no longer possible: the refund left INSPECTING.
    expect((await bad([{ refundItemId: shoes!.id, passedQuantity: 2 }, { refundItemId: belt!.id, passedQuantity: 1 }]))[0]!.code).toBe("ACTION_NOT_ALLOWED_IN_STATUS");

    // Paid and done: a REFUNDED refund holds the units that passed; the failed shoe may be asked for again.
    expect((await act(shop.staff.FINANCE, refund.id, { action: "FINANCE_APPROVE" })).userErrors).toEqual([]);
    await waitForStatus(customer.client, refund.id, "REFUNDED");
    const order = await orderView(orderId);
    expect(Object.fromEntries(order.items.map((item) => [item.sku, item.refundedQuantity]))).toEqual({ "SHOES-41": 1, BELT: 1 });
  });

  it("keeps whole-order inspection and refunds as they were", async () => {
    const { customer, orderId } = await orderOf([{ sku: "COAT", quantity: 1, unitPrice: 59900 }]);
    const requested = await request(customer.client, orderId, {});
    expect(requested.refund!.items).toEqual([]);
    for (const [client, input] of [
      [shop.staff.AGENT, { action: "APPROVE" }],
      [customer.client, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF", trackingNumber: "SF1" }],
      [shop.staff.WAREHOUSE, { action: "RECEIVE_RETURN" }],
    ] as const) {
      expect((await act(client, requested.refund!.id, input)).userErrors).toEqual([]);
    }
    const itemResults = [{ refundItemId: requested.refund!.id, passedQuantity: 1 }];
    expect((await act(shop.staff.WAREHOUSE, requested.refund!.id, { action: "PASS_INSPECTION", itemResults })).userErrors).toMatchObject([{ code: "ITEM_RESULTS_MISMATCH" }]);
    const passed = await act(shop.staff.WAREHOUSE, requested.refund!.id, { action: "PASS_INSPECTION", amount: 50000 });
    expect(passed.userErrors).toEqual([]);
    expect(passed.refund!.approvedAmount!.amount).toBe(50000);
    await (server.app.services.hookDeliveries as HookDeliveryWorker).drain();
    expect(restocked.filter((entry) => entry.refundId === rawId(requested.refund!.id))).toEqual([]);
  });

  it("prorates a discount over the items with no fen lost, one unit at a time", async () => {
    // 3 × ¥1.00 + 1 × ¥2.00 = ¥5.00 of goods, paid ¥4.01 after a discount.
    const { customer, orderId, itemId } = await orderOf([
      { sku: "A", quantity: 3, unitPrice: 100 },
      { sku: "B", quantity: 1, unitPrice: 200 },
    ], { paidAmount: 401 });
    const amounts: number[] = [];
    for (const [sku, quantity] of [["A", 1], ["A", 1], ["B", 1], ["A", 1]] as const) {
      const answer = await request(customer.client, orderId, { items: [{ orderItemId: itemId(sku), quantity }] });
      expect(answer.userErrors).toEqual([]);
      amounts.push(answer.refund!.requestedAmount.amount);
    }
    // A's share is 241 (240.6 rounded by the largest remainder), B's 160; A's last unit takes A's remainder.
    expect(amounts).toEqual([80, 80, 160, 81]);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(401);
    expect((await orderView(orderId)).refundableAmount.amount).toBe(0);
  });

  it("defaults to the items' value, takes a lower amount, and splits it over the items", async () => {
    const { customer, orderId, itemId } = await orderOf([
      { sku: "SHIRT", quantity: 2, unitPrice: 10000 },
      { sku: "TIE", quantity: 1, unitPrice: 5000 },
    ]);
    const items = [{ orderItemId: itemId("SHIRT"), quantity: 1 }, { orderItemId: itemId("TIE"), quantity: 1 }];
    const higher = await request(customer.client, orderId, { items, amount: 15001 });
    expect(higher.userErrors).toMatchObject([{ code: "AMOUNT_EXCEEDS_ITEMS_VALUE", field: ["input", "amount"] }]);
    const lower = await request(customer.client, orderId, { items, amount: 9000 });
    expect(lower.userErrors).toEqual([]);
    expect(lower.refund!.requestedAmount.amount).toBe(9000);
    expect(lower.refund!.items.map((item) => item.amount.amount)).toEqual([6000, 3000]);
  });

  it("answers bad items with a stable code and writes nothing", async () => {
    const { customer, orderId, itemId } = await orderOf([
      { sku: "CUP", quantity: 2, unitPrice: 3000 },
      { sku: "PLATE", quantity: 1, unitPrice: 4000 },
    ]);
    const other = await orderOf([{ sku: "OTHER", quantity: 1, unitPrice: 1000 }]);
    const otherShop = await setupShop(server);
    const foreignCustomer = await otherShop.customer("foreign");
    const foreignOrder = await otherShop.order("foreign", { paidAmount: 1000, shippingStatus: "DELIVERED" });
    const foreignItem = (await otherShop.staff.AGENT.request<OrderResult>(ORDER, { id: foreignOrder })).order!.items[0]!.id;
    expect(foreignCustomer.id).toBeTruthy();

    const cases: Array<[string, unknown, string, string[]]> = [
      ["zero", [{ orderItemId: itemId("CUP"), quantity: 0 }], "INVALID_QUANTITY", ["input", "items", "0", "quantity"]],
      ["negative", [{ orderItemId: itemId("CUP"), quantity: -1 }], "INVALID_QUANTITY", ["input", "items", "0", "quantity"]],
      ["more than bought", [{ orderItemId: itemId("CUP"), quantity: 3 }], "QUANTITY_EXCEEDS_PURCHASED", ["input", "items", "0", "quantity"]],
      ["another order's item", [{ orderItemId: other.itemId("OTHER"), quantity: 1 }], "ORDER_ITEM_NOT_IN_ORDER", ["input", "items", "0", "orderItemId"]],
      ["another shop's item", [{ orderItemId: foreignItem, quantity: 1 }], "ORDER_ITEM_NOT_IN_ORDER", ["input", "items", "0", "orderItemId"]],
      ["not an item id", [{ orderItemId: orderId, quantity: 1 }], "ORDER_ITEM_NOT_IN_ORDER", ["input", "items", "0", "orderItemId"]],
      ["twice", [{ orderItemId: itemId("CUP"), quantity: 1 }, { orderItemId: itemId("CUP"), quantity: 1 }], "DUPLICATE_ORDER_ITEM", ["input", "items", "1", "orderItemId"]],
      ["none", [], "INVALID_INPUT", ["input", "items"]],
    ];
    for (const [name, items, code, field] of cases) {
      const answer = await request(customer.client, orderId, { items });
      expect(answer.refund, name).toBeNull();
      expect(answer.userErrors, name).toEqual([expect.objectContaining({ code, field })]);
    }
    // Another shop's item answers exactly as another order's: the message gives nothing away.
    const [foreign, otherOrder] = await Promise.all([
      request(customer.client, orderId, { items: [{ orderItemId: foreignItem, quantity: 1 }] }),
      request(customer.client, orderId, { items: [{ orderItemId: other.itemId("OTHER"), quantity: 1 }] }),
    ]);
    expect(foreign.userErrors).toEqual(otherOrder.userErrors);
    expect(await server.app.db.prisma.refund.count({ where: { orderId: rawId(orderId) } })).toBe(0);
    expect(await server.app.db.prisma.refundItem.count({ where: { orderItem: { orderId: rawId(orderId) } } })).toBe(0);
  });

  it("keeps item ids when an order is re-sent unchanged, and refuses new items once refunds name them", async () => {
    const { customer, orderId, itemId, externalId } = await orderOf([{ sku: "LAMP", quantity: 1, unitPrice: 20000 }]);
    const resend = (items: Array<{ sku: string; quantity: number; unitPrice: number }>, shippingStatus = "DELIVERED") =>
      shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string; items: Array<{ id: string; sku: string }> } | null; userErrors: UserErrorView[] } }>(UPSERT_ORDER, {
        input: { externalId: `o-${externalId}`, customerExternalId: externalId, items: items.map((item) => ({ ...item, name: item.sku })), paidAmount: 20000, paidAt: new Date().toISOString(), shippingStatus },
      });
    const same = await resend([{ sku: "LAMP", quantity: 1, unitPrice: 20000 }]);
    expect(same.upsertOrder.order!.items.map((item) => item.id)).toEqual([itemId("LAMP")]);
    expect((await request(customer.client, orderId, { items: [{ orderItemId: itemId("LAMP"), quantity: 1 }] })).userErrors).toEqual([]);
    const changed = await resend([{ sku: "LAMP-2", quantity: 1, unitPrice: 20000 }]);
    expect(changed.upsertOrder.order).toBeNull();
    expect(changed.upsertOrder.userErrors).toMatchObject([{ code: "ORDER_ITEMS_LOCKED", field: ["input", "items"] }]);
  });

  it("shows order items and refund items as nodes to their own shop and customer only", async () => {
    const { customer, orderId, itemId } = await orderOf([{ sku: "MUG", quantity: 1, unitPrice: 2000 }]);
    const requested = await request(customer.client, orderId, { items: [{ orderItemId: itemId("MUG"), quantity: 1 }] });
    const refundItemId = requested.refund!.items[0]!.id;
    const NODE = /* GraphQL */ `query ($id: ID!) { node(id: $id) { id ... on OrderItem { sku refundedQuantity } ... on RefundItem { quantity } } }`;
    const otherShop = await setupShop(server);
    const stranger = await orderOf([{ sku: "X", quantity: 1, unitPrice: 100 }]);
    for (const id of [itemId("MUG"), refundItemId]) {
      expect((await customer.client.request<{ node: { id: string } | null }>(NODE, { id })).node?.id).toBe(id);
      expect((await shop.staff.WAREHOUSE.request<{ node: { id: string } | null }>(NODE, { id })).node?.id).toBe(id);
      expect((await otherShop.staff.SHOP_ADMIN.request<{ node: unknown }>(NODE, { id })).node).toBeNull();
      expect((await stranger.customer.client.request<{ node: unknown }>(NODE, { id })).node).toBeNull();
    }
  });

  it("blames the SKUs of a refund's items in productRefundStats, and every SKU for a refund of the whole order", async () => {
    const statsShop = await setupShop(server);
    const order = async (externalId: string, items: Array<{ sku: string; quantity: number; unitPrice: number }>) => {
      await statsShop.customer(externalId);
      const result = await statsShop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string; items: Array<{ id: string; sku: string }> } } }>(UPSERT_ORDER, {
        input: {
          externalId: `o-${externalId}`,
          customerExternalId: externalId,
          items: items.map((item) => ({ ...item, name: item.sku })),
          paidAmount: items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0),
          paidAt: new Date(Date.now() - 3600_000).toISOString(),
          shippingStatus: "NOT_SHIPPED",
        },
      });
      return result.upsertOrder.order;
    };
    const customerOf = async (externalId: string) => (await statsShop.customer(externalId)).client;
    // By item: one of two jackets (unshipped, so refunded at once).
    const byItem = await order("s-items", [{ sku: "JACKET", quantity: 2, unitPrice: 5000 }, { sku: "SCARF", quantity: 1, unitPrice: 3000 }]);
    const itemRefund = await request(await customerOf("s-items"), byItem.id, { items: [{ orderItemId: byItem.items.find((item) => item.sku === "JACKET")!.id, quantity: 1 }] });
    expect(itemRefund.userErrors).toEqual([]);
    // Two SKUs by item, with a lower amount: the refunded amount is split by the items' shares.
    const split = await order("s-split", [{ sku: "JACKET", quantity: 1, unitPrice: 6000 }, { sku: "SCARF", quantity: 1, unitPrice: 2000 }]);
    const splitRefund = await request(await customerOf("s-split"), split.id, { items: split.items.map((item) => ({ orderItemId: item.id, quantity: 1 })), amount: 4000 });
    expect(splitRefund.userErrors).toEqual([]);
    // The whole order, as before: every SKU of it carries the whole refunded amount.
    const whole = await order("s-whole", [{ sku: "SCARF", quantity: 1, unitPrice: 3000 }, { sku: "GLOVES", quantity: 1, unitPrice: 1000 }]);
    const wholeRefund = await request(await customerOf("s-whole"), whole.id, {});
    expect(wholeRefund.userErrors).toEqual([]);
    for (const refund of [itemRefund, splitRefund, wholeRefund]) await waitForStatus(statsShop.staff.AGENT, refund.refund!.id, "REFUNDED");

    const STATS = /* GraphQL */ `
      query ($from: DateTime!, $to: DateTime!) {
        productRefundStats(from: $from, to: $to, first: 50) { edges { node { sku orders refunds refundedAmount { amount } } } }
      }
    `;
    const answer = await statsShop.staff.AGENT.request<{ productRefundStats: { edges: Array<{ node: { sku: string; orders: number; refunds: number; refundedAmount: { amount: number } } }> } }>(STATS, {
      from: new Date(Date.now() - 86_400_000).toISOString(),
      to: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const bySku = Object.fromEntries(answer.productRefundStats.edges.map(({ node }) => [node.sku, [node.orders, node.refunds, node.refundedAmount.amount]]));
    expect(bySku).toEqual({
      // s-items (5000) and s-split (4000 × 6000/8000 = 3000).
      JACKET: [2, 2, 5000 + 3000],
      // Not blamed for s-items; s-split's 1000 and s-whole's whole 4000.
      SCARF: [3, 2, 1000 + 4000],
      GLOVES: [1, 1, 4000],
    });
  });
});
