// Alipay and Stripe end to end: a shop sets its accounts over GraphQL, its orders name what they
// were paid with, and refunds go back through the real plugins to the providers' stand-ins over
// real HTTP (test/support/alipay-gateway.ts, stripe-api.ts): paid, paid once for a repeated key,
// a lost answer settled by a query, Stripe's webhook before, after and twice, forged webhooks
// refused, the provider down and back, malformed keys refused when set.
import { generateKeyPairSync } from "node:crypto";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_METADATA } from "../../plugins/stripe/index.js";
import { AlipayGatewayStandIn } from "../support/alipay-gateway.js";
import { backends } from "../support/databases.js";
import { PATIENCE_MS } from "../support/patience.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { paidOrderInput } from "../support/payment-standins.js";
import { StripeApiStandIn, stripeSignature } from "../support/stripe-api.js";

const APP_ID = "2021000117600000";
const STRIPE_KEY = "sk_test_51StandInPlatformShop00000000";
const WEBHOOK_SECRET = "whsec_standInEndpointSecret000000";

const SET_ACCOUNT = /* GraphQL */ `
  mutation ($input: SetPaymentAccountInput!) {
    setPaymentAccount(input: $input) { userErrors { code message field } }
  }
`;
const UPSERT_PAID_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) {
    upsertOrder(input: $input) { order { id } userErrors { code message field } }
  }
`;
const ATTEMPTS = /* GraphQL */ `
  query ($id: ID!) {
    refund(id: $id) {
      status version refundedAmount { amount }
      transitions { action }
      paymentAttempts(first: 10) { edges { node { provider status reference providerAnswer failureReason nextTryAt } } }
    }
  }
