// plugins/crm-risk: the score as a pure function, then the plugin end to end over GraphQL —
// holding HIGH-risk customers' automatic refunds, Customer.refundRisk, per-shop thresholds,
// and the signed CRM webhook with retries, against a real HTTP receiver on 127.0.0.1.
import { createHmac } from "node:crypto";
import { type IncomingHttpHeaders, type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RiskHistory, scoreRefundRisk } from "../../plugins/crm-risk/score.js";
import { crmRiskSettings } from "../../plugins/crm-risk/settings.js";
import { verifySignature } from "../../src/plugin/index.js";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, type UserErrorView } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { statementsOf } from "../support/statements.js";
import { PATIENCE_MS } from "../support/patience.js";

const DEFAULTS = crmRiskSettings.parse({});

function history(input: Partial<RiskHistory>): RiskHistory {
  return { windowDays: 90, orderCount: 0, paidAmount: 0, refundCount: 0, refundedAmount: 0, reasonCounts: {}, currency: "CNY", ...input };
}

describe("crm-risk score", () => {
  it("is 0 and LOW with no refund, and says nothing", () => {
    expect(scoreRefundRisk(history({ orderCount: 12, paidAmount: 120_000 }), DEFAULTS)).toEqual({ level: "LOW", score: 0, reasons: [] });
  });

  it("keeps a first order's one refund LOW: a 100% rate of one refund says little", () => {
    const risk = scoreRefundRisk(history({ orderCount: 1, paidAmount: 8900, refundCount: 1, refundedAmount: 8900, reasonCounts: { CHANGED_MIND: 1 } }), DEFAULTS);
    expect(risk.level).toBe("LOW");
    expect(risk.score).toBe(30); // 40/3 + 5 + 15/3 + 20/3
  });

  it("keeps a regular buyer's occasional mistake LOW", () => {
    const risk = scoreRefundRisk(history({ orderCount: 20, paidAmount: 200_000, refundCount: 2, refundedAmount: 9900, reasonCounts: { ORDERED_BY_MISTAKE: 2 } }), DEFAULTS);
    expect(risk).toMatchObject({ level: "LOW", score: 13 });
  });

  it("makes many recent refunds of most orders, for subjective reasons, HIGH with its reasons largest first", () => {
    const risk = scoreRefundRisk(
      history({ orderCount: 4, paidAmount: 35_600, refundCount: 4, refundedAmount: 17_800, reasonCounts: { CHANGED_MIND: 2, NOT_AS_DESCRIBED: 1, LOGISTICS: 1 } }),
      DEFAULTS,
    );
    // 40 (rate) + 20 (4 of 5 refunds) + 7.5 (half refunded) + 15 (3 of 4 risky)
    expect(risk).toEqual({
      level: "HIGH",
      score: 83,
      reasons: [
        "refund rate 100% (4 refunds for 4 orders)",
        "4 refund requests in the last 90 days",
        "75% of refunds for NOT_AS_DESCRIBED or CHANGED_MIND",
        "¥178.00 refunded, 50% of what was paid",
      ],
    });
  });

  it("places levels by the shop's thresholds, a threshold itself included", () => {
    const medium = history({ orderCount: 2, paidAmount: 20_000, refundCount: 2, reasonCounts: { CHANGED_MIND: 2 } });
    expect(scoreRefundRisk(medium, DEFAULTS)).toMatchObject({ level: "MEDIUM", score: 50 });
    expect(scoreRefundRisk(medium, { ...DEFAULTS, highThreshold: 50 }).level).toBe("HIGH");
    expect(scoreRefundRisk(medium, { ...DEFAULTS, mediumThreshold: 51, highThreshold: 90 }).level).toBe("LOW");
    expect(scoreRefundRisk(medium, { ...DEFAULTS, riskyReasons: [] })).toMatchObject({ level: "LOW", score: 37 });
  });

  it("stays within 0–100 when refunds outnumber the window's orders", () => {
    const risk = scoreRefundRisk(history({ orderCount: 1, paidAmount: 1000, refundCount: 12, refundedAmount: 50_000, reasonCounts: { CHANGED_MIND: 12 } }), DEFAULTS);
    expect(risk.score).toBe(100);
    expect(scoreRefundRisk(history({ orderCount: 0, refundCount: 3, reasonCounts: { OTHER: 3 } }), DEFAULTS).reasons[0]).toBe("refund rate 100% (3 refunds for 0 orders)");
  });

  it("has settings with defaults that refuse what makes no sense", () => {
    expect(DEFAULTS).toEqual({
      enabled: true,
      windowDays: 90,
      mediumThreshold: 40,
      highThreshold: 70,
      riskyReasons: ["NOT_AS_DESCRIBED", "CHANGED_MIND"],
      holdHighRisk: true,
    });
    expect(crmRiskSettings.safeParse({ mediumThreshold: 70, highThreshold: 70 }).success).toBe(false);
    expect(crmRiskSettings.safeParse({ crmWebhookUrl: "https://crm.example.com/hook" }).success).toBe(false);
    expect(crmRiskSettings.safeParse({ crmWebhookUrl: "ftp://crm.example.com", crmWebhookSecret: "s".repeat(16) }).success).toBe(false);
    expect(crmRiskSettings.safeParse({ hightThreshold: 80 }).success).toBe(false);
  });
});

