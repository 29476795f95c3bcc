// Stripe as a payment provider, for shops selling abroad: refunds of orders paid with STRIPE go
// back through `POST /v1/refunds` with the attempt's Idempotency-Key, and the shop's webhook
// endpoint settles refunds that Stripe answered `pending` or `requires_action`.
import { definePlugin } from "../../src/plugin/index.js";
import { stripeAccount } from "./account.js";
import { stripeAdapter } from "./adapter.js";
import { handleStripeWebhook } from "./webhook.js";

export { type StripeAccount, stripeAccount } from "./account.js";
export { KEY_METADATA, outcomeOf, stripeAdapter } from "./adapter.js";
export { REFUND_EVENTS, TOLERANCE_SECONDS, handleStripeWebhook } from "./webhook.js";

export default definePlugin({
  name: "stripe",
  version: "1.0.0",
  apiVersion: 1,
  paymentProvider: {
    code: "STRIPE",
    account: stripeAccount,
    secretFields: ["secretKey", "webhookSecret"],
    adapter: stripeAdapter,
    notifyPath: "/webhook/:shop",
  },
  routes: [{ method: "POST", path: "/webhook/:shop", handler: (request, ctx, params) => handleStripeWebhook(request, ctx.payments, params.shop ?? "") }],
});
