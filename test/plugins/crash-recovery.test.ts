// A server killed with SIGKILL while after-hook effects are queued or in flight: after a
// restart they all finish, and no coupon or notification exists twice.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { createTestDatabase, type TestDatabase, postgresAvailable } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../support/processes.js";
import { type TestServer, type TestShop, setupShop } from "../support/server.js";

const REFUNDS = 4;

describe.skipIf(!postgresAvailable)("effects queued when a server is killed (PostgreSQL)", () => {
  let database: TestDatabase;
  let db: Database;
  let receiver: Server;
  let serverProcess: ServerProcess | undefined;
  /** While true the gateway never answers: deliveries stay in flight until the kill. */
  let gatewayHangs = true;
  const received: string[] = [];
  const hanging: ServerResponse[] = [];
  const adminToken = `crash-admin-${randomBytes(8).toString("hex")}`;

  beforeAll(async () => {
    receiver = createServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      request.on("end", () => {
        if (gatewayHangs) return void hanging.push(response);
        received.push(String(request.headers["idempotency-key"]));
        response.end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    database = await createTestDatabase("postgres");
    db = await openDatabase(database.options);
  });

  afterAll(async () => {
    if (serverProcess) await stopServerProcess(serverProcess, "SIGKILL");
    for (const response of hanging) response.destroy();
    await new Promise((resolve) => receiver.close(resolve));
    await db?.close();
    await database?.drop();
  });

  function start(): Promise<ServerProcess> {
    return startServerProcess({
      DATABASE_URL: database.options.databaseUrl!,
      BOOTSTRAP_ADMIN_TOKEN: adminToken,
      PLUGINS: "coupons,notifications",
      PLUGIN_RETRY_BASE_MS: "100",
      WORKER_CLAIM_MS: "1500",
    });
  }

  it("finishes every queued effect after a restart, with no duplicate coupon or notification", async () => {
    serverProcess = await start();
    const server = {
      url: serverProcess.url,
      admin: new GraphQLClient(serverProcess.url, { headers: { authorization: `Bearer ${adminToken}` } }),
      client: (token?: string) => new GraphQLClient(serverProcess!.url, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    } as TestServer;
    const shop: TestShop = await setupShop(server);
    const gateway = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/messages`;
    const configured = await shop.staff.SHOP_ADMIN.request<{ updatePluginSettings: { userErrors: unknown[] } }>(
      `mutation ($s: JSON!) { updatePluginSettings(input: { plugin: "notifications", settings: $s }) { userErrors { code message } } }`,
      { s: { webhookUrl: gateway, webhookSecret: "a-secret-of-16-chars" } },
    );
    expect(configured.updatePluginSettings.userErrors).toEqual([]);

    for (let index = 0; index < REFUNDS; index += 1) {
      const customer = await shop.customer(`c-crash-${index}`);
      const orderId = await shop.order(`c-crash-${index}`, { paidAmount: 8_900, shippingStatus: "NOT_SHIPPED" });
      const result = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" } });
      expect(result.requestRefund.userErrors).toEqual([]);
    }
    // Wait until messages are in flight to the (hanging) gateway, then kill the server.
    const inFlight = Date.now() + 15_000;
    while (hanging.length === 0 && Date.now() < inFlight) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(hanging.length).toBeGreaterThan(0);
    const killed = await stopServerProcess(serverProcess, "SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    const pendingAtKill = await db.prisma.pluginDelivery.count({ where: { status: "PENDING" } });
    expect(pendingAtKill).toBeGreaterThan(0);

    gatewayHangs = false;
    serverProcess = await start();
    const settled = Date.now() + 30_000;
    const refunds = () => db.prisma.refund.findMany({ where: { customer: { externalId: { startsWith: "c-crash-" } } } });
    while (Date.now() < settled) {
      const pending = await db.prisma.pluginDelivery.count({ where: { status: { not: "DELIVERED" } } });
      const notRefunded = (await refunds()).filter((refund) => refund.status !== "REFUNDED").length;
      if (pending === 0 && notRefunded === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const unfinished = await db.prisma.pluginDelivery.findMany({ where: { status: { not: "DELIVERED" } } });
    expect(unfinished, `${JSON.stringify(unfinished)}\n${serverProcess.output()}`).toEqual([]);

    const refunded = await refunds();
    expect(refunded.map((refund) => refund.status)).toEqual(Array(REFUNDS).fill("REFUNDED"));
    // One refund coupon per refund, whatever ran twice.
    const coupons = await db.prisma.coupon.findMany({ where: { refundId: { in: refunded.map((refund) => refund.id) } } });
    expect(coupons).toHaveLength(REFUNDS);
    expect(new Set(coupons.map((coupon) => coupon.refundId)).size).toBe(REFUNDS);
    // One notification per transition and channel, every one sent; the gateway may have seen
    // a message again after the kill, but always under the same idempotency key.
    const notifications = await db.prisma.notification.findMany({ where: { refundId: { in: refunded.map((refund) => refund.id) } } });
    expect(notifications.length).toBeGreaterThan(0);
    expect(new Set(notifications.map((n) => `${n.transitionId}:${n.channel}`)).size).toBe(notifications.length);
    expect(notifications.every((n) => n.status === "SENT")).toBe(true);
    expect(new Set(received).size).toBe(notifications.length);
  });
});
