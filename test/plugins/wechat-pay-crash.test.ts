// A server process killed (SIGKILL) between its WeChat Pay refund call and the record of the
// answer: WeChat made the refund, the platform recorded nothing. After a restart the attempt is
// queried by its out_refund_no — never sent again — and the refund ends REFUNDED, paid once.
import { randomBytes } from "node:crypto";
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.js";
import { type TestDatabase, createTestDatabase, postgresAvailable } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../support/processes.js";
import { type TestServer, setupShop } from "../support/server.js";
import { type WechatStandIn, startWechatStandIn } from "../support/wechat-pay-standin.js";

describe.skipIf(!postgresAvailable)("a server killed between the WeChat Pay call and its record (PostgreSQL)", () => {
  let database: TestDatabase;
  let db: Database;
  let standIn: WechatStandIn;
  let serverProcess: ServerProcess | undefined;
  const adminToken = `wx-crash-admin-${randomBytes(8).toString("hex")}`;

  beforeAll(async () => {
    standIn = await startWechatStandIn();
    database = await createTestDatabase("postgres");
    db = await openDatabase(database.options);
  });

  afterAll(async () => {
    if (serverProcess) await stopServerProcess(serverProcess, "SIGKILL");
    await standIn?.close();
    await db?.close();
    await database?.drop();
  });

  const start = () =>
    startServerProcess({
      DATABASE_URL: database.options.databaseUrl!,
      BOOTSTRAP_ADMIN_TOKEN: adminToken,
      PLUGINS: "wechat-pay",
      PAYMENT_API_URLS: `WECHAT_PAY=${standIn.url}`,
      WORKER_CLAIM_MS: "1500",
    });

  it("queries the attempt after the restart and pays once", async () => {
    serverProcess = await start();
    const server = {
      url: serverProcess.url,
      admin: new GraphQLClient(serverProcess.url, { headers: { authorization: `Bearer ${adminToken}` } }),
      client: (token?: string) => new GraphQLClient(serverProcess!.url, { headers: token ? { authorization: `Bearer ${token}` } : {} }),
    } as TestServer;
    const shop = await setupShop(server);
    const set = await shop.staff.SHOP_ADMIN.request<{ setPaymentAccount: { userErrors: unknown[] } }>(
      `mutation ($input: SetPaymentAccountInput!) { setPaymentAccount(input: $input) { userErrors { code message } } }`,
      { input: { provider: "WECHAT_PAY", account: standIn.account } },
    );
    expect(set.setPaymentAccount.userErrors).toEqual([]);
    const customer = await shop.customer("c-wx-crash");
    const transactionId = `42000${randomBytes(8).toString("hex")}`;
    standIn.addTransaction(transactionId, 8_900);
    const order = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } } }>(
      `mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } } }`,
      {
        input: {
          externalId: `wx-crash-${transactionId}`,
          customerExternalId: "c-wx-crash",
          items: [{ sku: "SKU-1", name: "商品", quantity: 1, unitPrice: 8_900 }],
          paidAmount: 8_900,
          paidAt: new Date().toISOString(),
          shippingStatus: "NOT_SHIPPED",
          payment: { provider: "WECHAT_PAY", reference: transactionId, totalAmount: 8_900 },
        },
      },
    );
    standIn.next("MADE_THEN_SILENT");
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId: order.upsertOrder.order.id, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" } });
    expect(requested.requestRefund.userErrors).toEqual([]);

    // WeChat made the refund; the server waits for an answer that will not come: kill it there.
    const made = Date.now() + 15_000;
    while (standIn.refunds().length === 0 && Date.now() < made) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(standIn.refunds()).toHaveLength(1);
    expect((await stopServerProcess(serverProcess, "SIGKILL")).signal).toBe("SIGKILL");
    const atKill = await db.prisma.paymentRefundAttempt.findFirstOrThrow({ where: { refund: { customer: { externalId: "c-wx-crash" } } } });
    expect(atKill.status).toBe("PENDING");

    serverProcess = await start();
    const settled = Date.now() + 30_000;
    const refund = () => db.prisma.refund.findFirstOrThrow({ where: { customer: { externalId: "c-wx-crash" } } });
    while ((await refund()).status !== "REFUNDED" && Date.now() < settled) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await refund()).status, serverProcess.output()).toBe("REFUNDED");
    expect(standIn.calls.refund).toBe(1);
    expect(standIn.calls.query).toBeGreaterThanOrEqual(1);
    expect(standIn.paid(transactionId)).toBe(8_900);
    expect((await refund()).refundedAmount).toBe(8_900);
  }, 120_000);
});
