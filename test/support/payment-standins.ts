// The three payment providers' stand-ins started together, with the accounts a shop admin sets
// for them and the PAYMENT_API_URLS that point the real plugins (wechat-pay, alipay, stripe) at
// them: for a test (or the benchmark) that runs one shop's refunds through all three.
import { generateKeyPairSync } from "node:crypto";
import type { GraphQLClient } from "graphql-request";
import { AlipayGatewayStandIn } from "./alipay-gateway.js";
import { StripeApiStandIn } from "./stripe-api.js";
import { type WechatStandIn, startWechatStandIn } from "./wechat-pay-standin.js";

export const ALIPAY_APP_ID = "2021000117600000";
export const STRIPE_SECRET_KEY = "sk_test_51StandInPlatformShop00000000";
export const STRIPE_WEBHOOK_SECRET = "whsec_standInEndpointSecret000000";

/** The plugins that refund through the stand-ins, by folder name (AppOptions.plugins). */
export const PAYMENT_PLUGINS = ["wechat-pay", "alipay", "stripe"];

export interface PaymentStandIns {
  wechat: WechatStandIn;
  alipay: AlipayGatewayStandIn;
  stripe: StripeApiStandIn;
  /** PAYMENT_API_URLS for the server. */
  apiUrls: Record<"WECHAT_PAY" | "ALIPAY" | "STRIPE", string>;
  /** setPaymentAccount inputs, one per provider, with the keys the stand-ins check. */
  accounts: Array<{ provider: "WECHAT_PAY" | "ALIPAY" | "STRIPE"; account: Record<string, string> }>;
  close(): Promise<void>;
}

export async function startPaymentStandIns(): Promise<PaymentStandIns> {
  const app = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const appKeys = { privateKey: app.privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicKey: app.publicKey.export({ type: "spki", format: "pem" }).toString() };
  const alipay = new AlipayGatewayStandIn({ appId: ALIPAY_APP_ID, appPublicKey: appKeys.publicKey });
  const stripe = new StripeApiStandIn(STRIPE_SECRET_KEY);
  const [wechat] = await Promise.all([startWechatStandIn(), alipay.start(), stripe.start()]);
  return {
    wechat,
    alipay,
    stripe,
    apiUrls: { WECHAT_PAY: wechat.url, ALIPAY: new URL(alipay.gatewayUrl).origin, STRIPE: stripe.url },
    accounts: [
      { provider: "WECHAT_PAY", account: wechat.account },
      { provider: "ALIPAY", account: { appId: ALIPAY_APP_ID, privateKey: appKeys.privateKey, alipayPublicKey: alipay.alipayPublicKey } },
      { provider: "STRIPE", account: { secretKey: STRIPE_SECRET_KEY, webhookSecret: STRIPE_WEBHOOK_SECRET } },
    ],
    async close() {
      await Promise.all([wechat.close(), alipay.stop(), stripe.stop()]);
    },
  };
}

const SET_ACCOUNT = /* GraphQL */ `
  mutation ($input: SetPaymentAccountInput!) { setPaymentAccount(input: $input) { userErrors { code message field } } }
`;

/** The shop admin sets the shop's account at each stand-in; throws with the userErrors of one refused. */
export async function setPaymentAccounts(shopAdmin: GraphQLClient, standIns: PaymentStandIns): Promise<void> {
  for (const input of standIns.accounts) {
    const { setPaymentAccount } = await shopAdmin.request<{ setPaymentAccount: { userErrors: unknown[] } }>(SET_ACCOUNT, { input });
    if (setPaymentAccount.userErrors.length > 0) throw new Error(`${input.provider}: ${JSON.stringify(setPaymentAccount.userErrors)}`);
  }
}

/** upsertOrder's input for an unshipped order of one item, paid with a payment of `total` at `provider`. */
export function paidOrderInput(order: { externalId: string; customerExternalId: string; provider: string; reference: string; amount: number; total?: number }) {
  const total = order.total ?? order.amount;
  return {
    externalId: order.externalId,
    customerExternalId: order.customerExternalId,
    items: [{ sku: "SKU-1", name: "商品", quantity: 1, unitPrice: order.amount }],
    paidAmount: order.amount,
    paidAt: new Date().toISOString(),
    shippingStatus: "NOT_SHIPPED",
    payment: { provider: order.provider, reference: order.reference, totalAmount: total },
  };
}