`;

interface AttemptView {
  provider: string;
  status: string;
  reference: string | null;
  providerAnswer: string | null;
  failureReason: string | null;
  nextTryAt: string | null;
}
interface RefundAttempts {
  status: string;
  version: number;
  refundedAmount: { amount: number };
  transitions: Array<{ action: string }>;
  paymentAttempts: { edges: Array<{ node: AttemptView }> };
}

async function attemptsOf(client: GraphQLClient, refundId: string): Promise<RefundAttempts> {
  const { refund } = await client.request<{ refund: RefundAttempts }>(ATTEMPTS, { id: refundId });
  return refund;
}

/** Polls until `check` holds (a condition, not a delay). */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string, timeoutMs = PATIENCE_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function rsaPair() {
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

describe.each(backends)("Alipay and Stripe plugins on %s", (kind) => {
  const app = rsaPair();
  const gateway = new AlipayGatewayStandIn({ appId: APP_ID, appPublicKey: app.publicKey });
  const stripe = new StripeApiStandIn(STRIPE_KEY);
  let server: TestServer;
  let shop: TestShop;
  let webhookUrl: string;
  let customers = 0;
  let payments = 0;

  beforeAll(async () => {
    await gateway.start();
    await stripe.start();
    server = await startTestServer(kind, {
      plugins: ["alipay", "stripe"],
      paymentApiUrls: { ALIPAY: new URL(gateway.gatewayUrl).origin, STRIPE: stripe.url },
      // A provider that gave no answer is asked again soon; PROCESSING waits for the webhook.
      paymentRetry: { baseMs: 50, maxMs: 200, maxAttempts: Number.POSITIVE_INFINITY },
      paymentSweepIntervalMs: 100,
    });
    shop = await setupShop(server);
    const set = async (input: Record<string, unknown>) => {
      const result = await shop.staff.SHOP_ADMIN.request<{ setPaymentAccount: { userErrors: unknown[] } }>(SET_ACCOUNT, { input });
      expect(result.setPaymentAccount.userErrors).toEqual([]);
    };
    await set({ provider: "ALIPAY", account: { appId: APP_ID, privateKey: app.privateKey, alipayPublicKey: gateway.alipayPublicKey } });
    await set({ provider: "STRIPE", account: { secretKey: STRIPE_KEY, webhookSecret: WEBHOOK_SECRET } });
    webhookUrl = `${new URL(server.url).origin}/plugins/stripe/webhook/${encodeURIComponent(shop.shopId)}`;
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await gateway.stop();
    await stripe.stop();
  });

  /** A customer's unshipped order paid with `provider`, and its refund request (REFUNDING at once). */
  async function refundOf(provider: "ALIPAY" | "STRIPE", amount: number, total = amount, target = shop) {
    customers += 1;
    payments += 1;
    const externalId = `pay-${provider.toLowerCase()}-${customers}`;
    const customer = await target.customer(externalId);
    const reference = provider === "ALIPAY" ? `2026120722001400${String(payments).padStart(12, "0")}` : `pi_3StandInE2e${String(payments).padStart(8, "0")}`;
    if (provider === "ALIPAY") gateway.addTrade({ tradeNo: reference, outTradeNo: `ORDER-${payments}`, total });
    else stripe.addPayment({ paymentIntent: reference, charge: `ch_3StandInE2e${String(payments).padStart(8, "0")}`, amount: total, currency: "cny" });
    const order = await target.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } | null; userErrors: unknown[] } }>(UPSERT_PAID_ORDER, {
      input: paidOrderInput({ externalId: `ORDER-${provider}-${payments}`, customerExternalId: externalId, provider, reference, amount: total }),
    });
    expect(order.upsertOrder.userErrors).toEqual([]);
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId: order.upsertOrder.order!.id, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND", amount },
    });
    expect(requested.requestRefund.userErrors).toEqual([]);
    return { refundId: requested.requestRefund.refund!.id, reference, orderId: order.upsertOrder.order!.id, customer };
  }

  const attempt = async (refundId: string) => (await attemptsOf(shop.staff.FINANCE, refundId)).paymentAttempts.edges[0]?.node;
  const paymentSucceeded = (view: RefundAttempts) => view.transitions.filter((transition) => transition.action === "PAYMENT_SUCCEEDED").length;

  describe("Alipay", () => {
    it("a paid refund: alipay.trade.refund in yuan with the attempt's out_request_no, the answer verified, REFUNDED", async () => {
      const { refundId, reference } = await refundOf("ALIPAY", 1230, 5000);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      const view = await attemptsOf(shop.staff.FINANCE, refundId);
      expect(view.paymentAttempts.edges.map((edge) => edge.node)).toEqual([
        expect.objectContaining({ provider: "ALIPAY", status: "SUCCEEDED", reference: expect.stringMatching(new RegExp(`^${reference}/`)) }),
      ]);
      expect(gateway.paidFor(reference)).toBe(1230);
      expect(view.refundedAmount.amount).toBe(1230);
    });

    it("a repeated out_request_no pays once: the answer cut, the SDK's resend answered fund_change N, the query says REFUND_SUCCESS", async () => {
      gateway.failNext("lost");
      const { refundId, reference } = await refundOf("ALIPAY", 800);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      expect(gateway.paidFor(reference)).toBe(800);
      expect(gateway.refundCount(reference)).toBe(1);
      expect(paymentSucceeded(await attemptsOf(shop.staff.FINANCE, refundId))).toBe(1);
    });

    it("a lost answer is reconciled by alipay.trade.fastpay.refund.query, not sent again", async () => {
      gateway.failNext("lost", "lost");
      const before = gateway.calls.length;
      const { refundId, reference } = await refundOf("ALIPAY", 700);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      gateway.clearFaults();
      expect(gateway.calls.slice(before)).toEqual(["alipay.trade.refund", "alipay.trade.refund", "alipay.trade.fastpay.refund.query"]);
      expect(gateway.paidFor(reference)).toBe(700);
    });

    it("the gateway down, then back: the refund waits in REFUNDING and is paid once when it answers again", async () => {
      await gateway.goDown();
      const { refundId, reference } = await refundOf("ALIPAY", 600);
      await server.app.payments.drain();
      // Tried and refused a connection: kept, with its next try set, the refund still owed.
      expect((await attemptsOf(shop.staff.FINANCE, refundId)).status).toBe("REFUNDING");
      expect(await attempt(refundId)).toMatchObject({ status: "PENDING", nextTryAt: expect.any(String) });
      await gateway.comeBack();
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      expect(gateway.paidFor(reference)).toBe(600);
    });

    it("ACQ.SYSTEM_ERROR and the rate limit leave no answer: queried, then sent again with the same out_request_no, paid once", async () => {
      gateway.failNext("SYSTEM_ERROR", "RATE_LIMITED");
      const { refundId, reference } = await refundOf("ALIPAY", 500);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      expect(gateway.paidFor(reference)).toBe(500);
      expect(gateway.refundCount(reference)).toBe(1);
    });

    it("malformed keys are refused when set, with INVALID_PAYMENT_ACCOUNT naming the field; the account in force stays", async () => {
      const refused = await shop.staff.SHOP_ADMIN.request<{ setPaymentAccount: { userErrors: Array<{ code: string; message: string; field: string[] | null }> } }>(SET_ACCOUNT, {
        input: { provider: "ALIPAY", account: { appId: APP_ID, privateKey: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----", alipayPublicKey: app.publicKey } },
      });
      expect(refused.setPaymentAccount.userErrors).toEqual([
        expect.objectContaining({ code: "INVALID_PAYMENT_ACCOUNT", field: expect.arrayContaining(["privateKey"]) }),
      ]);
      const { refundId } = await refundOf("ALIPAY", 400);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
    });
  });

  describe("Stripe", () => {
    it("a paid refund: POST /v1/refunds with the attempt's Idempotency-Key, succeeded, REFUNDED", async () => {
      const { refundId, reference } = await refundOf("STRIPE", 1500, 4000);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      const [made] = stripeRefundOf(reference);
      expect(await attempt(refundId)).toMatchObject({ provider: "STRIPE", status: "SUCCEEDED", reference: made!.id });
      expect(stripe.paidFor(reference)).toBe(1500);
    });

    it("a repeated Idempotency-Key pays once: the answer cut, the SDK's resend gets Stripe's saved answer", async () => {
      stripe.failNext("lost");
      const { refundId, reference } = await refundOf("STRIPE", 900);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      expect(stripeRefundOf(reference)).toHaveLength(1);
      expect(stripe.paidFor(reference)).toBe(900);
    });

    it("a lost answer is reconciled by a GET of the payment's refunds, found by the attempt's key", async () => {
      stripe.failNext("lost", "lost");
      const before = stripe.calls.length;
      const { refundId, reference } = await refundOf("STRIPE", 800);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      stripe.clearFaults();
      expect(stripe.calls.slice(before)).toEqual(["POST /v1/refunds", "POST /v1/refunds", "GET /v1/refunds"]);
      expect(stripeRefundOf(reference)).toHaveLength(1);
    });

    it("pending, then the webhook after: refund.updated settles it once; charge.refund.updated and a second delivery change nothing", async () => {
      stripe.answerNext("pending");
      const { refundId, reference } = await refundOf("STRIPE", 700);
      await until(() => attempt(refundId), (node) => node?.status === "PROCESSING", "attempt PROCESSING");
      expect((await attemptsOf(shop.staff.FINANCE, refundId)).status).toBe("REFUNDING");
      const [made] = stripeRefundOf(reference);
      const events = stripe.settle(made!.id, "succeeded");
      const first = await stripe.deliver(webhookUrl, events.refundUpdated, WEBHOOK_SECRET);
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ result: "SETTLED" });
      for (const payload of [events.chargeRefundUpdated, events.refundUpdated]) {
        const again = await stripe.deliver(webhookUrl, payload, WEBHOOK_SECRET);
        expect(again.status).toBe(200);
        expect(await again.json()).toMatchObject({ result: "ALREADY_SETTLED" });
      }
      const view = await attemptsOf(shop.staff.FINANCE, refundId);
      expect(view.status).toBe("REFUNDED");
      expect(paymentSucceeded(view)).toBe(1);
      expect(view.refundedAmount.amount).toBe(700);
    });

    it("the webhook before the call's answer: it settles the refund, and the late answer (queried) changes nothing", async () => {
      stripe.answerNext("pending");
      stripe.failNext("silence", "silence");
      const { refundId, reference } = await refundOf("STRIPE", 600);
      await stripe.held.whenHeld(1);
      const [made] = stripeRefundOf(reference);
      const events = stripe.settle(made!.id, "succeeded");
      expect((await stripe.deliver(webhookUrl, events.refundUpdated, WEBHOOK_SECRET)).status).toBe(200);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      await stripe.held.hangUpUntilSettled(server.app.payments.drain());
      stripe.clearFaults();
      await server.app.payments.drain();
      const view = await attemptsOf(shop.staff.FINANCE, refundId);
      expect(paymentSucceeded(view)).toBe(1);
      expect(view.paymentAttempts.edges).toHaveLength(1);
      expect(stripe.paidFor(reference)).toBe(600);
    });

    it("a failed refund (the card closed) arrives by webhook: REFUND_FAILED with Stripe's reason", async () => {
      stripe.answerNext("pending");
      const { refundId, reference } = await refundOf("STRIPE", 500);
      await until(() => attempt(refundId), (node) => node?.status === "PROCESSING", "attempt PROCESSING");
      const [made] = stripeRefundOf(reference);
      const events = stripe.settle(made!.id, "failed", "expired_or_canceled_card");
      expect((await stripe.deliver(webhookUrl, events.refundUpdated, WEBHOOK_SECRET)).status).toBe(200);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUND_FAILED");
      expect(await attempt(refundId)).toMatchObject({ status: "FAILED", failureReason: expect.stringContaining("expired_or_canceled_card") });
    });

    it("a tampered, stale, wrongly signed or unsigned webhook is refused with 400, and nothing changes", async () => {
      stripe.answerNext("pending");
      const { refundId, reference } = await refundOf("STRIPE", 400);
      await until(() => attempt(refundId), (node) => node?.status === "PROCESSING", "attempt PROCESSING");
      const before = await attemptsOf(shop.staff.FINANCE, refundId);
      const [made] = stripeRefundOf(reference);
      const { refundUpdated } = stripe.settle(made!.id, "succeeded");
      const signedThenTampered = await fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": stripeSignature(refundUpdated, WEBHOOK_SECRET) },
        body: refundUpdated.replace('"amount": 400', '"amount": 40000'),
      });
      const stale = await stripe.deliver(webhookUrl, refundUpdated, WEBHOOK_SECRET, new Date(Date.now() - 10 * 60_000));
      const wrongSecret = await stripe.deliver(webhookUrl, refundUpdated, "whsec_notTheEndpointsSecret00000");
      const unsigned = await fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json" }, body: refundUpdated });
      expect([signedThenTampered.status, stale.status, wrongSecret.status, unsigned.status]).toEqual([400, 400, 400, 400]);
      const after = await attemptsOf(shop.staff.FINANCE, refundId);
      expect(after).toEqual(before);
      // The genuine delivery still settles it.
      expect((await stripe.deliver(webhookUrl, refundUpdated, WEBHOOK_SECRET)).status).toBe(200);
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
    });

    it("a webhook for another shop's refund is refused (404), nothing written", async () => {
      const other = await setupShop(server);
      const set = await other.staff.SHOP_ADMIN.request<{ setPaymentAccount: { userErrors: unknown[] } }>(SET_ACCOUNT, {
        input: { provider: "STRIPE", account: { secretKey: STRIPE_KEY, webhookSecret: WEBHOOK_SECRET } },
      });
      expect(set.setPaymentAccount.userErrors).toEqual([]);
      stripe.answerNext("pending");
      const { refundId, reference } = await refundOf("STRIPE", 300);
      await until(() => attempt(refundId), (node) => node?.status === "PROCESSING", "attempt PROCESSING");
      const [made] = stripeRefundOf(reference);
      const { refundUpdated } = stripe.settle(made!.id, "succeeded");
      const otherUrl = `${new URL(server.url).origin}/plugins/stripe/webhook/${encodeURIComponent(other.shopId)}`;
      expect((await stripe.deliver(otherUrl, refundUpdated, WEBHOOK_SECRET)).status).toBe(404);
      expect(await attempt(refundId)).toMatchObject({ status: "PROCESSING" });
      expect(made!.metadata[KEY_METADATA]).toBeTruthy();
    });

    it("the API down, then back: the refund waits in REFUNDING and is paid once", async () => {
      await stripe.goDown();
      const { refundId, reference } = await refundOf("STRIPE", 200);
      await server.app.payments.drain();
      expect((await attemptsOf(shop.staff.FINANCE, refundId)).status).toBe("REFUNDING");
      expect(await attempt(refundId)).toMatchObject({ status: "PENDING", nextTryAt: expect.any(String) });
      await stripe.comeBack();
      await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
      expect(stripe.paidFor(reference)).toBe(200);
    });

    it("a publishable key where the secret key belongs is refused when set (INVALID_PAYMENT_ACCOUNT, secretKey)", async () => {
      const refused = await shop.staff.SHOP_ADMIN.request<{ setPaymentAccount: { userErrors: Array<{ code: string; message: string; field: string[] | null }> } }>(SET_ACCOUNT, {
        input: { provider: "STRIPE", account: { secretKey: "pk_live_51StandInPublishable0000000", webhookSecret: WEBHOOK_SECRET } },
      });
      expect(refused.setPaymentAccount.userErrors).toEqual([
        expect.objectContaining({ code: "INVALID_PAYMENT_ACCOUNT", message: expect.stringContaining("publishable"), field: expect.arrayContaining(["secretKey"]) }),
      ]);
    });
  });

  it("the same shop's Alipay and Stripe orders go back through their own providers", async () => {
    const alipayRefund = await refundOf("ALIPAY", 3300);
    const stripeRefund = await refundOf("STRIPE", 4400);
    await waitForStatus(shop.staff.FINANCE, alipayRefund.refundId, "REFUNDED");
    await waitForStatus(shop.staff.FINANCE, stripeRefund.refundId, "REFUNDED");
    expect(gateway.paidFor(alipayRefund.reference)).toBe(3300);
    expect(stripe.paidFor(stripeRefund.reference)).toBe(4400);
    expect(stripeRefundOf(alipayRefund.reference)).toHaveLength(0);
    expect(gateway.refundCount(stripeRefund.reference)).toBe(0);
    expect(await attempt(alipayRefund.refundId)).toMatchObject({ provider: "ALIPAY", status: "SUCCEEDED" });
    expect(await attempt(stripeRefund.refundId)).toMatchObject({ provider: "STRIPE", status: "SUCCEEDED" });
  });

  it("partial refunds of one payment go back under their own keys, through each provider, adding up to its total", async () => {
    for (const provider of ["ALIPAY", "STRIPE"] as const) {
      const first = await refundOf(provider, 300, 1000);
      await waitForStatus(shop.staff.FINANCE, first.refundId, "REFUNDED");
      const second = await first.customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
        input: { orderId: first.orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND", amount: 700 },
      });
      expect(second.requestRefund.userErrors).toEqual([]);
      await waitForStatus(shop.staff.FINANCE, second.requestRefund.refund!.id, "REFUNDED");
      if (provider === "ALIPAY") {
        expect(gateway.paidFor(first.reference)).toBe(1000);
        expect(gateway.refundCount(first.reference)).toBe(2);
      } else {
        expect(stripe.paidFor(first.reference)).toBe(1000);
        expect(new Set(stripeRefundOf(first.reference).map((refund) => refund.metadata[KEY_METADATA])).size).toBe(2);
      }
    }
  });

  function stripeRefundOf(reference: string) {
    return stripe.refundsOf(reference);
  }
});
