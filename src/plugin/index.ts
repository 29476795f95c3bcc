// The public API for plugin authors: `import { definePlugin } from "<platform>/src/plugin/index.js"`.
export { definePlugin } from "./define-plugin.js";
export type * from "./types.js";
export { PLUGIN_API_VERSION } from "./types.js";
// Relay ids as the API shows them: `globalId.encode("Refund", id)`, `globalId.parse(value, "Refund")`.
export { globalId } from "./request-loaders.js";
export { signPayload, verifySignature } from "./signing.js";
// Whether a write failed on a unique key: the effect's row exists (insert once, then read it).
export { isUniqueViolation } from "./plugin-db.js";
// Calls to URLs a shop configured: only public addresses unless OUTBOUND_ALLOW_HOSTS permits others.
export { outboundFetch } from "../outbound/index.js";
// Money as the API shows it (`Money.formatted`), for messages a plugin writes.
export { formatMoney } from "../domain/money.js";
// A refund's return address on one line (recipient, phone, address), for messages a plugin writes.
export { addressLine } from "../domain/return-address.js";
// Whether a customer is on its shop's care list at a time, and why (one read).
export { customerCare } from "../services/care-list.js";
// The refund vocabulary, for plugins that key settings by status or action.
export { REFUND_ACTIONS, type RefundAction } from "../domain/refund-machine.js";
export { REFUND_STATUSES, REFUND_TYPES, type RefundStatus, type RefundType } from "../domain/types.js";
// The payment provider port a plugin's `paymentProvider.adapter` implements (docs/payment-providers.md).
export {
  type PaymentAdapter,
  type PaymentQueryOutcome,
  type PaymentRefundOutcome,
  type PaymentRefundRequest,
  PaymentProviderUnavailable,
} from "../payments/provider.js";
