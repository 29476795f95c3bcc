// plugins/wechat-pay end to end: the real adapter (wechatpay-axios-plugin) against the WeChat Pay
// stand-in over real HTTP, on both backends — a paid refund, a repeated key, lost answers
// reconciled by query, PROCESSING settled by notification (before, after, twice) or by query,
// callbacks that do not verify, a provider down and back, ABNORMAL, the payment's total held
// across partial and concurrent refunds, the shop's account, and the money invariant.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import wechatPay from "../../plugins/wechat-pay/index.js";
import { WechatPayAdapter } from "../../plugins/wechat-pay/adapter.js";
import { backends } from "../support/databases.js";
import { PATIENCE_MS } from "../support/patience.js";
import { rawId } from "../support/ids.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult, type UserErrorView } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { type WechatStandIn, startWechatStandIn } from "../support/wechat-pay-standin.js";

const SET_ACCOUNT = /* GraphQL */ `
  mutation ($input: SetPaymentAccountInput!) {
    setPaymentAccount(input: $input) { account { provider settings secrets { field setAt fingerprint masked } } userErrors { code message field } }
  }
`;
const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) {
    upsertOrder(input: $input) { order { id payment { provider reference totalAmount { amount } refundedAmount { amount } } } userErrors { code message field } }
  }
`;
const ATTEMPTS = /* GraphQL */ `
  query ($id: ID!) {
    refund(id: $id) { status paymentAttempts(first: 10) { edges { node { provider status reference providerAnswer failureReason sentAt amount { amount } } } } }
  }
