// App webhooks end to end, with a real HTTP receiver: the body is exactly the data of the app's
// document, signed; sent once per transition; retried while the receiver is down; sent after a
// restart; never another shop's event nor a field outside the app's permissions.
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { verifyWebhookSignature } from "../../src/apps/signing.js";
import { backends, createTestDatabase, type TestDatabase } from "../support/databases.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { statementsOf } from "../support/statements.js";
import { PATIENCE_MS } from "../support/patience.js";

const SECRET = "whsec-0123456789abcdef-0123456789";
const DOCUMENT = /* GraphQL */ `subscription {
  refundEvents { refund { status order { externalId } customer { name } } }
}`;

const CREATE_APP = /* GraphQL */ `
  mutation ($input: CreateAppInput!) { createApp(input: $input) { token app { id } userErrors { code message } } }
`;
const CREATE_WEBHOOK = /* GraphQL */ `
  mutation ($input: CreateAppWebhookInput!) {
    createAppWebhook(input: $input) { webhook { id event targetUrl query secretSet } userErrors { code message field } }
  }
`;
const DELIVERIES = /* GraphQL */ `
  query ($id: ID!) {
    app(id: $id) { webhooks(first: 5) { edges { node { id deliveries(first: 50) { edges { node { id event status attempts responseStatus latencyMs lastError refundId batchId } } } } } } }
  }
`;
const APPROVE = /* GraphQL */ `
  mutation ($input: TransitionRefundInput!) { transitionRefund(input: $input) { refund { status } userErrors { code } } }
`;
const BATCH = /* GraphQL */ `
  mutation ($input: BatchTransitionRefundsInput!) { batchTransitionRefunds(input: $input) { batch { id } results { ok } userErrors { code } } }
`;
const BATCH_DOCUMENT = /* GraphQL */ `subscription ($batchId: ID!) {
  refundBatchProgress(batchId: $batchId) { batch { id action total succeeded failed } }
}`;
const REDELIVER = /* GraphQL */ `
  mutation ($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { delivery { id status } userErrors { code message } } }
`;

interface Received {
  path: string;
  body: string;
  signature: string;
  event: string;
  deliveryId: string;
}

interface Delivery {
  id: string;
  event: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  latencyMs: number | null;
  lastError: string | null;
  refundId: string | null;
  batchId: string | null;
}

/** A webhook receiver on a free loopback port; while `down` it answers 503. */
class Receiver {
  readonly received: Received[] = [];
  down = false;
  private server!: Server;
  url = "";

  async start(port = 0): Promise<void> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        if (this.down) {
          response.writeHead(503).end("down");
          return;
        }
        this.received.push({
          path: request.url ?? "",
          body,
          signature: String(request.headers["x-refund-signature"]),
          event: String(request.headers["x-refund-event"]),
          deliveryId: String(request.headers["x-refund-delivery"]),
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  on(path: string): Received[] {
    return this.received.filter((entry) => entry.path === path);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = PATIENCE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function registerApp(admin: GraphQLClient, name: string, permissions: string[]) {
  const created = await admin.request<{ createApp: { token: string; app: { id: string }; userErrors: unknown[] } }>(CREATE_APP, { input: { name, permissions } });
  expect(created.createApp.userErrors).toEqual([]);
  return created.createApp.app.id;
}

type CreateWebhook = { createAppWebhook: { webhook: { id: string; secretSet: boolean } | null; userErrors: Array<{ code: string; message: string; field: string[] }> } };

function registerWebhook(admin: GraphQLClient, input: { appId: string; targetUrl: string; query?: string; event?: string; secret?: string }) {
  return admin.request<CreateWebhook>(CREATE_WEBHOOK, { input: { event: "REFUND_TRANSITIONED", query: DOCUMENT, secret: SECRET, ...input } });
}

async function deliveriesOf(admin: GraphQLClient, appId: string): Promise<Delivery[]> {
  const result = await admin.request<{ app: { webhooks: { edges: Array<{ node: { deliveries: { edges: Array<{ node: Delivery }> } } }> } } }>(DELIVERIES, { id: appId });
  return result.app.webhooks.edges.flatMap((edge) => edge.node.deliveries.edges.map((inner) => inner.node));
}

describe.each(backends)("app webhooks on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let other: TestShop;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    server = await startTestServer(kind, { appWebhooks: { retryBaseMs: 100, retryMaxMs: 400, maxAttempts: 4, sweepIntervalMs: 200 } });
    [shop, other] = await Promise.all([setupShop(server), setupShop(server)]);
  });
  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
  });

