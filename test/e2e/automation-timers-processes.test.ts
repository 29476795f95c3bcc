// Timers across real server processes on one PostgreSQL: a due timer survives a SIGKILL between
// the request and the deadline, and two processes sweeping the same database apply it once.
import { randomBytes } from "node:crypto";
import { GraphQLClient } from "graphql-request";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { createTestDatabase, type TestDatabase, postgresAvailable } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../support/processes.js";
import { type TestServer, type TestShop, setupShop } from "../support/server.js";
import { PATIENCE_MS } from "../support/patience.js";

const TIMER = "No review within 2 min: approve";
/** A timer's minute lasts 1.5 s here: 2 minutes = 3 s. */
const env = { TIMER_MINUTE_MS: "1500", TIMER_SWEEP_MS: "100", WORKER_CLAIM_MS: "1000", PLUGINS: "none" };

describe.skipIf(!postgresAvailable)("automation timers across server processes (PostgreSQL)", () => {
  let database: TestDatabase;
  let db: Database;
  let processes: ServerProcess[] = [];
  const adminToken = `timer-admin-${randomBytes(8).toString("hex")}`;

  beforeEach(async () => {
    database = await createTestDatabase("postgres");
  });
  afterEach(async () => {
    await Promise.all(processes.map((server) => stopServerProcess(server, "SIGKILL")));
    processes = [];
    await db?.close();
    await database?.drop();
  });

  const start = async () => {
    const server = await startServerProcess({ ...env, DATABASE_URL: database.options.databaseUrl!, BOOTSTRAP_ADMIN_TOKEN: adminToken });
    processes.push(server);
    return server;
  };
  const via = (server: ServerProcess): TestServer =>
    ({
      url: server.url,
      admin: new GraphQLClient(server.url, { headers: { authorization: `Bearer ${adminToken}` } }),
      client: (token?: string) => new GraphQLClient(server.url, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    }) as TestServer;

  async function shopWithTimer(server: ServerProcess): Promise<TestShop> {
    const shop = await setupShop(via(server));
    const set = await shop.staff.SHOP_ADMIN.request<{ setAutomationTimer: { userErrors: unknown[] } }>(
      `mutation ($input: SetAutomationTimerInput!) { setAutomationTimer(input: $input) { userErrors { code message } } }`,
      { input: { status: "PENDING_REVIEW", minutes: 2, action: "APPROVE", name: TIMER } },
    );
    expect(set.setAutomationTimer.userErrors).toEqual([]);
    return shop;
  }

  async function requestShipped(shop: TestShop, externalId: string): Promise<string> {
    const customer = await shop.customer(externalId);
    const orderId = await shop.order(externalId, { paidAmount: 15900, shippingStatus: "SHIPPED" });
    const result = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
    expect(result.requestRefund.refund!.status).toBe("PENDING_REVIEW");
    return result.requestRefund.refund!.id;
  }

  /** Waits until every refund of these customers was approved, then answers the timer's transitions per refund. */
  async function timerTransitions(prefix: string, count: number, timeoutMs = PATIENCE_MS) {
    const deadline = Date.now() + timeoutMs;
    const approvals = () => db.prisma.refundTransition.findMany({ where: { action: "APPROVE", refund: { customer: { externalId: { startsWith: prefix } } } } });
    while ((await approvals()).length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    // A few more sweeps: a duplicate would show now.
    await new Promise((resolve) => setTimeout(resolve, 800));
    return approvals();
  }

  it("applies a timer once after the server was killed between the request and the deadline", async () => {
    const first = await start();
    db = await openDatabase(database.options);
    const shop = await shopWithTimer(first);
    await requestShipped(shop, "c-killed-1");
    const killed = await stopServerProcess(first, "SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    processes = [];
    const pending = await db.prisma.refund.findMany({ where: { customer: { externalId: "c-killed-1" } } });
    expect(pending.map((refund) => [refund.status, refund.nextTimeoutAction, refund.nextTimeoutName])).toEqual([["PENDING_REVIEW", "APPROVE", TIMER]]);

    const second = await start();
    const approvals = await timerTransitions("c-killed-", 1);
    expect(approvals.map((t) => [t.actorKind, t.actorName, t.toStatus]), second.output()).toEqual([["RULE", TIMER, "AWAITING_WAREHOUSE"]]);
    const [refund] = await db.prisma.refund.findMany({ where: { customer: { externalId: "c-killed-1" } } });
    expect(refund).toMatchObject({ status: "AWAITING_WAREHOUSE", version: 3, nextTimeoutAt: null });
  });

  it("applies each timer once with two server processes sweeping one database", async () => {
    // One after the other: the second start finds the migrations applied. Both sweep every 100 ms.
    const one = await start();
    await start();
    db = await openDatabase(database.options);
    const shop = await shopWithTimer(one);
    const refunds = 6;
    for (let index = 0; index < refunds; index += 1) await requestShipped(shop, `c-two-${index}`);
    const approvals = await timerTransitions("c-two-", refunds);
    expect(approvals).toHaveLength(refunds);
    expect(new Set(approvals.map((t) => t.refundId)).size).toBe(refunds);
    expect(approvals.every((t) => t.actorKind === "RULE" && t.actorName === TIMER)).toBe(true);
  });
});
