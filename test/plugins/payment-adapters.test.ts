// The Alipay and Stripe adapters against their stand-ins over real HTTP, call by call: what each
// provider answer becomes (SUCCEEDED, PROCESSING, FAILED, no answer), and which account
// settings are refused when set. End to end through the platform: alipay.test.ts, stripe.test.ts.
import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AlipayAccount, alipayAccount, alipayAdapter, yuan } from "../../plugins/alipay/index.js";
import { type StripeAccount, stripeAccount, stripeAdapter } from "../../plugins/stripe/index.js";
import { PaymentProviderUnavailable, type PaymentRefundRequest } from "../../src/payments/provider.js";
import { AlipayGatewayStandIn } from "../support/alipay-gateway.js";
import { StripeApiStandIn } from "../support/stripe-api.js";

const APP_ID = "2014072300007148"; // the app id Alipay's docs use in their examples
const TRADE_NO = "2014112611001004680073956707"; // the trade_no of Alipay's examples

function rsaPair(bits = 2048) {
  const pair = generateKeyPairSync("rsa", { modulusLength: bits });
  return {
    privatePkcs8: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    privatePkcs1Bare: pair.privateKey.export({ type: "pkcs1", format: "der" }).toString("base64"),
    publicPem: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    publicBare: pair.publicKey.export({ type: "spki", format: "der" }).toString("base64"),
  };
}

let keyCounter = 0;
function request(overrides: Partial<PaymentRefundRequest> = {}): PaymentRefundRequest {
  keyCounter += 1;
  return {
    idempotencyKey: `attempt-${process.pid}-${keyCounter}`,
    amount: 1230,
    currency: "CNY",
    orderReference: "ORDER-1",
    payment: { reference: TRADE_NO, totalAmount: 10_000 },
    shopId: "shop-1",
    notifyUrl: null,
    ...overrides,
  };
}