  it("POSTs exactly the document's data, signed, once per transition, and records each delivery", async () => {
    const appId = await registerApp(shop.staff.SHOP_ADMIN, "erp", ["READ_REFUNDS", "READ_ORDERS", "READ_CUSTOMERS"]);
    const registered = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/erp` });
    expect(registered.createAppWebhook.userErrors).toEqual([]);
    expect(registered.createAppWebhook.webhook!.secretSet).toBe(true);

    const customer = await shop.customer("webhook-1");
    const orderId = await shop.order("webhook-1", { externalId: "ORD-WH-1", paidAmount: 15_900, shippingStatus: "SHIPPED" });
    const requested = await customer.client.request<{ requestRefund: { refund: { id: string } } }>(
      `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { id } } }`,
      { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } },
    );
    const refundId = requested.requestRefund.refund.id;
    // The request itself is REFUND_REQUESTED (not subscribed); its classification is a transition.
    await until("the classification's POST", async () => receiver.on("/erp").length === 1);
    await shop.staff.AGENT.request(APPROVE, { input: { refundId, action: "APPROVE" } });
    await until("the approval's POST", async () => receiver.on("/erp").length === 2);

    const bodies = receiver.on("/erp").map((entry) => JSON.parse(entry.body));
    const refund = (status: string) => ({ refundEvents: { refund: { status, order: { externalId: "ORD-WH-1" }, customer: { name: "Customer webhook-1" } } } });
    expect(bodies).toEqual([refund("PENDING_REVIEW"), refund("AWAITING_WAREHOUSE")]);
    for (const entry of receiver.on("/erp")) {
      expect(entry.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(SECRET, entry.body, entry.signature)).toBe(true);
      expect(verifyWebhookSignature("another-secret-0123456789abc", entry.body, entry.signature)).toBe(false);
      expect(verifyWebhookSignature(SECRET, entry.body.replace("AWAITING", "AWAITINX"), entry.signature)).toBe(entry.body.includes("AWAITING") ? false : true);
      expect(entry.event).toBe("REFUND_TRANSITIONED");
    }
    // A signature older than the replay window is refused by the documented check.
    const [first] = receiver.on("/erp");
    const t = Number(/t=(\d+)/.exec(first!.signature)![1]);
    expect(verifyWebhookSignature(SECRET, first!.body, first!.signature, t + 301)).toBe(false);

    const deliveries = await deliveriesOf(shop.staff.SHOP_ADMIN, appId);
    expect(deliveries).toHaveLength(2);
    for (const delivery of deliveries) {
      expect(delivery).toMatchObject({ event: "REFUND_TRANSITIONED", status: "DELIVERED", attempts: 1, responseStatus: 204, lastError: null, refundId });
      expect(delivery.latencyMs).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(receiver.on("/erp").map((entry) => entry.deliveryId))).toEqual(new Set(deliveries.map((delivery) => Buffer.from(delivery.id, "base64").toString().split(":")[1])));
  });

  it("sends REFUND_ITEMS_RESTOCKED once, for the inspection that passed units of line items, with the items the document asks for", async () => {
    const appId = await registerApp(shop.staff.SHOP_ADMIN, "inventory", ["READ_REFUNDS", "READ_ORDERS"]);
    const query = "subscription { refundEvents { action refund { items { quantity orderItem { sku } inspection { passedQuantity failedQuantity } } } } }";
    const registered = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/inventory`, event: "REFUND_ITEMS_RESTOCKED", query });
    expect(registered.createAppWebhook.userErrors).toEqual([]);

    const customer = await shop.customer("webhook-restock");
    const orderId = await shop.order("webhook-restock", { paidAmount: 15_900, shippingStatus: "SHIPPED" });
    const items = await customer.client.request<{ order: { items: Array<{ id: string }> } }>(`query ($id: ID!) { order(id: $id) { items { id } } }`, { id: orderId });
    const requested = await customer.client.request<{ requestRefund: { refund: { id: string; items: Array<{ id: string }> } } }>(
      `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { id items { id } } } }`,
      { input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", items: [{ orderItemId: items.order.items[0]!.id, quantity: 1 }] } },
    );
    const { id: refundId, items: refundItems } = requested.requestRefund.refund;
    const act = async (client: GraphQLClient, input: Record<string, unknown>) => {
      const result = await client.request<{ transitionRefund: { userErrors: unknown[] } }>(APPROVE, { input: { refundId, ...input } });
      expect(result.transitionRefund.userErrors).toEqual([]);
    };
    await act(shop.staff.AGENT, { action: "APPROVE" });
    await act(customer.client, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF", trackingNumber: "SF-RESTOCK-1" });
    await act(shop.staff.WAREHOUSE, { action: "RECEIVE_RETURN" });
    expect(receiver.on("/inventory")).toEqual([]);
    await act(shop.staff.WAREHOUSE, { action: "PASS_INSPECTION", itemResults: [{ refundItemId: refundItems[0]!.id, passedQuantity: 1 }] });
    await until("the restock POST", async () => receiver.on("/inventory").length === 1);
    // Finance's approval and the payment move the refund on, but restock nothing more.
    await act(shop.staff.FINANCE, { action: "FINANCE_APPROVE" });
    await waitForStatus(customer.client, refundId, "REFUNDED");
    await new Promise((resolve) => setTimeout(resolve, 500));
    const posted = receiver.on("/inventory");
    expect(posted).toHaveLength(1);
    expect(posted[0]!.event).toBe("REFUND_ITEMS_RESTOCKED");
    expect(verifyWebhookSignature(SECRET, posted[0]!.body, posted[0]!.signature)).toBe(true);
    expect(JSON.parse(posted[0]!.body)).toEqual({
      refundEvents: { action: "PASS_INSPECTION", refund: { items: [{ quantity: 1, orderItem: { sku: "SKU-1" }, inspection: { passedQuantity: 1, failedQuantity: 0 } }] } },
    });
  });

  it("retries while the receiver is down, then delivers once", async () => {
    const appId = await registerApp(shop.staff.SHOP_ADMIN, "retrying", ["READ_REFUNDS"]);
    await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/retrying`, query: "subscription { refundEvents { to refund { status } } }" });
    receiver.down = true;
    const { refundId } = await requestShippedRefund(shop, "webhook-retry");
    const failing = await until("two failed attempts", async () => {
      const [delivery] = await deliveriesOf(shop.staff.SHOP_ADMIN, appId);
      return delivery && delivery.attempts >= 2 ? delivery : undefined;
    });
    expect(failing).toMatchObject({ status: "PENDING", responseStatus: 503, refundId });
    expect(failing.lastError).toContain("503");
    receiver.down = false;
    await until("the POST after the receiver is back", async () => receiver.on("/retrying").length === 1);
    const [delivered] = await until("the delivery recorded", async () => {
      const found = await deliveriesOf(shop.staff.SHOP_ADMIN, appId);
      return found[0]?.status === "DELIVERED" ? found : undefined;
    });
    expect(delivered!.attempts).toBeGreaterThanOrEqual(2);
    expect(delivered!.responseStatus).toBe(204);
    expect(JSON.parse(receiver.on("/retrying")[0]!.body)).toEqual({ refundEvents: { to: "PENDING_REVIEW", refund: { status: "PENDING_REVIEW" } } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.on("/retrying")).toHaveLength(1);
  });

  it("keeps a delivery that kept failing as dead, and redeliverWebhook sends it (and a delivered one) again", async () => {
    const appId = await registerApp(shop.staff.SHOP_ADMIN, "dead-letters", ["READ_REFUNDS"]);
    await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/dead`, query: "subscription { refundEvents { to } }" });
    receiver.down = true;
    await requestShippedRefund(shop, "webhook-dead");
    const dead = await until("a dead delivery", async () => {
      const [delivery] = await deliveriesOf(shop.staff.SHOP_ADMIN, appId);
      return delivery?.status === "DEAD" ? delivery : undefined;
    });
    expect(dead.attempts).toBe(4);
    receiver.down = false;

    const foreign = await other.staff.SHOP_ADMIN.request<{ redeliverWebhook: { userErrors: Array<{ code: string }> } }>(REDELIVER, { input: { deliveryId: dead.id } });
    expect(foreign.redeliverWebhook.userErrors.map((error) => error.code)).toEqual(["NOT_FOUND"]);
    const redelivered = await shop.staff.SHOP_ADMIN.request<{ redeliverWebhook: { delivery: { status: string }; userErrors: unknown[] } }>(REDELIVER, { input: { deliveryId: dead.id } });
    expect(redelivered.redeliverWebhook.userErrors).toEqual([]);
    await until("the redelivered POST", async () => receiver.on("/dead").length === 1);
    await until("delivered", async () => (await deliveriesOf(shop.staff.SHOP_ADMIN, appId))[0]?.status === "DELIVERED");

    // Sent again on request (e.g. the receiver lost it): same delivery id, so it can tell.
    const again = await shop.staff.SHOP_ADMIN.request<{ redeliverWebhook: { userErrors: unknown[] } }>(REDELIVER, { input: { deliveryId: dead.id } });
    expect(again.redeliverWebhook.userErrors).toEqual([]);
    await until("the second POST", async () => receiver.on("/dead").length === 2);
    const [one, two] = receiver.on("/dead");
    expect(two!.deliveryId).toBe(one!.deliveryId);
    expect(two!.body).toBe(one!.body);
  });

  it("never sends another shop's events, nor a field outside the app's permissions", async () => {
    const appId = await registerApp(shop.staff.SHOP_ADMIN, "narrow", ["READ_REFUNDS"]);
    const refused = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/narrow` });
    expect(refused.createAppWebhook.userErrors).toEqual([expect.objectContaining({ code: "WEBHOOK_QUERY_NOT_PERMITTED", field: ["input", "query"] })]);
    expect(refused.createAppWebhook.userErrors[0]!.message).toMatch(/Refund\.order \(line 2, column \d+\): Order needs READ_ORDERS/);
    const narrow = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/narrow`, query: "subscription { refundEvents { refund { status } } }" });
    expect(narrow.createAppWebhook.userErrors).toEqual([]);

    const before = receiver.on("/narrow").length;
    // Another shop's transitions, with an app of its own on another path.
    const otherApp = await registerApp(other.staff.SHOP_ADMIN, "other", ["READ_REFUNDS"]);
    await registerWebhook(other.staff.SHOP_ADMIN, { appId: otherApp, targetUrl: `${receiver.url}/other`, query: "subscription { refundEvents { refund { id } } }" });
    const foreign = await requestShippedRefund(other, "webhook-foreign");
    await until("the other shop's POST", async () => receiver.on("/other").length === 1);
    expect(JSON.parse(receiver.on("/other")[0]!.body).refundEvents.refund.id).toBe(foreign.refundId);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.on("/narrow")).toHaveLength(before);

    await requestShippedRefund(shop, "webhook-narrow");
    await until("this shop's POST", async () => receiver.on("/narrow").length === before + 1);
    expect(JSON.parse(receiver.on("/narrow").at(-1)!.body)).toEqual({ refundEvents: { refund: { status: "PENDING_REVIEW" } } });
    expect(receiver.on("/other")).toHaveLength(1);
  });

  it("stops sending when the app is disabled or the webhook deleted, and starts again when enabled", async () => {
    const appId = await registerApp(shop.staff.SHOP_ADMIN, "switchable", ["READ_REFUNDS"]);
    const registered = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/switch`, query: "subscription { refundEvents { to } }" });
    const webhookId = registered.createAppWebhook.webhook!.id;
    const setEnabled = (enabled: boolean) =>
      shop.staff.SHOP_ADMIN.request(`mutation ($input: UpdateAppInput!) { updateApp(input: $input) { userErrors { code } } }`, { input: { appId, enabled } });
    const stored = () => server.app.db.prisma.appWebhookDelivery.count({ where: { webhook: { app: { name: "switchable" } } } });

    await requestShippedRefund(shop, "switch-1");
    await until("the first POST", async () => receiver.on("/switch").length === 1);
    await setEnabled(false);
    await requestShippedRefund(shop, "switch-2");
    expect(await stored()).toBe(1);
    await setEnabled(true);
    await requestShippedRefund(shop, "switch-3");
    await until("the POST after enabling", async () => receiver.on("/switch").length === 2);

    const deleted = await shop.staff.SHOP_ADMIN.request<{ deleteAppWebhook: { userErrors: unknown[] } }>(
      `mutation ($input: DeleteAppWebhookInput!) { deleteAppWebhook(input: $input) { deletedWebhookId userErrors { code } } }`,
      { input: { webhookId } },
    );
    expect(deleted.deleteAppWebhook.userErrors).toEqual([]);
    await requestShippedRefund(shop, "switch-4");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.on("/switch")).toHaveLength(2);
    expect(await stored()).toBe(0);
  });

  it("refuses bad webhooks with a code, pointing at the line, and saves nothing", async () => {
    const appId = await registerApp(shop.staff.SHOP_ADMIN, "bad-input", ["READ_REFUNDS"]);
    const target = `${receiver.url}/bad`;
    const cases: Array<[string, Record<string, string>, string, RegExp]> = [
      ["does not parse", { query: "subscription {\n  refundEvents { to \n" }, "WEBHOOK_QUERY_SYNTAX", /line 3, column 1/],
      ["unknown field", { query: "subscription {\n  refundEvents { nope }\n}" }, "WEBHOOK_QUERY_INVALID", /nope.*line 2, column 18/],
      ["two root fields", { query: "subscription { refundEvents { to } refundStatusChanged(refundId: \"x\") { to } }" }, "WEBHOOK_QUERY_INVALID", /only one top level field/],
      ["a query, not a subscription", { query: "query { refunds(first: 1) { edges { node { id } } } }" }, "WEBHOOK_QUERY_INVALID", /is a query/],
      ["another root field", { query: "subscription { refundStatusChanged(refundId: \"x\") { to } }" }, "WEBHOOK_QUERY_INVALID", /refundStatusChanged \(line 1, column 16\) is not a webhook's root field/],
      ["arguments", { query: "subscription { refundEvents(filter: { statuses: [REFUNDED] }) { to } }" }, "WEBHOOK_QUERY_INVALID", /takes no arguments/],
      ["a field it may not read", { query: "subscription {\n refundEvents { refund { customer { name } } } }" }, "WEBHOOK_QUERY_NOT_PERMITTED", /Refund\.customer \(line 2, column 26\): Customer needs READ_CUSTOMERS/],
      ["a private URL", { targetUrl: "http://169.254.169.254/latest" }, "URL_NOT_ALLOWED", /not a public address/],
      ["not http", { targetUrl: "file:///etc/passwd" }, "URL_NOT_ALLOWED", /http/],
      ["a short secret", { secret: "short" }, "WEBHOOK_SECRET_TOO_SHORT", /at least|24/],
    ];
    for (const [name, input, code, message] of cases) {
      const result = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: target, query: "subscription { refundEvents { to } }", ...input });
      expect(result.createAppWebhook.userErrors.map((error) => error.code), name).toEqual([code]);
      expect(result.createAppWebhook.userErrors[0]!.message, name).toMatch(message);
      expect(result.createAppWebhook.webhook, name).toBeNull();
    }
    // An unknown event is not an AppEvent: refused by the schema before anything runs.
    await expect(registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: target, event: "REFUND_EXPLODED" })).rejects.toThrow(/REFUND_EXPLODED/);
    // Another shop's app, and roles that do not manage apps.
    const foreign = await registerWebhook(other.staff.SHOP_ADMIN, { appId, targetUrl: target, query: "subscription { refundEvents { to } }" });
    expect(foreign.createAppWebhook.userErrors.map((error) => error.code)).toEqual(["NOT_FOUND"]);
    const agent = await registerWebhook(shop.staff.AGENT, { appId, targetUrl: target, query: "subscription { refundEvents { to } }" });
    expect(agent.createAppWebhook.userErrors.map((error) => error.code)).toEqual(["FORBIDDEN"]);

    const stored = await server.app.db.prisma.appWebhook.count({ where: { app: { name: "bad-input" } } });
    expect(stored).toBe(0);
  });

  it("sends REFUND_BATCH_FINISHED once per batch, with the summary its document asks for, and refuses a batch document without $batchId", async () => {
    const appId = await registerApp(shop.staff.SHOP_ADMIN, "batch-report", ["READ_REFUNDS"]);
    const registered = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/batch`, event: "REFUND_BATCH_FINISHED", query: BATCH_DOCUMENT });
    expect(registered.createAppWebhook.userErrors).toEqual([]);
    // The same app follows the refunds' own moves at another URL: they never reach /batch.
    const perRefund = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/batch-refunds`, query: "subscription { refundEvents { action } }" });
    expect(perRefund.createAppWebhook.userErrors).toEqual([]);
    const refused: Array<[string, RegExp]> = [
      ["subscription { refundEvents { to } }", /refundEvents \(line 1, column 16\) is not the root field of a REFUND_BATCH_FINISHED webhook/],
      ['subscription {\n  refundBatchProgress(batchId: "UmVmdW5kQmF0Y2g6eA==") { finished } }', /\(line 1, column 1\) must declare exactly one variable, \$batchId: ID!/],
      ["subscription ($batchId: ID!) { refundEvents { to } }", /is never used|not the root field/],
    ];
    for (const [query, message] of refused) {
      const result = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/batch`, event: "REFUND_BATCH_FINISHED", query });
      expect(result.createAppWebhook.userErrors.map((error) => error.code), query).toEqual(["WEBHOOK_QUERY_INVALID"]);
      expect(result.createAppWebhook.userErrors[0]!.message, query).toMatch(message);
      expect(result.createAppWebhook.webhook, query).toBeNull();
    }
    // A refund event's webhook may not take the batch's document either.
    const misplaced = await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/batch`, query: BATCH_DOCUMENT });
    expect(misplaced.createAppWebhook.userErrors.map((error) => error.code)).toEqual(["WEBHOOK_QUERY_INVALID"]);
    expect(await server.app.db.prisma.appWebhook.count({ where: { appId: Buffer.from(appId, "base64").toString().split(":")[1] } })).toBe(2);

    const refunds = await Promise.all([requestShippedRefund(shop, "webhook-batch-1"), requestShippedRefund(shop, "webhook-batch-2")]);
    await until("the classifications' POSTs", async () => receiver.on("/batch-refunds").length === 2);
    const ran = await shop.staff.AGENT.request<{ batchTransitionRefunds: { batch: { id: string }; results: Array<{ ok: boolean }>; userErrors: unknown[] } }>(BATCH, {
      input: { refundIds: refunds.map((refund) => refund.refundId), action: "APPROVE" },
    });
    expect(ran.batchTransitionRefunds.userErrors).toEqual([]);
    expect(ran.batchTransitionRefunds.results.map((result) => result.ok)).toEqual([true, true]);
    const batchId = ran.batchTransitionRefunds.batch.id;
    await until("the batch's POST", async () => receiver.on("/batch").length === 1);
    await until("the approvals' POSTs", async () => receiver.on("/batch-refunds").length === 4);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const posted = receiver.on("/batch");
    expect(posted).toHaveLength(1);
    expect(posted[0]!.event).toBe("REFUND_BATCH_FINISHED");
    expect(verifyWebhookSignature(SECRET, posted[0]!.body, posted[0]!.signature)).toBe(true);
    expect(JSON.parse(posted[0]!.body)).toEqual({ refundBatchProgress: { batch: { id: batchId, action: "APPROVE", total: 2, succeeded: 2, failed: 0 } } });
    expect(receiver.on("/batch-refunds").map((entry) => entry.event)).toEqual(["REFUND_TRANSITIONED", "REFUND_TRANSITIONED", "REFUND_TRANSITIONED", "REFUND_TRANSITIONED"]);

    const deliveries = await deliveriesOf(shop.staff.SHOP_ADMIN, appId);
    const batchDeliveries = deliveries.filter((delivery) => delivery.event === "REFUND_BATCH_FINISHED");
    expect(batchDeliveries).toEqual([expect.objectContaining({ status: "DELIVERED", attempts: 1, refundId: null, batchId })]);
    expect(Buffer.from(batchDeliveries[0]!.id, "base64").toString().split(":")[1]).toBe(posted[0]!.deliveryId);
    expect(deliveries.filter((delivery) => delivery.event === "REFUND_TRANSITIONED").every((delivery) => delivery.batchId === null && delivery.refundId !== null)).toBe(true);

    // Redelivered, the summary is run again and sent again, signed.
    const redelivered = await shop.staff.SHOP_ADMIN.request<{ redeliverWebhook: { userErrors: unknown[] } }>(REDELIVER, { input: { deliveryId: batchDeliveries[0]!.id } });
    expect(redelivered.redeliverWebhook.userErrors).toEqual([]);
    await until("the redelivered batch POST", async () => receiver.on("/batch").length === 2);
    expect(receiver.on("/batch")[1]!.body).toBe(posted[0]!.body);
  });

  it("costs a shop with one webhook app one INSERT per transition in the transaction, and a shop with none nothing", async () => {
    const { refundId } = await requestShippedRefund(shop, "webhook-cost");
    const plain = await setupShop(server);
    const { refundId: plainId } = await requestShippedRefund(plain, "webhook-cost-plain");
    const appWebhookStatements = async (client: GraphQLClient, id: string) => {
      const statements = await statementsOf(server.app, async () => {
        const result = await client.request<{ transitionRefund: { userErrors: unknown[] } }>(APPROVE, { input: { refundId: id, action: "APPROVE" } });
        expect(result.transitionRefund.userErrors).toEqual([]);
      });
      // The transaction's own statements: the delivery's claim and its work after commit left out.
      return statements.filter((sql) => /AppWebhook/.test(sql) && !/SKIP LOCKED/.test(sql) && !/"AppWebhook"\."id" IN|UPDATE "public"\."AppWebhookDelivery"/.test(sql));
    };
    // Both shops' webhooks are cached by their earlier transitions: no read, one insert.
    const withApps = await appWebhookStatements(shop.staff.AGENT, refundId);
    expect(withApps, withApps.join("\n")).toHaveLength(1);
    expect(withApps[0]).toMatch(/^INSERT INTO "public"\."AppWebhookDelivery"/);
    expect(await appWebhookStatements(plain.staff.AGENT, plainId)).toEqual([]);
    // Nor does a batch of a shop with no webhook: the cached webhooks say no batch webhook either.
    const { refundId: plainBatched } = await requestShippedRefund(plain, "webhook-cost-plain-batch");
    const statements = await statementsOf(server.app, async () => {
      const ran = await plain.staff.AGENT.request<{ batchTransitionRefunds: { results: Array<{ ok: boolean }> } }>(BATCH, { input: { refundIds: [plainBatched], action: "APPROVE" } });
      expect(ran.batchTransitionRefunds.results).toEqual([{ ok: true }]);
    });
    expect(statements.some((sql) => /"RefundBatch"/.test(sql))).toBe(true);
    expect(statements.filter((sql) => /AppWebhook/.test(sql))).toEqual([]);
  });
});

describe.each(backends)("app webhooks across a restart on %s", (kind) => {
  let database: TestDatabase;
  let app: App | undefined;
  const receiver = new Receiver();
  const adminToken = `restart-admin-${randomBytes(6).toString("hex")}`;

  const start = async () => {
    const started = await createApp({
      ...database.options,
      bootstrapAdminToken: adminToken,
      logLevel: "error",
      plugins: [],
      appWebhooks: { retryBaseMs: 100, retryMaxMs: 200, maxAttempts: 50, sweepIntervalMs: 200 },
      limits: { budget: { max: 1_000_000, refillPerSecond: 1_000_000 } },
    });
    const url = await started.listen();
    return { started, url };
  };

  beforeAll(async () => {
    await receiver.start();
    database = await createTestDatabase(kind);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
    await receiver.stop();
  });

  it("sends what was queued before the server stopped once it runs again", async () => {
    const first = await start();
    app = first.started;
    const testServer: TestServer = {
      app: first.started,
      url: first.url,
      admin: new GraphQLClient(first.url, { headers: { authorization: `Bearer ${adminToken}` } }),
      client: (token?: string) => new GraphQLClient(first.url, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
      stop: async () => {},
    };
    const shop = await setupShop(testServer);
    const appId = await registerApp(shop.staff.SHOP_ADMIN, "restart", ["READ_REFUNDS"]);
    await registerWebhook(shop.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/restart`, query: "subscription { refundEvents { to } }" });
    receiver.down = true;
    await requestShippedRefund(shop, "webhook-restart");
    await until("a failed attempt", async () => (await app!.db.prisma.appWebhookDelivery.findFirst({ where: { attempts: { gte: 1 } } })) !== null);
    await app.close();
    app = undefined;
    receiver.down = false;

    const second = await start();
    app = second.started;
    // The receiver has the POST before the worker records its answer: wait for the record.
    const delivery = await until("the delivery recorded as sent by the restarted server", async () => {
      const row = await app!.db.prisma.appWebhookDelivery.findFirstOrThrow({});
      return row.status === "DELIVERED" && row;
    });
    expect(delivery.attempts).toBeGreaterThanOrEqual(2);
    expect(receiver.on("/restart")).toHaveLength(1);
    expect(JSON.parse(receiver.on("/restart")[0]!.body)).toEqual({ refundEvents: { to: "PENDING_REVIEW" } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(receiver.on("/restart")).toHaveLength(1);
  });
});