// --- end to end ----------------------------------------------------------------------------

const CUSTOMER_RISK = /* GraphQL */ `
  query ($id: ID!) {
    node(id: $id) { ... on Customer { refundRisk { level score reasons refundCount orderCount windowDays crmLevel crmPushedAt } } }
  }
`;
const UPDATE_SETTINGS = /* GraphQL */ `
  mutation ($input: UpdatePluginSettingsInput!) {
    updatePluginSettings(input: $input) { plugin { name settings } userErrors { code message field } }
  }
`;
const REFUND_HISTORY = /* GraphQL */ `
  query ($id: ID!) {
    refund(id: $id) { status availableActions transitions { from to action note actor { kind role name } } }
  }
`;
const PLUGINS = /* GraphQL */ `query { plugins { name settings } }`;
const DEAD_LETTERS = /* GraphQL */ `query { pluginDeadLetters { id plugin status attempts lastError } }`;
const RETRY_DELIVERY = /* GraphQL */ `
  mutation ($input: RetryPluginDeliveryInput!) { retryPluginDelivery(input: $input) { delivery { status } userErrors { code message } } }
`;

interface RiskView {
  level: string;
  score: number;
  reasons: string[];
  refundCount: number;
  orderCount: number;
  windowDays: number;
  crmLevel: string | null;
  crmPushedAt: string | null;
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A CRM on 127.0.0.1 that records every POST and fails the first `failures` of them. */
async function startCrmReceiver(failures = 0) {
  const received: Received[] = [];
  let toFail = failures;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answered = toFail > 0 ? 503 : 200;
      if (toFail > 0) toFail -= 1;
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), answered });
      response.writeHead(answered, { "content-type": "application/json" }).end(JSON.stringify({ ok: answered === 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/crm/refund-risk`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.each(backends)("crm-risk plugin on %s", (kind) => {
  let server: TestServer;
  const receivers: Array<{ close(): Promise<void> }> = [];

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["crm-risk"], hookDelivery: { retryBaseMs: 50 } });
  });
  afterAll(async () => {
    await server?.stop();
    for (const receiver of receivers) await receiver.close();
  });

  async function request(client: GraphQLClient, orderId: string, reasonCode: string, type = "RETURN_AND_REFUND") {
    const result = await client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type, reasonCode } });
    expect(result.requestRefund.userErrors).toEqual([]);
    return result.requestRefund.refund!;
  }

  /** A customer with `reasons.length` delivered orders, each with a refund request (left in review). */
  async function customerWithRefunds(shop: TestShop, externalId: string, reasons: string[], extraOrders = 0) {
    const customer = await shop.customer(externalId);
    for (const reasonCode of reasons) {
      const orderId = await shop.order(externalId, { paidAmount: 8900, shippingStatus: "DELIVERED" });
      expect((await request(customer.client, orderId, reasonCode)).status).toBe("PENDING_REVIEW");
    }
    for (let i = 0; i < extraOrders; i += 1) await shop.order(externalId, { paidAmount: 8900, shippingStatus: "DELIVERED" });
    return customer;
  }

  async function riskOf(client: GraphQLClient, customerId: string): Promise<RiskView> {
    const result = await client.request<{ node: { refundRisk: RiskView } | null }>(CUSTOMER_RISK, { id: customerId });
    return result.node!.refundRisk;
  }

  async function updateSettings(shop: TestShop, settings: unknown) {
    const result = await shop.staff.SHOP_ADMIN.request<{
      updatePluginSettings: { plugin: { settings: Record<string, unknown> } | null; userErrors: UserErrorView[] };
    }>(UPDATE_SETTINGS, { input: { plugin: "crm-risk", settings } });
    return result.updatePluginSettings;
  }

  /** The SQL statements a query costs. */
  function statementsOfQuery(client: GraphQLClient, query: string): Promise<string[]> {
    return statementsOf(server.app, () => client.request(query));
  }

  /** Polls GraphQL until `check` holds for the customer's risk. */
  async function waitForRisk(client: GraphQLClient, customerId: string, check: (risk: RiskView) => boolean, timeoutMs = PATIENCE_MS): Promise<RiskView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const risk = await riskOf(client, customerId);
      if (check(risk)) return risk;
      if (Date.now() > deadline) throw new Error(`risk never matched: ${JSON.stringify(risk)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /**
   * Waits until every after-hook queued for the shop so far has run, so that later steps see
   * no late delivery of earlier transitions (a setup step: what tests check goes over GraphQL).
   */
  async function hooksSettled(shop: TestShop, timeoutMs = PATIENCE_MS): Promise<void> {
    const shopId = Buffer.from(shop.shopId, "base64").toString("utf8").split(":")[1]!;
    const deadline = Date.now() + timeoutMs;
    while ((await server.app.db.prisma.pluginDelivery.count({ where: { shopId, status: "PENDING" } })) > 0) {
      if (Date.now() > deadline) throw new Error("after-hooks still pending");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  it("holds a HIGH-risk customer's unshipped refund for review as the plugin, and refunds a LOW one at once", async () => {
    const shop = await setupShop(server);
    const risky = await customerWithRefunds(shop, "c-risky", ["CHANGED_MIND", "NOT_AS_DESCRIBED", "CHANGED_MIND", "OTHER"]);
    expect(await riskOf(shop.staff.AGENT, risky.id)).toMatchObject({ level: "HIGH", score: 75, refundCount: 4, orderCount: 4, windowDays: 90 });

    const orderId = await shop.order("c-risky", { paidAmount: 8900, shippingStatus: "NOT_SHIPPED" });
    const held = await request(risky.client, orderId, "CHANGED_MIND");
    expect(held.status).toBe("PENDING_REVIEW");
    const { refund } = await shop.staff.AGENT.request<{
      refund: { status: string; availableActions: string[]; transitions: Array<{ from: string | null; to: string; action: string; note: string | null; actor: { kind: string; name: string | null } }> };
    }>(REFUND_HISTORY, { id: held.id });
    expect(refund.transitions.map((t) => [t.from, t.to, t.action, t.actor.kind])).toEqual([
      [null, "REQUESTED", "REQUEST", "USER"],
      ["REQUESTED", "PENDING_REVIEW", "CLASSIFY", "PLUGIN"],
    ]);
    expect(refund.transitions[1]!.actor.name).toBe("crm-risk");
    expect(refund.transitions[1]!.note).toMatch(/^High refund risk \(score \d+\): refund rate 100% \(5 refunds for 5 orders\)/);
    expect(refund.availableActions).toContain("APPROVE");

    const loyal = await customerWithRefunds(shop, "c-loyal", [], 3);
    const loyalOrder = await shop.order("c-loyal", { paidAmount: 8900, shippingStatus: "NOT_SHIPPED" });
    const auto = await request(loyal.client, loyalOrder, "ORDERED_BY_MISTAKE");
    expect(auto.status).toBe("REFUNDING");
    await waitForStatus(loyal.client, auto.id, "REFUNDED");
    const { refund: refunded } = await shop.staff.AGENT.request<{ refund: { transitions: Array<{ to: string; actor: { kind: string } }> } }>(REFUND_HISTORY, { id: auto.id });
    expect(refunded.transitions.map((t) => `${t.to}:${t.actor.kind}`)).toEqual(["REQUESTED:USER", "REFUNDING:RULE", "REFUNDED:SYSTEM"]);
    expect((await riskOf(shop.staff.AGENT, loyal.id)).level).toBe("LOW");
  });

  it("answers Customer.refundRisk to staff, for a page of customers, and not to customers", async () => {
    const shop = await setupShop(server);
    const medium = await customerWithRefunds(shop, "c-medium", ["CHANGED_MIND", "CHANGED_MIND"]);
    await customerWithRefunds(shop, "c-quiet", ["LOGISTICS"], 5);
    for (let i = 0; i < 6; i += 1) await customerWithRefunds(shop, `c-page-${i}`, ["ORDERED_BY_MISTAKE"]);
    const risk = await riskOf(shop.staff.SHOP_ADMIN, medium.id);
    expect(risk).toEqual({
      level: "MEDIUM",
      score: 50,
      reasons: ["refund rate 100% (2 refunds for 2 orders)", "100% of refunds for NOT_AS_DESCRIBED or CHANGED_MIND", "2 refund requests in the last 90 days"],
      refundCount: 2,
      orderCount: 2,
      windowDays: 90,
      crmLevel: null,
      crmPushedAt: null,
    });

    const page = await shop.staff.AGENT.request<{
      refunds: { edges: Array<{ node: { customer: { externalId: string; refundRisk: { level: string; score: number } } } }> };
    }>(`query { refunds(first: 50) { edges { node { customer { externalId refundRisk { level score } } } } } }`);
    const levels = Object.fromEntries(page.refunds.edges.map((edge) => [edge.node.customer.externalId, edge.node.customer.refundRisk.level]));
    expect(levels).toMatchObject({ "c-medium": "MEDIUM", "c-quiet": "LOW", "c-page-0": "LOW", "c-page-5": "LOW" });
    expect(Object.keys(levels)).toHaveLength(8);

    // Scored in one batch for the page: settings, orders, refunds, reason tags, CRM flags.
    await hooksSettled(shop);
    const plain = await statementsOfQuery(shop.staff.AGENT, `query { refunds(first: 50) { edges { node { customer { externalId } } } } }`);
    const scored = await statementsOfQuery(shop.staff.AGENT, `query { refunds(first: 50) { edges { node { customer { externalId refundRisk { level } } } } } }`);
    expect(scored.length - plain.length, scored.join("\n")).toBeLessThanOrEqual(5);

    const own = await medium.client.request<{ node: { refundRisk: unknown } | null }>(CUSTOMER_RISK, { id: medium.id }).catch((error: unknown) => error);
    expect(JSON.stringify(own)).toContain("FORBIDDEN");
  });

  it("moves levels with the shop's thresholds set through updatePluginSettings, and holds by them", async () => {
    const shop = await setupShop(server);
    const customer = await customerWithRefunds(shop, "c-thresholds", ["CHANGED_MIND", "CHANGED_MIND"]);
    expect((await riskOf(shop.staff.AGENT, customer.id)).level).toBe("MEDIUM");

    const raised = await updateSettings(shop, { mediumThreshold: 60, highThreshold: 90 });
    expect(raised.userErrors).toEqual([]);
    expect(raised.plugin!.settings).toMatchObject({ enabled: true, mediumThreshold: 60, highThreshold: 90, windowDays: 90 });
    expect((await riskOf(shop.staff.AGENT, customer.id)).level).toBe("LOW");

    expect((await updateSettings(shop, { highThreshold: 50 })).userErrors).toEqual([]);
    expect((await riskOf(shop.staff.AGENT, customer.id))).toMatchObject({ level: "HIGH", score: 50 });
    const orderId = await shop.order("c-thresholds", { paidAmount: 5000, shippingStatus: "NOT_SHIPPED" });
    expect((await request(customer.client, orderId, "CHANGED_MIND")).status).toBe("PENDING_REVIEW");

    // A shop may score without holding.
    expect((await updateSettings(shop, { highThreshold: 50, holdHighRisk: false })).userErrors).toEqual([]);
    const next = await shop.order("c-thresholds", { paidAmount: 5000, shippingStatus: "NOT_SHIPPED" });
    expect((await request(customer.client, next, "CHANGED_MIND")).status).toBe("REFUNDING");
    // Nor does another shop's setting reach this one's customers.
    const other = await setupShop(server);
    const elsewhere = await customerWithRefunds(other, "c-thresholds", ["CHANGED_MIND", "CHANGED_MIND"]);
    expect((await riskOf(other.staff.AGENT, elsewhere.id)).level).toBe("MEDIUM");
  });

  it("refuses invalid settings with INVALID_INPUT and keeps the ones it had", async () => {
    const shop = await setupShop(server);
    expect((await updateSettings(shop, { highThreshold: 80 })).userErrors).toEqual([]);
    for (const settings of [
      { highThreshold: 150 },
      { mediumThreshold: 80, highThreshold: 60 },
      { windowDays: 0 },
      { enabled: "yes" },
      { crmWebhookUrl: "not a url", crmWebhookSecret: "0123456789abcdef" },
      { crmWebhookUrl: "https://crm.example.com/hook" },
      { crmWebhookUrl: "https://crm.example.com/hook", crmWebhookSecret: "short" },
      { hightThreshold: 90 },
      "HIGH",
    ]) {
      const result = await updateSettings(shop, settings);
      expect(result.plugin, JSON.stringify(settings)).toBeNull();
      expect(result.userErrors).toEqual([{ code: "INVALID_INPUT", message: expect.stringMatching(/^Invalid settings: /), field: ["input", "settings"] }]);
    }
    const { plugins } = await shop.staff.SHOP_ADMIN.request<{ plugins: Array<{ name: string; settings: Record<string, unknown> }> }>(PLUGINS);
    expect(plugins.find((plugin) => plugin.name === "crm-risk")!.settings).toMatchObject({ mediumThreshold: 40, highThreshold: 80 });
  });

  it("pushes a changed level to the CRM signed, retries a failing receiver with the same Idempotency-Key, and records it once", async () => {
    const crm = await startCrmReceiver(2);
    receivers.push(crm);
    const secret = "crm-secret-0123456789abcdef";
    const shop = await setupShop(server);
    // With MEDIUM from 60, two refunds stay LOW: nothing to push until the third.
    expect((await updateSettings(shop, { crmWebhookUrl: crm.url, crmWebhookSecret: secret, mediumThreshold: 60 })).userErrors).toEqual([]);
    const customer = await customerWithRefunds(shop, "c-crm", ["CHANGED_MIND", "NOT_AS_DESCRIBED"]);
    await hooksSettled(shop);
    expect(crm.received).toEqual([]);

    const orderId = await shop.order("c-crm", { paidAmount: 8900, shippingStatus: "DELIVERED" });
    const third = await request(customer.client, orderId, "CHANGED_MIND");
    const risk = await waitForRisk(shop.staff.AGENT, customer.id, (r) => r.crmLevel === "HIGH");
    expect(risk).toMatchObject({ level: "HIGH", score: 75, crmLevel: "HIGH" });
    expect(risk.crmPushedAt).not.toBeNull();

    expect(crm.received.map((r) => r.answered)).toEqual([503, 503, 200]);
    const keys = new Set(crm.received.map((r) => r.headers["idempotency-key"]));
    expect(keys.size).toBe(1);
    const [key] = keys;
    const requestTransition = await server.app.db.prisma.refundTransition.findFirstOrThrow({
      where: { refundId: rawId(third.id), fromStatus: null },
    });
    expect(key).toBe(`crm-risk:${requestTransition.id}`);
    for (const { headers, body } of crm.received) {
      expect(headers["content-type"]).toBe("application/json");
      expect(headers["x-refund-signature"]).toBe(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
      expect(verifySignature(secret, body, headers["x-refund-signature"] as string)).toBe(true);
      expect(verifySignature("another-secret-0123456789", body, headers["x-refund-signature"] as string)).toBe(false);
      expect(body).toBe(crm.received[0]!.body);
    }
    expect(JSON.parse(crm.received[2]!.body)).toEqual({
      event: "customer.refund_risk_changed",
      shopId: shop.shopId,
      customer: { id: customer.id, externalId: "c-crm", name: "Customer c-crm" },
      level: "HIGH",
      previousLevel: null,
      score: 75,
      reasons: risk.reasons,
      refundId: third.id,
      transitionId: Buffer.from(`RefundTransition:${requestTransition.id}`).toString("base64"),
      occurredAt: requestTransition.createdAt.toISOString(),
    });

    const flags = await server.app.db.prisma.customerRiskFlag.findMany({ where: { customerId: rawId(customer.id) } });
    expect(flags).toMatchObject([{ level: "HIGH", score: 75 }]);
    const delivery = await server.app.db.prisma.pluginDelivery.findUniqueOrThrow({
      where: { plugin_transitionId: { plugin: "crm-risk", transitionId: requestTransition.id } },
    });
    expect(delivery).toMatchObject({ status: "DELIVERED", attempts: 3 });

    // Still HIGH after one more refund: nothing new to push.
    const fourth = await shop.order("c-crm", { paidAmount: 8900, shippingStatus: "DELIVERED" });
    await request(customer.client, fourth, "CHANGED_MIND");
    await hooksSettled(shop);
    expect(crm.received).toHaveLength(3);
  });

  it("keeps an unreachable CRM's push as a dead letter that a shop admin retries once the URL is fixed", async () => {
    const down = await startCrmReceiver();
    await down.close(); // a port nothing listens on any more
    const crm = await startCrmReceiver();
    receivers.push(crm);
    const secret = "crm-secret-fedcba9876543210";
    const shop = await setupShop(server);
    const customer = await customerWithRefunds(shop, "c-dead", ["CHANGED_MIND", "CHANGED_MIND", "CHANGED_MIND"]);
    await hooksSettled(shop);
    expect((await updateSettings(shop, { crmWebhookUrl: down.url, crmWebhookSecret: secret })).userErrors).toEqual([]);

    const orderId = await shop.order("c-dead", { paidAmount: 8900, shippingStatus: "DELIVERED" });
    await request(customer.client, orderId, "NOT_AS_DESCRIBED");
    const deadline = Date.now() + PATIENCE_MS;
    let dead: Array<{ id: string; plugin: string; status: string; attempts: number; lastError: string | null }> = [];
    while (dead.length === 0) {
      if (Date.now() > deadline) throw new Error("the push never became a dead letter");
      ({ pluginDeadLetters: dead } = await shop.staff.SHOP_ADMIN.request<{ pluginDeadLetters: typeof dead }>(DEAD_LETTERS));
      if (dead.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(dead).toMatchObject([{ plugin: "crm-risk", status: "DEAD", attempts: 6, lastError: expect.stringMatching(/^CRM webhook unreachable/) }]);
    expect((await riskOf(shop.staff.AGENT, customer.id)).crmLevel).toBeNull();

    expect((await updateSettings(shop, { crmWebhookUrl: crm.url, crmWebhookSecret: secret })).userErrors).toEqual([]);
    const retried = await shop.staff.SHOP_ADMIN.request<{ retryPluginDelivery: { userErrors: unknown[] } }>(RETRY_DELIVERY, { input: { deliveryId: dead[0]!.id } });
    expect(retried.retryPluginDelivery.userErrors).toEqual([]);
    await waitForRisk(shop.staff.AGENT, customer.id, (r) => r.crmLevel === "HIGH");
    expect(crm.received).toHaveLength(1);
    expect(JSON.parse(crm.received[0]!.body)).toMatchObject({ level: "HIGH", previousLevel: null, customer: { externalId: "c-dead" } });
  });
});

function rawId(globalId: string): string {
  return Buffer.from(globalId, "base64").toString("utf8").split(":").slice(1).join(":");
}