describe("Alipay adapter against the gateway stand-in", () => {
  const app = rsaPair();
  const gateway = new AlipayGatewayStandIn({ appId: APP_ID, appPublicKey: app.publicPem });
  let account: AlipayAccount;
  const adapter = () => alipayAdapter({ baseUrl: new URL(gateway.gatewayUrl).origin, timeoutMs: 10_000 });
  let trades = 0;
  const newTrade = (total = 10_000) => {
    trades += 1;
    const tradeNo = `${TRADE_NO.slice(0, -4)}${String(trades).padStart(4, "0")}`;
    gateway.addTrade({ tradeNo, outTradeNo: `ORDER-${trades}`, total });
    return tradeNo;
  };

  beforeAll(async () => {
    await gateway.start();
    account = alipayAccount.parse({ appId: APP_ID, privateKey: app.privatePkcs1Bare, alipayPublicKey: gateway.alipayPublicKey });
  });
  afterAll(() => gateway.stop());

  it("refunds in yuan with two decimals, once per out_request_no, and a repeat is answered from the query", async () => {
    expect(yuan(1230)).toBe("12.30");
    expect(yuan(5)).toBe("0.05");
    const tradeNo = newTrade();
    const attempt = request({ payment: { reference: tradeNo, totalAmount: 10_000 } });
    const first = await adapter().refund(attempt, account);
    expect(first).toMatchObject({ status: "SUCCEEDED", reference: `${tradeNo}/${attempt.idempotencyKey}` });
    const again = await adapter().refund(attempt, account);
    expect(again).toMatchObject({ status: "SUCCEEDED", answer: "REFUND_SUCCESS" });
    expect(gateway.paidFor(tradeNo)).toBe(1230);
    expect(await adapter().query(attempt, account)).toMatchObject({ status: "SUCCEEDED" });
  });

  it("a request signed with another key is refused by the gateway (isv.invalid-signature): FAILED with Alipay's words, nothing paid", async () => {
    const tradeNo = newTrade();
    const stranger = alipayAccount.parse({ appId: APP_ID, privateKey: rsaPair().privatePkcs8, alipayPublicKey: gateway.alipayPublicKey });
    const outcome = await adapter().refund(request({ payment: { reference: tradeNo, totalAmount: 10_000 } }), stranger);
    expect(outcome.status).toBe("FAILED");
    expect(outcome.status === "FAILED" && outcome.reason).toContain("isv.invalid-signature");
    expect(gateway.paidFor(tradeNo)).toBe(0);
    // A query refused so says nothing of a refund that may have been paid: no answer, asked again.
    await expect(adapter().query(request({ payment: { reference: tradeNo, totalAmount: 10_000 } }), stranger)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
  });

  it("an answer not signed by Alipay's key is no answer: unavailable, and the query settles it", async () => {
    const tradeNo = newTrade();
    const attempt = request({ payment: { reference: tradeNo, totalAmount: 10_000 } });
    const wrongAlipayKey = alipayAccount.parse({ ...account, alipayPublicKey: rsaPair().publicBare });
    await expect(adapter().refund(attempt, wrongAlipayKey)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    expect(await adapter().query(attempt, account)).toMatchObject({ status: "SUCCEEDED" });
    expect(gateway.paidFor(tradeNo)).toBe(1230);
  });

  it("a lost answer (the refund made, the connection cut, the SDK's one resend cut too) is unavailable; the query finds it paid", async () => {
    const tradeNo = newTrade();
    const attempt = request({ payment: { reference: tradeNo, totalAmount: 10_000 } });
    gateway.failNext("lost", "lost");
    await expect(adapter().refund(attempt, account)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    gateway.clearFaults();
    expect(gateway.paidFor(tradeNo)).toBe(1230);
    expect(await adapter().query(attempt, account)).toMatchObject({ status: "SUCCEEDED", answer: "REFUND_SUCCESS" });
    expect(await adapter().refund(attempt, account)).toMatchObject({ status: "SUCCEEDED" });
    expect(gateway.paidFor(tradeNo)).toBe(1230);
  });

  it("ACQ.SYSTEM_ERROR, the rate limit and a 5xx say nothing of the refund: unavailable, nothing paid", async () => {
    const tradeNo = newTrade();
    const attempt = request({ payment: { reference: tradeNo, totalAmount: 10_000 } });
    for (const fault of ["SYSTEM_ERROR", "RATE_LIMITED", "HTTP_5XX"] as const) {
      gateway.failNext(fault);
      await expect(adapter().refund(attempt, account)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    }
    expect(gateway.paidFor(tradeNo)).toBe(0);
    expect(await adapter().query(attempt, account)).toMatchObject({ status: "NOT_FOUND" });
  });

  it("silence: the held request, hung up, is unavailable; the gateway down is too; back up, the same key pays once", async () => {
    const tradeNo = newTrade();
    const attempt = request({ payment: { reference: tradeNo, totalAmount: 10_000 } });
    gateway.failNext("silence", "silence"); // the SDK resends once on a dropped connection
    const call = adapter().refund(attempt, account);
    await gateway.held.hangUpUntilSettled(call);
    await expect(call).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    gateway.clearFaults();
    await gateway.goDown();
    await expect(adapter().refund(attempt, account)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    await gateway.comeBack();
    expect(await adapter().refund(attempt, account)).toMatchObject({ status: "SUCCEEDED" });
    expect(gateway.paidFor(tradeNo)).toBe(1230);
  });

  it("silence past the call timeout is no answer (unavailable); the refund it made is found by the query", async () => {
    const tradeNo = newTrade();
    const attempt = request({ payment: { reference: tradeNo, totalAmount: 10_000 } });
    gateway.failNext("silence", "silence");
    await expect(alipayAdapter({ baseUrl: new URL(gateway.gatewayUrl).origin, timeoutMs: 300 }).refund(attempt, account)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    gateway.clearFaults();
    gateway.held.hangUp();
    expect(await adapter().query(attempt, account)).toMatchObject({ status: "SUCCEEDED" });
    expect(gateway.paidFor(tradeNo)).toBe(1230);
  });

  it("a refund accepted but not settled is PROCESSING until the query says REFUND_SUCCESS", async () => {
    const tradeNo = newTrade();
    const attempt = request({ payment: { reference: tradeNo, totalAmount: 10_000 } });
    gateway.leaveUnsettledNext();
    expect(await adapter().refund(attempt, account)).toMatchObject({ status: "PROCESSING" });
    expect(await adapter().query(attempt, account)).toMatchObject({ status: "NOT_FOUND" });
    gateway.settle(attempt.idempotencyKey);
    expect(await adapter().query(attempt, account)).toMatchObject({ status: "SUCCEEDED" });
    expect(gateway.paidFor(tradeNo)).toBe(1230);
  });

  it("more than is left on the trade is refused by Alipay (ACQ.REASON_TRADE_REFUND_FEE_ERR)", async () => {
    const tradeNo = newTrade(1000);
    const outcome = await adapter().refund(request({ amount: 1001, payment: { reference: tradeNo, totalAmount: 1000 } }), account);
    expect(outcome).toMatchObject({ status: "FAILED", answer: expect.stringContaining("ACQ.REASON_TRADE_REFUND_FEE_ERR") });
  });

  it("a refund in another currency than CNY is refused before any call (refund_amount is yuan)", async () => {
    const before = gateway.calls.length;
    expect(await adapter().refund(request({ currency: "USD" }), account)).toMatchObject({ status: "FAILED", reason: expect.stringContaining("CNY") });
    expect(gateway.calls.length).toBe(before);
  });

  it("account settings: keys are parsed and checked when set, each refusal naming its field", () => {
    const fieldsOf = (input: unknown) => alipayAccount.safeParse(input).error?.issues.map((issue) => issue.path.join(".")) ?? [];
    expect(fieldsOf({ appId: APP_ID, privateKey: app.privatePkcs8, alipayPublicKey: gateway.alipayPublicKey })).toEqual([]);
    expect(fieldsOf({ appId: "201407230000714", privateKey: app.privatePkcs8, alipayPublicKey: gateway.alipayPublicKey })).toEqual(["appId"]);
    expect(fieldsOf({ appId: APP_ID, privateKey: "MIIEvQIBADANBg-not-a-key", alipayPublicKey: gateway.alipayPublicKey })).toEqual(["privateKey"]);
    expect(fieldsOf({ appId: APP_ID, privateKey: rsaPair(1024).privatePkcs8, alipayPublicKey: gateway.alipayPublicKey })).toEqual(["privateKey"]);
    expect(fieldsOf({ appId: APP_ID, privateKey: app.privatePkcs8, alipayPublicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----" })).toEqual(["alipayPublicKey"]);
    // The app's own public key where Alipay's belongs.
    expect(alipayAccount.safeParse({ appId: APP_ID, privateKey: app.privatePkcs8, alipayPublicKey: app.publicBare }).error?.issues[0]?.message).toContain("支付宝公钥");
  });
});

describe("Stripe adapter against the API stand-in", () => {
  const SECRET_KEY = "sk_test_51Hx9StandInSecretKey0000000000";
  const api = new StripeApiStandIn(SECRET_KEY);
  const account: StripeAccount = stripeAccount.parse({ secretKey: SECRET_KEY, webhookSecret: "whsec_standInSigningSecret0000" });
  const adapter = () => stripeAdapter({ baseUrl: api.url, timeoutMs: 10_000 });
  let payments = 0;
  const newPayment = (amount = 5000) => {
    payments += 1;
    const paymentIntent = `pi_3StandIn${String(payments).padStart(6, "0")}`;
    api.addPayment({ paymentIntent, charge: `ch_3StandIn${String(payments).padStart(6, "0")}`, amount, currency: "usd" });
    return paymentIntent;
  };
  const usd = (paymentIntent: string, overrides: Partial<PaymentRefundRequest> = {}) =>
    request({ currency: "USD", amount: 1000, payment: { reference: paymentIntent, totalAmount: 5000 }, ...overrides });

  beforeAll(() => api.start());
  afterAll(() => api.stop());

  it("a refund with the attempt's Idempotency-Key succeeds once; the same key again replays it", async () => {
    const paymentIntent = newPayment();
    const attempt = usd(paymentIntent);
    const first = await adapter().refund(attempt, account);
    expect(first).toMatchObject({ status: "SUCCEEDED", reference: expect.stringMatching(/^re_/) });
    expect(await adapter().refund(attempt, account)).toEqual(first);
    expect(api.paidFor(paymentIntent)).toBe(1000);
    expect(api.refundsTagged(attempt.idempotencyKey)).toHaveLength(1);
  });

  it("the same key with another amount is Stripe's idempotency_error: FAILED, nothing more paid", async () => {
    const paymentIntent = newPayment();
    const attempt = usd(paymentIntent);
    await adapter().refund(attempt, account);
    const outcome = await adapter().refund({ ...attempt, amount: 900 }, account);
    expect(outcome).toMatchObject({ status: "FAILED", answer: expect.stringContaining("idempotency_error") });
    expect(api.paidFor(paymentIntent)).toBe(1000);
  });

  it("pending and requires_action are PROCESSING; failed is FAILED with the failure reason", async () => {
    const paymentIntent = newPayment();
    api.answerNext("pending");
    expect(await adapter().refund(usd(paymentIntent), account)).toMatchObject({ status: "PROCESSING", answer: "pending" });
    api.answerNext("requires_action");
    expect(await adapter().refund(usd(paymentIntent), account)).toMatchObject({ status: "PROCESSING", answer: "requires_action: display_details" });
    api.answerNext("failed", "expired_or_canceled_card");
    expect(await adapter().refund(usd(paymentIntent), account)).toMatchObject({ status: "FAILED", reason: expect.stringContaining("expired_or_canceled_card") });
  });

  it("a lost answer is unavailable; the query finds the refund by its key, and a key never sent is NOT_FOUND", async () => {
    const paymentIntent = newPayment();
    const attempt = usd(paymentIntent);
    api.failNext("lost", "lost"); // the SDK resends once on a closed connection
    await expect(adapter().refund(attempt, account)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    api.clearFaults();
    expect(await adapter().query(attempt, account)).toMatchObject({ status: "SUCCEEDED", reference: api.refundsTagged(attempt.idempotencyKey)[0]!.id });
    expect(await adapter().query(usd(paymentIntent), account)).toMatchObject({ status: "NOT_FOUND" });
    expect(api.paidFor(paymentIntent)).toBe(1000);
  });

  it("silence past the call timeout is no answer (unavailable); the query finds the refund by its key", async () => {
    const paymentIntent = newPayment();
    const attempt = usd(paymentIntent);
    api.failNext("silence", "silence");
    await expect(stripeAdapter({ baseUrl: api.url, timeoutMs: 300 }).refund(attempt, account)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    api.clearFaults();
    api.held.hangUp();
    expect(await adapter().query(attempt, account)).toMatchObject({ status: "SUCCEEDED" });
    expect(api.paidFor(paymentIntent)).toBe(1000);
  });

  it("429 and 5xx are unavailable and not saved for the key: the resend pays once", async () => {
    const paymentIntent = newPayment();
    const attempt = usd(paymentIntent);
    api.failNext("RATE_LIMITED");
    await expect(adapter().refund(attempt, account)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    api.failNext("HTTP_5XX");
    await expect(adapter().refund(attempt, account)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    await api.goDown();
    await expect(adapter().refund(attempt, account)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
    await api.comeBack();
    expect(await adapter().refund(attempt, account)).toMatchObject({ status: "SUCCEEDED" });
    expect(api.paidFor(paymentIntent)).toBe(1000);
  });

  it("a wrong secret key is Stripe's 401: FAILED with its words (the key masked), nothing paid", async () => {
    const paymentIntent = newPayment();
    const wrong = stripeAccount.parse({ ...account, secretKey: "sk_test_51Hx9SomebodyElsesKey000000000" });
    const outcome = await adapter().refund(usd(paymentIntent), wrong);
    expect(outcome).toMatchObject({ status: "FAILED", reason: expect.stringContaining("Invalid API Key provided: sk_test_") });
    expect(outcome.status === "FAILED" && outcome.reason).not.toContain("SomebodyElses");
    expect(api.paidFor(paymentIntent)).toBe(0);
    await expect(adapter().query(usd(paymentIntent), wrong)).rejects.toBeInstanceOf(PaymentProviderUnavailable);
  });

  it("account settings: a publishable key, a malformed key or webhook secret is refused, naming the field", () => {
    const fieldsOf = (input: unknown) => stripeAccount.safeParse(input).error?.issues.map((issue) => issue.path.join(".")) ?? [];
    expect(fieldsOf({ secretKey: "rk_live_51Hx9RestrictedKey000000", webhookSecret: "whsec_0123456789abcdef0123" })).toEqual([]);
    expect(stripeAccount.safeParse({ secretKey: "pk_test_51Hx9PublishableKey0000", webhookSecret: "whsec_0123456789abcdef0123" }).error?.issues[0]?.message).toContain("publishable");
    expect(fieldsOf({ secretKey: "sk_test_short", webhookSecret: "whsec_0123456789abcdef0123" })).toEqual(["secretKey"]);
    expect(fieldsOf({ secretKey: SECRET_KEY, webhookSecret: "0123456789abcdef0123" })).toEqual(["webhookSecret"]);
  });
});