`;

type AttemptView = { provider: string; status: string; reference: string | null; providerAnswer: string | null; failureReason: string | null; sentAt: string | null; amount: { amount: number } };
type Account = WechatStandIn["account"];

/** Waits for a condition the payment worker brings about (no fixed sleep decides anything). */
async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = PATIENCE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(backends)("wechat-pay on %s", (kind) => {
  let standIn: WechatStandIn;
  let server: TestServer;
  let shop: TestShop;
  let customer: Awaited<ReturnType<TestShop["customer"]>>;
  let orders = 0;

  const setAccount = async (account: Partial<Account> | Record<string, unknown>, client = shop.staff.SHOP_ADMIN) =>
    (await client.request<{ setPaymentAccount: { account: { settings: Record<string, unknown>; secrets: Array<{ field: string; setAt: string; fingerprint: string; masked: string }> } | null; userErrors: UserErrorView[] } }>(
      SET_ACCOUNT,
      { input: { provider: "WECHAT_PAY", account } },
    )).setPaymentAccount;

  const upsertOrder = async (input: Record<string, unknown>, target = shop) =>
    (await target.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string; payment: { provider: string; reference: string; totalAmount: { amount: number }; refundedAmount: { amount: number } } | null } | null; userErrors: UserErrorView[] } }>(UPSERT_ORDER, {
      input: {
        externalId: `wx-order-${(orders += 1)}-${randomBytes(3).toString("hex")}`,
        customerExternalId: "wx-buyer",
        items: [{ sku: "SKU-1", name: "商品", quantity: 1, unitPrice: input.paidAmount ?? 100 }],
        paidAt: new Date().toISOString(),
        shippingStatus: "NOT_SHIPPED",
        ...input,
      },
    })).upsertOrder;

  /** An unshipped order paid with a WeChat Pay transaction of `total` (the order `paid` of it). */
  const wechatOrder = async (total: number, paid = total, transactionId = `42000${randomBytes(8).toString("hex")}`) => {
    standIn.addTransaction(transactionId, total);
    const result = await upsertOrder({ paidAmount: paid, payment: { provider: "WECHAT_PAY", reference: transactionId, totalAmount: total } });
    if (!result.order) throw new Error(JSON.stringify(result.userErrors));
    return { orderId: result.order.id, transactionId };
  };

  const request = async (orderId: string, amount?: number) =>
    (await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE", amount } })).requestRefund;

  const attempts = async (refundId: string) =>
    (await shop.staff.FINANCE.request<{ refund: { status: string; paymentAttempts: { edges: Array<{ node: AttemptView }> } } }>(ATTEMPTS, { id: refundId })).refund;

  const attemptRow = (refundId: string) => server.app.db.prisma.paymentRefundAttempt.findFirstOrThrow({ where: { refundId: rawId(refundId) }, orderBy: { createdAt: "desc" } });

  /** What the platform recorded as refunded through WeChat Pay for a transaction. */
  const recorded = async (transactionId: string) => {
    const rows = await server.app.db.prisma.refund.findMany({ where: { order: { payment: { reference: transactionId } }, status: "REFUNDED" }, select: { refundedAmount: true } });
    return rows.reduce((sum, row) => sum + row.refundedAmount, 0);
  };

  beforeAll(async () => {
    standIn = await startWechatStandIn();
    server = await startTestServer(kind, {
      plugins: [wechatPay],
      paymentApiUrls: { WECHAT_PAY: standIn.url },
      // The app's own clock of payments, shortened: a minute's reconciliation delay and the
      // backoff of a provider that is down pass in milliseconds here.
      paymentReconcileDelayMs: 150,
      paymentRetry: { baseMs: 20, maxMs: 100, maxAttempts: Number.POSITIVE_INFINITY },
      paymentCallTimeoutMs: 500,
      paymentSweepIntervalMs: 50,
      paymentClaimMs: 2_000,
    });
    shop = await setupShop(server);
    customer = await shop.customer("wx-buyer");
    const set = await setAccount(standIn.account);
    expect(set.userErrors).toEqual([]);
  });

  afterAll(async () => {
    await server?.stop();
    await standIn?.close();
  });

  it("keeps the shop's account write-only: secrets masked with when set and a fingerprint, audited, bad keys refused with the reason", async () => {
    const shown = (await server.app.db.prisma.paymentAccount.findFirstOrThrow({ where: { shopId: rawId(shop.shopId) } }));
    expect(shown.secrets).not.toContain("PRIVATE KEY");
    const again = await setAccount({ platformKeyId: standIn.account.platformKeyId });
    expect(again.userErrors).toEqual([]);
    expect(again.account!.settings).toEqual({ mchid: standIn.account.mchid, merchantSerialNo: standIn.account.merchantSerialNo, platformKeyId: standIn.account.platformKeyId, platformPublicKey: standIn.account.platformPublicKey });
    expect(again.account!.secrets.map((secret) => secret.field).sort()).toEqual(["apiV3Key", "privateKey"]);
    for (const secret of again.account!.secrets) {
      expect(secret.fingerprint).toMatch(/^[0-9a-f]{16}$/);
      expect(Date.parse(secret.setAt)).not.toBeNaN();
    }
    expect(again.account!.secrets.find((secret) => secret.field === "apiV3Key")!.masked).toBe(`****${standIn.account.apiV3Key.slice(-4)}`);
    expect(JSON.stringify(again)).not.toContain(standIn.account.apiV3Key);

    const badKey = await setAccount({ privateKey: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----" });
    expect(badKey.userErrors[0]).toMatchObject({ code: "INVALID_PAYMENT_ACCOUNT", field: ["input", "account", "privateKey"] });
    expect((await setAccount({ apiV3Key: "short" })).userErrors[0]!.code).toBe("INVALID_PAYMENT_ACCOUNT");
    expect((await setAccount({ platformPublicKey: "garbage" })).userErrors[0]!.message).toContain("platformPublicKey");
    expect((await setAccount(standIn.account, shop.staff.FINANCE)).userErrors[0]!.code).toBe("FORBIDDEN");
    const alipay = await shop.staff.SHOP_ADMIN.request<{ setPaymentAccount: { userErrors: UserErrorView[] } }>(SET_ACCOUNT, { input: { provider: "ALIPAY", account: {} } });
    expect(alipay.setPaymentAccount.userErrors[0]!.code).toBe("UNKNOWN_PAYMENT_PROVIDER");
    const audits = await server.app.db.prisma.auditEntry.findMany({ where: { shopId: rawId(shop.shopId), action: "SET_PAYMENT_ACCOUNT" } });
    expect(audits.length).toBe(2);
    expect(JSON.stringify(audits)).not.toContain(standIn.account.apiV3Key);
  });

  it("pays an unshipped order's refund back through WeChat Pay with no human touch", async () => {
    const { orderId, transactionId } = await wechatOrder(15_900);
    const requested = await request(orderId);
    expect(requested.userErrors).toEqual([]);
    const refundId = requested.refund!.id;
    await waitForStatus(customer.client, refundId, "REFUNDED");
    expect(standIn.paid(transactionId)).toBe(15_900);
    const [attempt] = (await attempts(refundId)).paymentAttempts.edges.map((edge) => edge.node);
    expect(attempt).toMatchObject({ provider: "WECHAT_PAY", status: "SUCCEEDED", providerAnswer: expect.stringContaining("SUCCESS"), amount: { amount: 15_900 } });
    expect(attempt!.reference).toBe(standIn.refunds().find((refund) => refund.transaction_id === transactionId)!.refund_id);
    expect(attempt!.sentAt).not.toBeNull();
    expect(standIn.signatureRefusals).toBe(0);
    // Finance and shop admins see attempts; an agent does not.
    await expect(shop.staff.AGENT.request(ATTEMPTS, { id: refundId })).rejects.toThrow(/FINANCE and SHOP_ADMIN/);
  });

  it("pays a repeated key once: WeChat answers the first refund again", async () => {
    const transactionId = `42000${randomBytes(8).toString("hex")}`;
    standIn.addTransaction(transactionId, 500);
    const adapter = new WechatPayAdapter(standIn.url, 2_000);
    const call = { idempotencyKey: `refund:repeat:${transactionId}`, amount: 300, currency: "CNY", orderReference: "o", payment: { reference: transactionId, totalAmount: 500 }, shopId: "s", notifyUrl: null };
    const first = await adapter.refund(call, standIn.account);
    const second = await adapter.refund(call, standIn.account);
    expect(first).toMatchObject({ status: "SUCCEEDED" });
    expect(second).toEqual(first);
    expect(standIn.paid(transactionId)).toBe(300);
  });

  it("queries a lost answer by the same key instead of sending it again", async () => {
    const { orderId, transactionId } = await wechatOrder(2_000);
    const before = { ...standIn.calls };
    standIn.next("LOST_ANSWER");
    const refundId = (await request(orderId)).refund!.id;
    await waitForStatus(customer.client, refundId, "REFUNDED");
    expect(standIn.calls.refund - before.refund).toBe(1);
    expect(standIn.calls.query - before.query).toBeGreaterThanOrEqual(1);
    expect(standIn.paid(transactionId)).toBe(2_000);
  });

  it("waits while WeChat answers PROCESSING, then settles by the notification; a second notification changes nothing", async () => {
    const { orderId, transactionId } = await wechatOrder(3_000);
    standIn.next("PROCESSING");
    standIn.nextQueries(...Array<"SERVER_ERROR">(1_000).fill("SERVER_ERROR")); // no reconciliation: only the notification settles it
    const refundId = (await request(orderId)).refund!.id;
    const processing = await until("processing", () => attemptRow(refundId), (row) => row.status === "PROCESSING");
    expect(processing.providerAnswer).toBe("PROCESSING");
    expect((await attempts(refundId)).status).toBe("REFUNDING");
    standIn.settle(processing.idempotencyKey, "SUCCESS");
    expect((await standIn.notify(processing.idempotencyKey)).status).toBe(204);
    await waitForStatus(customer.client, refundId, "REFUNDED");
    const version = (await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(refundId) } })).version;
    expect((await standIn.notify(processing.idempotencyKey)).status).toBe(204);
    expect((await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(refundId) } })).version).toBe(version);
    standIn.nextQueries();
    expect(standIn.paid(transactionId)).toBe(3_000);
    expect(await recorded(transactionId)).toBe(3_000);
  });

  it("settles by a notification that comes before the platform learnt the call's outcome", async () => {
    const { orderId, transactionId } = await wechatOrder(1_200);
    standIn.next("LOST_ANSWER"); // WeChat made the refund; its answer never arrived
    standIn.nextQueries(...Array<"SERVER_ERROR">(1_000).fill("SERVER_ERROR")); // nor do the queries' answers
    const refundId = (await request(orderId)).refund!.id;
    const row = await until("made at WeChat", () => attemptRow(refundId), (attempt) => standIn.refunds().some((refund) => refund.out_refund_no === attempt.idempotencyKey));
    expect(row.status).toBe("PENDING");
    expect((await standIn.notify(row.idempotencyKey)).status).toBe(204);
    await waitForStatus(customer.client, refundId, "REFUNDED");
    standIn.nextQueries();
    expect(standIn.paid(transactionId)).toBe(1_200);
    expect(await recorded(transactionId)).toBe(1_200);
  });

  it("refuses tampered, stale, wrongly signed and unsigned notifications, and another shop's, with nothing changed", async () => {
    const { orderId } = await wechatOrder(800);
    standIn.next("PROCESSING");
    standIn.nextQueries(...Array<"SERVER_ERROR">(1_000).fill("SERVER_ERROR"));
    const refundId = (await request(orderId)).refund!.id;
    const row = await until("processing", () => attemptRow(refundId), (attempt) => attempt.status === "PROCESSING");
    standIn.settle(row.idempotencyKey, "SUCCESS");
    const snapshot = async () => ({
      refund: await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(refundId) }, select: { status: true, version: true } }),
      attempt: (await attemptRow(refundId)).status,
    });
    const before = await snapshot();
    for (const options of [{ tamper: true }, { staleSeconds: 600 }, { wrongKey: true }, { unsigned: true }]) {
      const answer = await standIn.notify(row.idempotencyKey, options);
      expect(answer.status, JSON.stringify(options)).toBeGreaterThanOrEqual(400);
      expect(JSON.parse(answer.body)).toMatchObject({ code: "FAIL" });
    }
    // Another shop with the same merchant account: the refund is not its own.
    const other = await setupShop(server);
    await other.staff.SHOP_ADMIN.request(SET_ACCOUNT, { input: { provider: "WECHAT_PAY", account: standIn.account } });
    const notifyUrl = standIn.refunds().find((refund) => refund.out_refund_no === row.idempotencyKey)!.notifyUrl!;
    const elsewhere = notifyUrl.replace(/[^/]+$/, encodeURIComponent(other.shopId));
    expect((await standIn.notify(row.idempotencyKey, { url: elsewhere })).status).toBe(404);
    expect(await snapshot()).toEqual(before);
    standIn.nextQueries();
    expect((await standIn.notify(row.idempotencyKey)).status).toBe(204);
    await waitForStatus(customer.client, refundId, "REFUNDED");
  });

  it("reconciles a PROCESSING refund by query when no notification comes", async () => {
    const { orderId, transactionId } = await wechatOrder(700);
    standIn.next("PROCESSING");
    const refundId = (await request(orderId)).refund!.id;
    const row = await until("processing", () => attemptRow(refundId), (attempt) => attempt.status === "PROCESSING");
    standIn.settle(row.idempotencyKey, "SUCCESS");
    await waitForStatus(customer.client, refundId, "REFUNDED");
    expect(standIn.paid(transactionId)).toBe(700);
  });

  it("keeps a refund owed while WeChat is down (5xx, rate limits, silence), then pays it once when it is back", async () => {
    const { orderId, transactionId } = await wechatOrder(4_400);
    standIn.next("SERVER_ERROR", "SERVER_ERROR", "RATE_LIMIT", "SILENCE", "SERVER_ERROR");
    standIn.nextQueries("SERVER_ERROR", "RATE_LIMIT");
    const refundId = (await request(orderId)).refund!.id;
    await waitForStatus(customer.client, refundId, "REFUNDED", 30_000);
    expect(standIn.paid(transactionId)).toBe(4_400);
    expect(standIn.refunds().filter((refund) => refund.transaction_id === transactionId)).toHaveLength(1);
  });

  it("turns ABNORMAL into REFUND_FAILED with WeChat's words; finance's retry is a new attempt that pays", async () => {
    const { orderId, transactionId } = await wechatOrder(990);
    standIn.next("ABNORMAL");
    const refundId = (await request(orderId)).refund!.id;
    await waitForStatus(customer.client, refundId, "REFUND_FAILED");
    const failed = (await attempts(refundId)).paymentAttempts.edges[0]!.node;
    expect(failed).toMatchObject({ status: "FAILED", providerAnswer: "ABNORMAL" });
    expect(failed.failureReason).toContain("ABNORMAL");
    const order = await server.app.db.prisma.payment.findFirstOrThrow({ where: { reference: transactionId } });
    expect(order.reservedAmount).toBe(0);
    const retried = await shop.staff.FINANCE.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "RETRY_PAYMENT" } });
    expect(retried.transitionRefund.userErrors).toEqual([]);
    await waitForStatus(customer.client, refundId, "REFUNDED");
    expect(standIn.paid(transactionId)).toBe(990);
  });

  it("lets finance record a refund paid back by hand (recordManualRefund), and no one else", async () => {
    const { orderId, transactionId } = await wechatOrder(650);
    standIn.next("ABNORMAL");
    const refundId = (await request(orderId)).refund!.id;
    await waitForStatus(customer.client, refundId, "REFUND_FAILED");
    const MANUAL = /* GraphQL */ `
      mutation ($input: RecordManualRefundInput!) { recordManualRefund(input: $input) { refund { status refundedAmount { amount } } userErrors { code field } } }
    `;
    type Manual = { recordManualRefund: { refund: { status: string; refundedAmount: { amount: number } } | null; userErrors: UserErrorView[] } };
    const input = { refundId, reference: "ICBC-20261207-0001", note: "银行转账退回 (card closed)" };
    expect((await shop.staff.AGENT.request<Manual>(MANUAL, { input })).recordManualRefund.userErrors[0]!.code).toBe("FORBIDDEN");
    expect((await shop.staff.FINANCE.request<Manual>(MANUAL, { input: { ...input, note: " " } })).recordManualRefund.userErrors[0]!.code).toBe("NOTE_REQUIRED");
    const recordedByHand = await shop.staff.FINANCE.request<Manual>(MANUAL, { input });
    expect(recordedByHand.recordManualRefund).toEqual({ refund: { status: "REFUNDED", refundedAmount: { amount: 650 } }, userErrors: [] });
    const [, manual] = (await attempts(refundId)).paymentAttempts.edges.map((edge) => edge.node);
    expect(manual).toMatchObject({ status: "SUCCEEDED", reference: "ICBC-20261207-0001", providerAnswer: "MANUAL" });
    expect((await shop.staff.FINANCE.request<Manual>(MANUAL, { input })).recordManualRefund.userErrors[0]!.code).toBe("REFUND_TERMINAL");
    await server.app.payments.drain();
    expect(standIn.paid(transactionId)).toBe(0); // nothing was sent to WeChat for it
    expect((await server.app.db.prisma.payment.findFirstOrThrow({ where: { reference: transactionId } })).reservedAmount).toBe(650);
  });

  it("refuses more than the payment's total across orders, partial and concurrent refunds (AMOUNT_EXCEEDS_PAYMENT) before any call", async () => {
    const transactionId = `42000${randomBytes(8).toString("hex")}`;
    standIn.addTransaction(transactionId, 1_000);
    const first = await upsertOrder({ paidAmount: 600, payment: { provider: "WECHAT_PAY", reference: transactionId, totalAmount: 1_000 } });
    const second = await upsertOrder({ paidAmount: 600, payment: { provider: "WECHAT_PAY", reference: transactionId, totalAmount: 1_000 } });
    const third = await upsertOrder({ paidAmount: 600, payment: { provider: "WECHAT_PAY", reference: transactionId, totalAmount: 1_000 } });
    const calls = standIn.calls.refund;
    const partial = await request(first.order!.id, 500);
    expect(partial.userErrors).toEqual([]);
    const [a, b] = await Promise.all([request(second.order!.id, 400), request(third.order!.id, 400)]);
    const outcomes = [a, b].map((result) => result.userErrors[0]?.code ?? "OK").sort();
    expect(outcomes).toEqual(["AMOUNT_EXCEEDS_PAYMENT", "OK"]);
    await until("paid", async () => standIn.paid(transactionId), (paid) => paid === 900);
    expect(standIn.calls.refund - calls).toBe(2);
    const payment = await upsertOrder({ externalId: `x-${randomBytes(2).toString("hex")}`, paidAmount: 1, payment: { provider: "WECHAT_PAY", reference: transactionId, totalAmount: 1_000 } });
    expect(payment.order!.payment).toMatchObject({ provider: "WECHAT_PAY", totalAmount: { amount: 1_000 }, refundedAmount: { amount: 900 } });
    expect((await request(payment.order!.id, 1)).userErrors).toEqual([]);
    expect((await request(first.order!.id, 100)).userErrors[0]!.code).toBe("AMOUNT_EXCEEDS_PAYMENT");
  });

  it("answers bad payment input with stable codes and writes nothing", async () => {
    const before = await server.app.db.prisma.order.count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ provider: "ALIPAY", reference: "2024", totalAmount: 100 }, "UNKNOWN_PAYMENT_PROVIDER"],
      [{ provider: "WECHAT_PAY", totalAmount: 100 }, "PAYMENT_REFERENCE_REQUIRED"],
      [{ provider: "WECHAT_PAY", reference: " ", totalAmount: 100 }, "PAYMENT_REFERENCE_REQUIRED"],
      [{ provider: "WECHAT_PAY", reference: "42", totalAmount: -5 }, "INVALID_AMOUNT"],
      [{ provider: "WECHAT_PAY", reference: "42", totalAmount: 50 }, "AMOUNT_EXCEEDS_PAYMENT"],
    ];
    for (const [payment, code] of cases) {
      const result = await upsertOrder({ paidAmount: 100, payment });
      expect(result.userErrors.map((error) => error.code), JSON.stringify(payment)).toEqual([code]);
    }
    expect(await server.app.db.prisma.order.count()).toBe(before);
  });

  it("holds the money invariant over partial refunds, retries, lost answers and duplicate notifications", async () => {
    const transactions: string[] = [];
    const script: Array<Parameters<WechatStandIn["next"]>[0]> = ["SUCCESS", "LOST_ANSWER", "SERVER_ERROR", "PROCESSING", "RATE_LIMIT", "ABNORMAL", "SILENCE", "SUCCESS"];
    const refunds: string[] = [];
    for (const [index, answer] of script.entries()) {
      const { orderId, transactionId } = await wechatOrder(1_000 + index * 10);
      transactions.push(transactionId);
      standIn.next(answer);
      const first = await request(orderId, 400);
      refunds.push(first.refund!.id);
      const second = await request(orderId, 300);
      refunds.push(second.refund!.id);
    }
    // Notifications, each sent twice, for whatever WeChat has processed; retries of failures.
    const settledOrFailed = async () => {
      for (const refund of standIn.refunds()) {
        if (refund.status === "PROCESSING") standIn.settle(refund.out_refund_no, "SUCCESS");
        if (refund.notifyUrl) {
          await standIn.notify(refund.out_refund_no);
          await standIn.notify(refund.out_refund_no);
        }
      }
      const statuses = await Promise.all(refunds.map(async (id) => (await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(id) } })).status));
      for (const [index, status] of statuses.entries()) {
        if (status === "REFUND_FAILED") await shop.staff.FINANCE.request(TRANSITION_REFUND, { input: { refundId: refunds[index], action: "RETRY_PAYMENT" } });
      }
      return statuses;
    };
    await until("all refunded", settledOrFailed, (statuses) => statuses.every((status) => status === "REFUNDED"), 60_000);
    for (const [index, transactionId] of transactions.entries()) {
      const paid = standIn.paid(transactionId);
      expect(paid, transactionId).toBe(await recorded(transactionId));
      expect(paid).toBe(700);
      expect(paid).toBeLessThanOrEqual(1_000 + index * 10);
    }
  });
});
