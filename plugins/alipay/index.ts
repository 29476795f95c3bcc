// Alipay (支付宝) as a payment provider: refunds of orders paid with ALIPAY go back through
// `alipay.trade.refund` with the shop's own app, and a refund whose answer was lost is asked
// about with `alipay.trade.fastpay.refund.query`. Alipay sends no notification for these refunds
// (the call answers, or the query does), so the plugin has no route.
import { definePlugin } from "../../src/plugin/index.js";
import { alipayAccount } from "./account.js";
import { alipayAdapter } from "./adapter.js";

export { type AlipayAccount, alipayAccount, parsePrivateKey, parsePublicKey } from "./account.js";
export { ALIPAY_ORIGIN, alipayAdapter, yuan } from "./adapter.js";

export default definePlugin({
  name: "alipay",
  version: "1.0.0",
  apiVersion: 1,
  paymentProvider: {
    code: "ALIPAY",
    account: alipayAccount,
    secretFields: ["privateKey"],
    adapter: alipayAdapter,
  },
});
