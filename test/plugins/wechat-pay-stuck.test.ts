// Money stuck at WeChat Pay: an attempt it answered PROCESSING and never settled. Finance sees
// why (the attempt's status, WeChat's last answer, since when it waits, when it is queried next,
// from when it may be settled by hand), may record it as paid by hand only once it has waited
// past that time, and WeChat's late answer afterwards neither pays nor records it twice.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETTLE_BY_HAND_AFTER_MS } from "../../src/domain/stuck-payments.js";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { REQUEST_REFUND, type RequestRefundResult, type UserErrorView } from "../support/operations.js";
import { eventually } from "../support/patience.js";
import { PAYMENT_PLUGINS, type PaymentStandIns, paidOrderInput, setPaymentAccounts, startPaymentStandIns } from "../support/payment-standins.js";
import { type TestServer, type TestShop, setupShop, startTestServer } from "../support/server.js";

const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message field } } }
`;
const ATTEMPTS = /* GraphQL */ `
  query ($id: ID!) {
    refund(id: $id) {
      status version refundedAmount { amount } transitions { action note }
      paymentAttempts(first: 5) { edges { node { provider status idempotencyKey providerAnswer failureReason reference manualNote sentAt nextTryAt waitingSince settleByHandFrom } } }
    }
  }
`;
const MANUAL = /* GraphQL */ `
  mutation ($input: RecordManualRefundInput!) { recordManualRefund(input: $input) { refund { status refundedAmount { amount } } userErrors { code message field } } }