describe.each(backends)("statements of a transition with one webhook app on %s", (kind) => {
  let server: TestServer;
  const receiver = new Receiver();

  beforeAll(async () => {
    await receiver.start();
    // Sweeps slowed, so that the delivery an APPROVE queues is sent by its own dispatch (counted)
    // rather than taken over by a sweep.
    server = await startTestServer(kind, {
      appWebhooks: { sweepIntervalMs: 600_000 },
      paymentSweepIntervalMs: 600_000,
      hookDelivery: { sweepIntervalMs: 600_000 },
      timers: { sweepIntervalMs: 600_000 },
    });
  });
  afterAll(async () => {
    await server?.stop();
    await receiver.stop();
  });

  /** Everything an APPROVE sets off, its webhook's POST included. */
  async function approveStatements(shop: TestShop): Promise<string[]> {
    // Warm: the shop's webhooks are read once per process, by its first transition.
    await requestShippedRefund(shop, "warm-up");
    const { refundId } = await requestShippedRefund(shop, "counted");
    return statementsOf(server.app, () => shop.staff.AGENT.request(APPROVE, { input: { refundId, action: "APPROVE" } }));
  }

  it("is one INSERT in the transaction and 8 statements to send it, beside the same APPROVE with no app", async () => {
    const plain = await setupShop(server);
    const withApp = await setupShop(server);
    const appId = await registerApp(withApp.staff.SHOP_ADMIN, "counted", ["READ_REFUNDS", "READ_ORDERS", "READ_CUSTOMERS"]);
    await registerWebhook(withApp.staff.SHOP_ADMIN, { appId, targetUrl: `${receiver.url}/counted` });

    const without = await approveStatements(plain);
    const withWebhook = await approveStatements(withApp);
    expect(receiver.on("/counted").length).toBeGreaterThanOrEqual(3);
    expect(without.filter((sql) => /AppWebhook/.test(sql))).toEqual([]);
    expect(withWebhook.filter((sql) => /INSERT INTO "public"\."AppWebhookDelivery"/.test(sql))).toHaveLength(1);
    // Claim; the webhooks and their apps; the document's reads (transition, refund, order,
    // customer); the outcome.
    expect(withWebhook.length - without.length, withWebhook.join("\n")).toBeLessThanOrEqual(9);
  });
});
