// Issue #23's "done when", on the demo shop `npm start` seeds: configured for WeChat Pay (and
// Alipay and Stripe) by its SHOP_ADMIN, it refunds an unshipped order through the WeChat adapter
// with no human touch — WeChat answers PROCESSING, its signed REFUND.SUCCESS notification comes
// later, and the customer's live subscription sees REFUNDED — and its Alipay and Stripe orders
// go back through their own providers. The real plugins, against the stand-ins over real HTTP.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoShop } from "../../src/demo/demo-shop.js";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { eventually } from "../support/patience.js";
import { PAYMENT_PLUGINS, type PaymentStandIns, paidOrderInput, setPaymentAccounts, startPaymentStandIns } from "../support/payment-standins.js";
import { type TestServer, startTestServer, waitForStatus } from "../support/server.js";
import { collect, untilStreaming, wsClient } from "../support/subscriptions.js";

const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message field } } }
`;
const STATUS_CHANGED = /* GraphQL */ `
  subscription ($refundId: ID!, $afterVersion: Int) { refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) { from to action actor { kind } } }
`;
const ATTEMPTS = /* GraphQL */ `
  query ($id: ID!) { refund(id: $id) { status refundedAmount { amount } paymentAttempts(first: 5) { edges { node { provider status idempotencyKey providerAnswer reference } } } } }
