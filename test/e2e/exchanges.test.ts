// Exchanges (issue 16): a size exchange end to end as the customer's subscription sees it, with
// no payment; a cheaper variant refunds the difference; a dearer one is refused; the bad input
// of each kind; the logistics plugin following the replacement parcel.
import { randomBytes } from "node:crypto";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LogisticsContext, applyTrackingEvent, pollCarriers } from "../../plugins/logistics/index.js";
import { pluginContexts } from "../../src/plugin/routes.js";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { type TestServer, type TestShop, setupShop, startTestServer, tokenOf, waitForStatus } from "../support/server.js";
import { collect, wsClient } from "../support/subscriptions.js";
import { PATIENCE_MS } from "../support/patience.js";

const EXCHANGE_FIELDS = /* GraphQL */ `
  fragment ExchangeFields on Refund {
    id status type version
    requestedAmount { amount } approvedAmount { amount } refundedAmount { amount }
    availableActions
    items { id quantity amount { amount } exchangeSku exchangeUnitPrice { amount } orderItem { sku refundedQuantity } }
    returnShipment { carrier trackingNumber receivedAt }
    replacementShipment { carrier trackingNumber shippedAt tracking { lastEvent lastMovementAt deliveredAt } }
    notifications { message }
  }
`;
const REQUEST = /* GraphQL */ `
  ${EXCHANGE_FIELDS}
  mutation ($input: RequestRefundInput!) {
    requestRefund(input: $input) { refund { ...ExchangeFields } userErrors { code message field } }
  }
`;
const TRANSITION = /* GraphQL */ `
  ${EXCHANGE_FIELDS}
  mutation ($input: TransitionRefundInput!) {
    transitionRefund(input: $input) { refund { ...ExchangeFields } userErrors { code message field } }
  }
`;
const GET = /* GraphQL */ `
  ${EXCHANGE_FIELDS}
  query ($id: ID!) { refund(id: $id) { ...ExchangeFields } }
`;
const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) {
    upsertOrder(input: $input) { order { id items { id sku variants { sku unitPrice { amount } } } } userErrors { code message field } }
  }
`;
const STATUS_CHANGED = /* GraphQL */ `
  subscription ($refundId: ID!, $afterVersion: Int) {
    refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) { from to action version }
  }