`;
type Attempt = {
  provider: string; status: string; idempotencyKey: string; providerAnswer: string | null; failureReason: string | null; reference: string | null; manualNote: string | null;
  sentAt: string | null; nextTryAt: string | null; waitingSince: string | null; settleByHandFrom: string | null;
};
type View = { status: string; version: number; refundedAmount: { amount: number }; transitions: Array<{ action: string; note: string | null }>; paymentAttempts: { edges: Array<{ node: Attempt }> } };
type Manual = { recordManualRefund: { refund: { status: string; refundedAmount: { amount: number } } | null; userErrors: UserErrorView[] } };

describe.each(backends)("a WeChat Pay refund stuck in PROCESSING on %s", (kind) => {
  let standIns: PaymentStandIns;
  let server: TestServer;
  let shop: TestShop;
  /** How far the platform's clock is ahead of the real one: days pass for the services, not for the test. */
  let ahead = 0;

  beforeAll(async () => {
    standIns = await startPaymentStandIns();
    server = await startTestServer(kind, { plugins: PAYMENT_PLUGINS, paymentApiUrls: standIns.apiUrls, clock: () => new Date(Date.now() + ahead), paymentReconcileDelayMs: 200, paymentSweepIntervalMs: 100 });
    shop = await setupShop(server);
    await setPaymentAccounts(shop.staff.SHOP_ADMIN, standIns);
  });

  afterAll(async () => {
    await server?.stop();
    await standIns?.close();
  });

  const view = async (refundId: string) => (await shop.staff.FINANCE.request<{ refund: View }>(ATTEMPTS, { id: refundId })).refund;

  it("shows finance why, refuses to settle it by hand too early, settles it after the wait, and WeChat's late SUCCESS changes nothing", async () => {
    const { wechat } = standIns;
    const transactionId = `42000${randomBytes(10).toString("hex")}`;
    wechat.addTransaction(transactionId, 5_000);
    wechat.next("PROCESSING");
    // The bank never answers: every query of it says PROCESSING.
    const calls = { ...wechat.calls };
    const customer = await shop.customer("stuck-buyer");
    const order = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } | null } }>(UPSERT_ORDER, {
      input: paidOrderInput({ externalId: `stuck-${randomBytes(3).toString("hex")}`, customerExternalId: "stuck-buyer", provider: "WECHAT_PAY", reference: transactionId, amount: 5_000 }),
    });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId: order.upsertOrder.order!.id, type: "REFUND_ONLY", reasonCode: "OTHER" } });
    const refundId = requested.requestRefund.refund!.id;
    // Queried again and again after the reconciliation delay, still PROCESSING.
    await eventually(async () => wechat.calls.query - calls.query, (queries) => queries >= 2);

    const stuck = await view(refundId);
    expect(stuck.status).toBe("REFUNDING");
    const [open] = stuck.paymentAttempts.edges.map((edge) => edge.node);
    expect(open).toMatchObject({ provider: "WECHAT_PAY", status: "PROCESSING", providerAnswer: "PROCESSING", waitingSince: open!.sentAt });
    expect(Date.parse(open!.settleByHandFrom!) - Date.parse(open!.waitingSince!)).toBe(SETTLE_BY_HAND_AFTER_MS);
    expect(open!.nextTryAt).not.toBeNull();

    const input = { refundId, reference: "ICBC-20261207-0042", note: "WeChat never settled it: paid back by bank transfer" };
    const early = await shop.staff.FINANCE.request<Manual>(MANUAL, { input });
    expect(early.recordManualRefund.refund).toBeNull();
    expect(early.recordManualRefund.userErrors).toEqual([expect.objectContaining({ code: "PAYMENT_STILL_OPEN", field: ["input", "refundId"], message: expect.stringContaining(open!.settleByHandFrom!) })]);
    expect((await view(refundId)).version).toBe(stuck.version);
    expect((await shop.staff.AGENT.request<Manual>(MANUAL, { input })).recordManualRefund.userErrors[0]!.code).toBe("FORBIDDEN");

    ahead = SETTLE_BY_HAND_AFTER_MS + 3_600_000;
    const settled = await shop.staff.FINANCE.request<Manual>(MANUAL, { input });
    expect(settled.recordManualRefund).toEqual({ refund: { status: "REFUNDED", refundedAmount: { amount: 5_000 } }, userErrors: [] });
    const after = await view(refundId);
    expect(after.transitions.slice(-1)).toEqual([{ action: "PAYMENT_SUCCEEDED", note: expect.stringContaining("ICBC-20261207-0042") }]);
    const [givenUp, byHand] = after.paymentAttempts.edges.map((edge) => edge.node);
    expect(givenUp).toMatchObject({ provider: "WECHAT_PAY", status: "FAILED", failureReason: expect.stringContaining("Given up"), nextTryAt: null, waitingSince: null, settleByHandFrom: null });
    expect(byHand).toMatchObject({ provider: "WECHAT_PAY", status: "SUCCEEDED", reference: "ICBC-20261207-0042", providerAnswer: "MANUAL", manualNote: input.note });
    // The amount stays taken from the payment once: the attempt by hand holds what the given-up one held.
    expect((await server.app.db.prisma.payment.findFirstOrThrow({ where: { reference: transactionId } })).reservedAmount).toBe(5_000);

    // WeChat settles it after all, and says so: nothing is recorded again, finance sees it was paid late.
    wechat.settle(open!.idempotencyKey, "SUCCESS");
    expect((await wechat.notify(open!.idempotencyKey)).status).toBe(204);
    await server.app.payments.drain();
    const late = await view(refundId);
    expect(late.version).toBe(after.version);
    expect(late.refundedAmount.amount).toBe(5_000);
    expect(late.transitions.filter((step) => step.action === "PAYMENT_SUCCEEDED")).toHaveLength(1);
    expect(late.paymentAttempts.edges[0]!.node).toMatchObject({ status: "FAILED", providerAnswer: expect.stringMatching(/^PAID LATE/) });
    // The platform sent the refund once and never again: no query, no resend of a given-up attempt.
    const queriesAfter = wechat.calls.query;
    await eventually(async () => (await server.app.db.prisma.paymentRefundAttempt.count({ where: { refundId: rawId(refundId), status: { in: ["PENDING", "PROCESSING"] } } })), (open) => open === 0);
    expect(wechat.calls.refund - calls.refund).toBe(1);
    expect(wechat.refunds().filter((made) => made.transaction_id === transactionId)).toHaveLength(1);
    await server.app.payments.drain();
    expect(wechat.calls.query).toBe(queriesAfter);
  });
});