`;
type Attempt = { provider: string; status: string; idempotencyKey: string; providerAnswer: string | null; reference: string | null };
type Attempts = { refund: { status: string; refundedAmount: { amount: number }; paymentAttempts: { edges: Array<{ node: Attempt }> } } };
type StatusChanged = { refundStatusChanged: { from: string; to: string; action: string; actor: { kind: string } } };

describe.each(backends)("the demo shop's money back the way it came on %s", (kind) => {
  let standIns: PaymentStandIns;
  let server: TestServer;
  let demo: Awaited<ReturnType<typeof seedDemoShop>>;

  beforeAll(async () => {
    standIns = await startPaymentStandIns();
    // The demo's history is played on a simulated clock whose timers fell due in the past: the
    // server's timer and hook sweeps stay out of the way of the seeding.
    server = await startTestServer(kind, { plugins: PAYMENT_PLUGINS, paymentApiUrls: standIns.apiUrls, timers: { sweepIntervalMs: 600_000 }, hookDelivery: { sweepIntervalMs: 600_000 } });
    // The demo shop as `npm start` seeds it, with a shorter history.
    demo = await seedDemoShop(server.app.db, { refunds: 30 });
    await setPaymentAccounts(server.client(demo.tokens.SHOP_ADMIN), standIns);
  });

  afterAll(async () => {
    await server?.stop();
    await standIns?.close();
  });

  /** The shop's order sync sends an unshipped order of the demo customer paid with `provider`; the customer asks for its refund. */
  async function requestRefundOf(provider: "WECHAT_PAY" | "ALIPAY" | "STRIPE", reference: string, amount: number) {
    const order = await server.client(demo.tokens.INTEGRATION).request<{ upsertOrder: { order: { id: string } | null; userErrors: unknown[] } }>(UPSERT_ORDER, {
      input: paidOrderInput({ externalId: `demo-${provider.toLowerCase()}-${randomBytes(3).toString("hex")}`, customerExternalId: demo.customer.externalId, provider, reference, amount }),
    });
    expect(order.upsertOrder.userErrors).toEqual([]);
    const requested = await server.client(demo.tokens.CUSTOMER).request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId: order.upsertOrder.order!.id, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" },
    });
    expect(requested.requestRefund.userErrors).toEqual([]);
    return requested.requestRefund.refund!;
  }

  const attemptsOf = async (refundId: string) => (await server.client(demo.tokens.FINANCE).request<Attempts>(ATTEMPTS, { id: refundId })).refund;

  it("refunds an unshipped WeChat Pay order with no human touch: PROCESSING, then the notification, and the customer's subscription sees REFUNDED", async () => {
    const { wechat } = standIns;
    const transactionId = `42000${randomBytes(10).toString("hex")}`;
    wechat.addTransaction(transactionId, 25_900);
    const calls = { ...wechat.calls };
    wechat.next("PROCESSING");
    // WeChat's queries give no answer: only the notification can settle it.
    wechat.nextQueries(...Array<"SERVER_ERROR">(1_000).fill("SERVER_ERROR"));

    const refund = await requestRefundOf("WECHAT_PAY", transactionId, 25_900);
    expect(refund.transitions.map((step) => [step.action, step.actor.kind])).toEqual([["REQUEST", "USER"], ["CLASSIFY", "RULE"]]);
    const customerToken = demo.tokens.CUSTOMER;
    const ws = wsClient(server.url, customerToken);
    const stream = collect<StatusChanged>(ws, STATUS_CHANGED, { refundId: refund.id, afterVersion: refund.version });
    await untilStreaming(() => server.app.liveSubscriptions(`Bearer ${customerToken}`), 1);

    const processing = await eventually(() => attemptsOf(refund.id), (view) => view.paymentAttempts.edges[0]?.node.status === "PROCESSING");
    expect(processing.status).toBe("REFUNDING");
    const [attempt] = processing.paymentAttempts.edges.map((edge) => edge.node);
    expect(attempt).toMatchObject({ provider: "WECHAT_PAY", providerAnswer: "PROCESSING" });
    expect(stream.events).toEqual([]);

    wechat.settle(attempt!.idempotencyKey, "SUCCESS");
    expect((await wechat.notify(attempt!.idempotencyKey)).status).toBe(204);
    const [event] = await stream.waitFor(1);
    expect(event!.refundStatusChanged).toEqual({ from: "REFUNDING", to: "REFUNDED", action: "PAYMENT_SUCCEEDED", actor: { kind: "SYSTEM" } });
    stream.unsubscribe();
    await ws.dispose();
    wechat.nextQueries();

    const settled = await attemptsOf(refund.id);
    expect(settled.refundedAmount.amount).toBe(25_900);
    expect(settled.paymentAttempts.edges.map((edge) => edge.node)).toEqual([
      expect.objectContaining({ provider: "WECHAT_PAY", status: "SUCCEEDED", reference: wechat.refunds().find((made) => made.transaction_id === transactionId)!.refund_id }),
    ]);
    expect(wechat.calls.refund - calls.refund).toBe(1);
    expect(wechat.refunds().filter((made) => made.transaction_id === transactionId)).toHaveLength(1);
    expect(wechat.paid(transactionId)).toBe(25_900);
    expect(wechat.signatureRefusals).toBe(0);
  });

  it("sends the same shop's Alipay and Stripe orders back through their own providers, with no human touch", async () => {
    const { alipay, stripe } = standIns;
    const tradeNo = `20261207220014${randomBytes(7).toString("hex")}`;
    alipay.addTrade({ tradeNo, outTradeNo: `demo-trade-${tradeNo}`, total: 8_800 });
    const paymentIntent = `pi_3Demo${randomBytes(8).toString("hex")}`;
    stripe.addPayment({ paymentIntent, charge: `ch_3Demo${randomBytes(8).toString("hex")}`, amount: 6_600, currency: "cny" });

    const byAlipay = await requestRefundOf("ALIPAY", tradeNo, 8_800);
    const byStripe = await requestRefundOf("STRIPE", paymentIntent, 6_600);
    await waitForStatus(server.client(demo.tokens.CUSTOMER), byAlipay.id, "REFUNDED");
    await waitForStatus(server.client(demo.tokens.CUSTOMER), byStripe.id, "REFUNDED");

    expect(alipay.paidFor(tradeNo)).toBe(8_800);
    expect(stripe.paidFor(paymentIntent)).toBe(6_600);
    expect(alipay.refundCount(paymentIntent)).toBe(0);
    expect(stripe.refundsOf(tradeNo)).toHaveLength(0);
    expect((await attemptsOf(byAlipay.id)).paymentAttempts.edges.map((edge) => edge.node)).toEqual([expect.objectContaining({ provider: "ALIPAY", status: "SUCCEEDED" })]);
    expect((await attemptsOf(byStripe.id)).paymentAttempts.edges.map((edge) => edge.node)).toEqual([expect.objectContaining({ provider: "STRIPE", status: "SUCCEEDED" })]);
  });
});