`;

interface ExchangeView {
  id: string;
  status: string;
  type: string;
  version: number;
  requestedAmount: { amount: number };
  approvedAmount: { amount: number } | null;
  refundedAmount: { amount: number };
  availableActions: string[];
  items: Array<{ id: string; quantity: number; amount: { amount: number }; exchangeSku: string | null; exchangeUnitPrice: { amount: number } | null; orderItem: { sku: string; refundedQuantity: number } }>;
  returnShipment: { carrier: string; trackingNumber: string; receivedAt: string | null } | null;
  replacementShipment: { carrier: string; trackingNumber: string; shippedAt: string; tracking: { lastEvent: string | null; lastMovementAt: string | null; deliveredAt: string | null } | null } | null;
  notifications: Array<{ message: string }>;
}
interface UserErrorView {
  code: string;
  message: string;
  field: string[] | null;
}
type Payload = { refund: ExchangeView | null; userErrors: UserErrorView[] };
type StatusChanged = { refundStatusChanged: { from: string | null; to: string; action: string; version: number } };

/** Running shoes in size 42; 41 and 43 cost the same, the 42 "last season" colour less, the 42 limited edition more. */
const SHOES = {
  sku: "RUN-42",
  quantity: 2,
  unitPrice: 39900,
  variants: [
    { sku: "RUN-41", unitPrice: 39900 },
    { sku: "RUN-43", unitPrice: 39900 },
    { sku: "RUN-42-OLD", unitPrice: 29900 },
    { sku: "RUN-42-LTD", unitPrice: 49900 },
  ],
};
const BELT = { sku: "BELT", quantity: 1, unitPrice: 9900 };

describe.each(backends)("exchanges on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let ctx: LogisticsContext;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["logistics", "notifications"], hookDelivery: { retryBaseMs: 50 } });
    shop = await setupShop(server);
    // What the host hands the logistics plugin's routes and tasks, built the way the host builds it.
    ctx = pluginContexts(server.app.services, server.app.plugins)(server.app.plugins.plugins.get("logistics")!) as LogisticsContext;
  });
  afterAll(() => server?.stop());

  /** A customer's delivered order of two pairs of shoes and a belt; paid in full unless told. */
  async function order(paidAmount?: number) {
    const externalId = `c-${randomBytes(4).toString("hex")}`;
    const customer = await shop.customer(externalId);
    const items = [SHOES, BELT].map((item) => ({ ...item, name: item.sku }));
    const result = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string; items: Array<{ id: string; sku: string }> } | null; userErrors: UserErrorView[] } }>(UPSERT_ORDER, {
      input: {
        externalId: `o-${externalId}`,
        customerExternalId: externalId,
        items,
        paidAmount: paidAmount ?? 2 * 39900 + 9900,
        paidAt: new Date().toISOString(),
        shippingStatus: "DELIVERED",
      },
    });
    expect(result.upsertOrder.userErrors).toEqual([]);
    const placed = result.upsertOrder.order!;
    const itemId = (sku: string) => placed.items.find((item) => item.sku === sku)!.id;
    return { customer, orderId: placed.id, itemId };
  }

  async function request(client: GraphQLClient, orderId: string, input: Record<string, unknown>): Promise<Payload> {
    return (await client.request<{ requestRefund: Payload }>(REQUEST, { input: { orderId, type: "EXCHANGE", reasonCode: "ORDERED_BY_MISTAKE", ...input } })).requestRefund;
  }

  async function act(client: GraphQLClient, refundId: string, input: Record<string, unknown>): Promise<ExchangeView> {
    const result = (await client.request<{ transitionRefund: Payload }>(TRANSITION, { input: { refundId, ...input } })).transitionRefund;
    expect(result.userErrors, String(input.action)).toEqual([]);
    return result.refund!;
  }

  const attempts = (refundId: string) => server.app.db.prisma.paymentRefundAttempt.count({ where: { refundId: rawId(refundId) } });
  const view = async (client: GraphQLClient, refundId: string) => (await client.request<{ refund: ExchangeView }>(GET, { id: refundId })).refund;

  /** Approved, shipped back, received and inspected: AWAITING_REPLACEMENT. */
  async function toReplacement(customer: GraphQLClient, refundId: string, returnTracking: string) {
    await act(shop.staff.AGENT, refundId, { action: "APPROVE" });
    await act(customer, refundId, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF", trackingNumber: returnTracking });
    await act(shop.staff.WAREHOUSE, refundId, { action: "RECEIVE_RETURN" });
    return act(shop.staff.WAREHOUSE, refundId, { action: "PASS_INSPECTION" });
  }

  it("exchanges a pair for another size end to end, each step seen live by the customer, with no payment", async () => {
    const { customer, orderId, itemId } = await order();
    const requested = await request(customer.client, orderId, { items: [{ orderItemId: itemId("RUN-42"), quantity: 1, exchangeSku: "RUN-43" }] });
    expect(requested.userErrors).toEqual([]);
    const refund = requested.refund!;
    // Never the instant path: a person looks first. Same price: nothing to refund.
    expect(refund).toMatchObject({ status: "PENDING_REVIEW", type: "EXCHANGE", requestedAmount: { amount: 0 } });
    expect(refund.items).toEqual([
      { id: expect.any(String), quantity: 1, amount: { amount: 0 }, exchangeSku: "RUN-43", exchangeUnitPrice: { amount: 39900 }, orderItem: { sku: "RUN-42", refundedQuantity: 1 } },
    ]);
    expect(refund.availableActions).toEqual(["CANCEL"]);
    expect((await view(shop.staff.AGENT, refund.id)).availableActions).toEqual(["APPROVE", "REJECT"]);

    const ws = wsClient(server.url, tokenOf(customer.client));
    const stream = collect<StatusChanged>(ws, STATUS_CHANGED, { refundId: refund.id, afterVersion: 0 });
    const inspected = await toReplacement(customer.client, refund.id, "SF-RETURN-1");
    expect(inspected).toMatchObject({ status: "AWAITING_REPLACEMENT", approvedAmount: { amount: 0 }, returnShipment: { carrier: "SF", trackingNumber: "SF-RETURN-1" } });
    expect(inspected.availableActions).toEqual(["SHIP_REPLACEMENT"]);
    expect((await view(customer.client, refund.id)).availableActions).toEqual([]);

    // Another shop's warehouse neither sees it nor ships for it; the customer may not ship it.
    const other = await setupShop(server);
    const foreign = (await other.staff.WAREHOUSE.request<{ transitionRefund: Payload }>(TRANSITION, { input: { refundId: refund.id, action: "SHIP_REPLACEMENT", carrier: "SF", trackingNumber: "X" } })).transitionRefund;
    expect(foreign.userErrors.map((error) => error.code)).toEqual(["NOT_FOUND"]);
    expect((await other.staff.WAREHOUSE.request<{ refund: ExchangeView | null }>(GET, { id: refund.id })).refund).toBeNull();
    const byCustomer = (await customer.client.request<{ transitionRefund: Payload }>(TRANSITION, { input: { refundId: refund.id, action: "SHIP_REPLACEMENT", carrier: "SF", trackingNumber: "X" } })).transitionRefund;
    expect(byCustomer.userErrors.map((error) => error.code)).toEqual(["ACTION_NOT_PERMITTED"]);
    const missing = (await shop.staff.WAREHOUSE.request<{ transitionRefund: Payload }>(TRANSITION, { input: { refundId: refund.id, action: "SHIP_REPLACEMENT", carrier: "SF" } })).transitionRefund;
    expect(missing).toMatchObject({ refund: null, userErrors: [{ code: "REPLACEMENT_SHIPMENT_REQUIRED", field: ["input", "trackingNumber"] }] });
    const exchanged = await act(shop.staff.WAREHOUSE, refund.id, { action: "SHIP_REPLACEMENT", carrier: "SF", trackingNumber: "SF-OUT-1" });
    expect(exchanged).toMatchObject({ status: "EXCHANGED", refundedAmount: { amount: 0 }, replacementShipment: { carrier: "SF", trackingNumber: "SF-OUT-1", tracking: null } });
    // Ended: the pair is the customer's again (the replacement), as returnable as the one it replaced.
    expect(exchanged.items[0]!.orderItem.refundedQuantity).toBe(0);

    const events = await stream.waitFor(7);
    expect(events.map((event) => [event.refundStatusChanged.action, event.refundStatusChanged.to, event.refundStatusChanged.version])).toEqual([
      ["REQUEST", "REQUESTED", 1],
      ["CLASSIFY", "PENDING_REVIEW", 2],
      ["APPROVE", "AWAITING_RETURN", 3],
      ["SUBMIT_RETURN_SHIPMENT", "RETURN_IN_TRANSIT", 4],
      ["RECEIVE_RETURN", "INSPECTING", 5],
      ["PASS_INSPECTION", "AWAITING_REPLACEMENT", 6],
      ["SHIP_REPLACEMENT", "EXCHANGED", 7],
    ]);
    stream.unsubscribe();
    await ws.dispose();
    expect(await attempts(refund.id)).toBe(0);

    // The customer is told an exchange's words, and the replacement's tracking number.
    await expect.poll(async () => (await view(customer.client, refund.id)).notifications.map((n) => n.message), { timeout: PATIENCE_MS }).toEqual(
      expect.arrayContaining([expect.stringContaining("换货申请已通过"), expect.stringContaining("SF SF-OUT-1")]),
    );
    // Terminal: nothing moves it again.
    const again = (await shop.staff.WAREHOUSE.request<{ transitionRefund: Payload }>(TRANSITION, { input: { refundId: refund.id, action: "SHIP_REPLACEMENT", carrier: "SF", trackingNumber: "SF-OUT-2" } })).transitionRefund;
    expect(again.userErrors.map((error) => error.code)).toEqual(["REFUND_TERMINAL"]);
  });

  it("refunds the price difference of a cheaper variant through the payment path, then ends EXCHANGED", async () => {
    // Paid 10% less than list: the difference is taken from what was really paid.
    const { customer, orderId, itemId } = await order(80190);
    const requested = await request(customer.client, orderId, { items: [{ orderItemId: itemId("RUN-42"), quantity: 1, exchangeSku: "RUN-42-OLD" }] });
    expect(requested.userErrors).toEqual([]);
    // The shoes' share of 80190 is 71340 (79800 of 89700 list, largest remainder), one pair 35670;
    // of it the cheaper pair keeps ⌈35670 × 29900 / 39900⌉ = 26731: the difference is 8939.
    const difference = 8939;
    expect(requested.refund).toMatchObject({ status: "PENDING_REVIEW", requestedAmount: { amount: difference } });
    expect(requested.refund!.items).toMatchObject([{ quantity: 1, amount: { amount: difference }, exchangeSku: "RUN-42-OLD" }]);
    const refundId = requested.refund!.id;

    await toReplacement(customer.client, refundId, "SF-RETURN-2");
    expect(await attempts(refundId)).toBe(0);
    const shipped = await act(shop.staff.WAREHOUSE, refundId, { action: "SHIP_REPLACEMENT", carrier: "SF", trackingNumber: "SF-OUT-2" });
    expect(shipped).toMatchObject({ status: "REFUNDING", replacementShipment: { trackingNumber: "SF-OUT-2" } });
    await waitForStatus(customer.client, refundId, "EXCHANGED");
    const ended = await view(customer.client, refundId);
    expect(ended).toMatchObject({ status: "EXCHANGED", refundedAmount: { amount: difference } });
    const paid = await server.app.db.prisma.paymentRefundAttempt.findMany({ where: { refundId: rawId(refundId) } });
    expect(paid.map((attempt) => [attempt.amount, attempt.status])).toEqual([[difference, "SUCCEEDED"]]);
    // The difference paid stays held on the order: the rest is refundable, no more.
    const left = await shop.staff.AGENT.request<{ order: { refundableAmount: { amount: number } } }>(`query ($id: ID!) { order(id: $id) { refundableAmount { amount } } }`, { id: orderId });
    expect(left.order.refundableAmount.amount).toBe(80190 - difference);
  });

  it("refuses a dearer variant, and every malformed exchange, writing nothing", async () => {
    const { customer, orderId, itemId } = await order();
    const before = await server.app.db.prisma.refund.count({ where: { orderId: rawId(orderId) } });
    const shoes = itemId("RUN-42");
    const cases: Array<[Record<string, unknown>, Array<{ code: string; field: string[] }>]> = [
      [{ items: [{ orderItemId: shoes, quantity: 1, exchangeSku: "RUN-42-LTD" }] }, [{ code: "EXCHANGE_COSTS_MORE", field: ["input", "items", "0", "exchangeSku"] }]],
      [{ items: [{ orderItemId: shoes, quantity: 1, exchangeSku: "RUN-44" }] }, [{ code: "EXCHANGE_SKU_NOT_A_VARIANT", field: ["input", "items", "0", "exchangeSku"] }]],
      // The belt's variant list is empty; a shoe size is not a belt's variant.
      [{ items: [{ orderItemId: itemId("BELT"), quantity: 1, exchangeSku: "RUN-43" }] }, [{ code: "EXCHANGE_SKU_NOT_A_VARIANT", field: ["input", "items", "0", "exchangeSku"] }]],
      [{ items: [{ orderItemId: shoes, quantity: 1, exchangeSku: "RUN-42" }] }, [{ code: "EXCHANGE_SAME_SKU", field: ["input", "items", "0", "exchangeSku"] }]],
      [{}, [{ code: "EXCHANGE_ITEMS_REQUIRED", field: ["input", "items"] }]],
      [{ items: [{ orderItemId: shoes, quantity: 1 }] }, [{ code: "EXCHANGE_ITEMS_REQUIRED", field: ["input", "items", "0", "exchangeSku"] }]],
      [{ items: [{ orderItemId: shoes, quantity: 1, exchangeSku: "RUN-43" }], amount: 100 }, [{ code: "INVALID_INPUT", field: ["input", "amount"] }]],
      [{ items: [{ orderItemId: shoes, quantity: 3, exchangeSku: "RUN-43" }] }, [{ code: "QUANTITY_EXCEEDS_PURCHASED", field: ["input", "items", "0", "quantity"] }]],
      [{ type: "RETURN_AND_REFUND", items: [{ orderItemId: shoes, quantity: 1, exchangeSku: "RUN-43" }] }, [{ code: "EXCHANGE_SKU_NOT_ALLOWED", field: ["input", "items", "0", "exchangeSku"] }]],
    ];
    for (const [input, expected] of cases) {
      const result = await request(customer.client, orderId, input);
      expect(result.refund, JSON.stringify(input)).toBeNull();
      expect(result.userErrors.map(({ code, field }) => ({ code, field })), JSON.stringify(input)).toEqual(expected);
      expect(result.userErrors.every((error) => error.message.length > 0)).toBe(true);
    }
    expect(await server.app.db.prisma.refund.count({ where: { orderId: rawId(orderId) } })).toBe(before);

    // A variant list that cannot be stored is refused with the order.
    const bad = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: unknown; userErrors: UserErrorView[] } }>(UPSERT_ORDER, {
      input: {
        externalId: `o-bad-${randomBytes(3).toString("hex")}`,
        customerExternalId: "nobody-needed",
        items: [{ sku: "CAP", name: "cap", quantity: 1, unitPrice: 100, variants: [{ sku: "CAP", unitPrice: 100 }, { sku: "CAP-L", unitPrice: -1 }] }],
        paidAmount: 100,
        paidAt: new Date().toISOString(),
        shippingStatus: "DELIVERED",
      },
    });
    expect(bad.upsertOrder.userErrors.map(({ code, field }) => ({ code, field }))).toEqual([
      { code: "INVALID_INPUT", field: ["input", "items", "0", "variants", "0", "sku"] },
      { code: "INVALID_AMOUNT", field: ["input", "items", "0", "variants", "1", "unitPrice"] },
    ]);
  });

  it("holds the units while the exchange is open, so they cannot be refunded at the same time", async () => {
    const { customer, orderId, itemId } = await order();
    const exchange = await request(customer.client, orderId, { items: [{ orderItemId: itemId("RUN-42"), quantity: 2, exchangeSku: "RUN-41" }] });
    expect(exchange.userErrors).toEqual([]);
    const refund = await request(customer.client, orderId, { type: "RETURN_AND_REFUND", items: [{ orderItemId: itemId("RUN-42"), quantity: 1 }] });
    expect(refund.userErrors.map((error) => error.code)).toEqual(["QUANTITY_EXCEEDS_REFUNDABLE"]);
    // Options are money instead of the item: an exchange is approved or rejected.
    const offer = (await shop.staff.AGENT.request<{ transitionRefund: Payload }>(TRANSITION, {
      input: { refundId: exchange.refund!.id, action: "OFFER_RESOLUTION", offerOptions: [{ kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 100 }] },
    })).transitionRefund;
    expect(offer.userErrors.map((error) => error.code)).toEqual(["ACTION_NOT_ALLOWED_IN_STATUS"]);
    // Cancelled, the units are free again.
    await act(customer.client, exchange.refund!.id, { action: "CANCEL" });
    expect((await request(customer.client, orderId, { type: "RETURN_AND_REFUND", items: [{ orderItemId: itemId("RUN-42"), quantity: 1 }] })).userErrors).toEqual([]);
  });

  it("follows the replacement parcel with the logistics plugin, by webhook event and by polling", async () => {
    const { customer, orderId, itemId } = await order();
    const requested = await request(customer.client, orderId, { items: [{ orderItemId: itemId("RUN-42"), quantity: 1, exchangeSku: "RUN-41" }] });
    const refundId = requested.refund!.id;
    await toReplacement(customer.client, refundId, "SF-RETURN-5");
    const outbound = `SF-OUT-${randomBytes(4).toString("hex")}`;
    await act(shop.staff.WAREHOUSE, refundId, { action: "SHIP_REPLACEMENT", carrier: "SF Express", trackingNumber: outbound });
    const shopId = rawId(shop.shopId);

    const moving = new Date(Date.now() - 60 * 60 * 1000);
    const scanned = await applyTrackingEvent(ctx, shopId, { carrier: "sf-express", trackingNumber: outbound, status: "IN_TRANSIT", occurredAt: moving, description: "深圳转运中心" });
    expect(scanned).toEqual({ outcome: "APPLIED", refundId: rawId(refundId), trackingChanged: true, received: false, refundStatus: "EXCHANGED", parcel: "REPLACEMENT" });
    expect((await view(customer.client, refundId)).replacementShipment!.tracking).toEqual({ lastEvent: "IN_TRANSIT: 深圳转运中心", lastMovementAt: moving.toISOString(), deliveredAt: null });
    // The same event again changes nothing; another shop does not know the number.
    expect(await applyTrackingEvent(ctx, shopId, { carrier: "SF", trackingNumber: outbound, status: "IN_TRANSIT", occurredAt: moving })).toMatchObject({ trackingChanged: false });
    const other = await setupShop(server);
    expect(await applyTrackingEvent(ctx, rawId(other.shopId), { carrier: "SF", trackingNumber: outbound, status: "IN_TRANSIT", occurredAt: moving })).toEqual({ outcome: "UNKNOWN_TRACKING_NUMBER" });

    // The carrier's poller is asked for the replacement too, and its delivery is recorded.
    const delivered = new Date(Date.now() - 60 * 1000);
    const asked: string[][] = [];
    const adapter = {
      carrier: "SF Express",
      async track(numbers: string[]) {
        asked.push(numbers);
        return numbers.filter((number) => number === outbound).map((trackingNumber) => ({ carrier: "SF Express", trackingNumber, status: "DELIVERED" as const, occurredAt: delivered }));
      },
    };
    const polled = await pollCarriers(ctx, { shopId, adapters: [adapter] });
    expect(asked.flat()).toContain(outbound);
    expect(polled.applied).toBeGreaterThanOrEqual(1);
    expect((await view(customer.client, refundId)).replacementShipment!.tracking).toMatchObject({ deliveredAt: delivered.toISOString(), lastEvent: "DELIVERED" });
    // Delivered parcels are not polled again.
    asked.length = 0;
    await pollCarriers(ctx, { shopId, adapters: [adapter] });
    expect(asked.flat()).not.toContain(outbound);
  });
});
