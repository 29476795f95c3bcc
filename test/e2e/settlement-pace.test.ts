// Intake keeps the pace of settlement (src/payments/settlement-pace.ts): a refund request waits
// while its process has MAX_UNSETTLED_PAYMENTS payment results of its own to record, and a slow
// provider's wait does not count. PostgreSQL only: the test holds a row lock from a transaction
// of its own beside the server's, which the embedded PGlite (one connection) cannot.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { eventually } from "../support/patience.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { rawId } from "../support/ids.js";
import { type WechatStandIn, startWechatStandIn } from "../support/wechat-pay-standin.js";

const REQUEST = /* GraphQL */ `
  mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { id status } userErrors { code } } }
`;

describe.skipIf(!postgresAvailable)("a refund request paced by its process's settlement work (PostgreSQL)", () => {
  let server: TestServer;
  let shop: TestShop;
  let wechat: WechatStandIn;
  let transactions = 0;
  /** Ends the test's transaction that holds the shop's row. */
  let unlock: (() => void) | undefined;

  beforeAll(async () => {
    wechat = await startWechatStandIn();
    server = await startTestServer("postgres", {
      plugins: ["wechat-pay"],
      paymentApiUrls: { WECHAT_PAY: wechat.url },
      maxUnsettledPayments: 1,
      // The held call is answered when the test says so, not cut short by the call's time-out.
      paymentCallTimeoutMs: 600_000,
      // Each payment is taken by the dispatch its commit starts, never by a sweep that might
      // claim it first: a swept payment is not the process's paced work, and the counts below
      // would not move.
      paymentSweepIntervalMs: 600_000,
    });
    shop = await setupShop(server);
    await shop.staff.SHOP_ADMIN.request(`mutation ($input: SetPaymentAccountInput!) { setPaymentAccount(input: $input) { userErrors { code } } }`, {
      input: { provider: "WECHAT_PAY", account: wechat.account },
    });
  });
  afterAll(async () => {
    // A failed test must not leave its lock held: the server's shutdown waits for the payment behind it.
    unlock?.();
    await server?.stop();
    await wechat?.close();
  });

  /** A customer of their own and an unshipped order paid by WeChat Pay: refunded at once when requested. */
  async function paidOrder(name: string) {
    const customer = await shop.customer(name);
    const transactionId = `42000099${(transactions += 1)}${Date.now()}`;
    wechat.addTransaction(transactionId, 5_000);
    const placed = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } } }>(
      `mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } } }`,
      {
        input: {
          externalId: `pace-${transactionId}`,
          customerExternalId: name,
          items: [{ sku: "SKU-1", name: "商品", quantity: 1, unitPrice: 5_000 }],
          paidAmount: 5_000,
          paidAt: new Date().toISOString(),
          shippingStatus: "NOT_SHIPPED",
          payment: { provider: "WECHAT_PAY", reference: transactionId, totalAmount: 5_000 },
        },
      },
    );
    const orderId = placed.upsertOrder.order.id;
    return () => customer.client.request<{ requestRefund: { refund: { id: string; status: string }; userErrors: unknown[] } }>(REQUEST, { input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" } });
  }

  it("takes requests while the provider is slow, holds them while the process records a result, and takes them again after", async () => {
    // The first refund's call is held at the provider: waiting for it is not the process's work.
    wechat.next("HELD");
    const first = (await (await paidOrder("pace-first"))()).requestRefund.refund;
    expect(first.status).toBe("REFUNDING");
    await eventually(async () => wechat.held(), (held) => held === 1);
    const second = (await (await paidOrder("pace-second"))()).requestRefund.refund;
    await waitForStatus(shop.staff.AGENT, second.id, "REFUNDED");

    // The shop's row is locked by a transaction of the test's: recording the first refund's result
    // (which writes its transition under the shop) waits for it once the provider answers. The
    // next order is placed before: placing it needs the shop's row too.
    const third = await paidOrder("pace-third");
    const unlocked = new Promise<void>((resolve) => (unlock = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const sideTransaction = server.app.db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "Shop" WHERE id = ${rawId(shop.shopId)} FOR UPDATE`;
        locked();
        await unlocked;
      },
      { timeout: 600_000, maxWait: 600_000 },
    );
    await lockTaken;
    wechat.releaseHeld();
    // The answer is in: the process has a result of its own to record, its one allowed; a new
    // request waits before it reads anything.
    await eventually(async () => server.app.payments.pace.unsettled, (unsettled) => unsettled === 1);
    expect(await firstIsRecorded()).toBe(false);
    let thirdAnswered = false;
    const thirdRequest = third().then((result) => {
      thirdAnswered = true;
      return result;
    });
    await eventually(async () => server.app.payments.pace.waiting, (waiting) => waiting === 1);
    expect(thirdAnswered).toBe(false);

    unlock!();
    await sideTransaction;
    const answered = await thirdRequest;
    expect(answered.requestRefund.userErrors).toEqual([]);
    await waitForStatus(shop.staff.AGENT, first.id, "REFUNDED");
    await waitForStatus(shop.staff.AGENT, answered.requestRefund.refund.id, "REFUNDED");
    expect(server.app.payments.pace.waiting).toBe(0);

    async function firstIsRecorded() {
      const attempt = await server.app.db.prisma.paymentRefundAttempt.findFirstOrThrow({ where: { refundId: rawId(first.id) } });
      return attempt.status === "SUCCEEDED";
    }
  });
});
