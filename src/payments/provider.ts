/**
 * The port to a payment provider: refund money to the original payment route, and tell what
 * became of a refund asked for earlier. A provider plugin (plugins/wechat-pay…) implements it
 * behind `definePlugin({ paymentProvider })`; the built-in sandbox implements it in memory.
 *
 * The idempotency key is the attempt's (`out_refund_no`, `out_request_no`, `Idempotency-Key`):
 * the same on every resend and every query of that attempt. A provider must answer a repeated
 * key with the first refund and never pay twice.
 */

/** The providers the platform knows by name; a plugin may register another code. SANDBOX is built in. */
export const KNOWN_PAYMENT_PROVIDERS = ["SANDBOX", "WECHAT_PAY", "ALIPAY", "STRIPE"] as const;

/** The built-in provider: settles at once, in memory; an order with no payment goes through it. */
export const SANDBOX_PROVIDER = "SANDBOX";

export interface PaymentRefundRequest {
  /** The attempt's key: send it as the provider's refund number / idempotency key, and query by it. */
  idempotencyKey: string;
  /** Minor units (fen, cents) to refund. */
  amount: number;
  currency: string;
  /** The shop's order reference (its externalId), for the provider's records. */
  orderReference: string;
  /**
   * What the order was paid with (upsertOrder's `payment`): the provider's id of the payment
   * (transaction_id, trade_no, payment intent) and its total in minor units. Null only for the
   * sandbox (an order with no payment).
   */
  payment: { reference: string; totalAmount: number } | null;
  /** The shop the attempt belongs to (raw id). */
  shopId: string;
  /**
   * The public URL of this provider's notification route for this shop (the registration's
   * `notifyPath` below the platform's PUBLIC_URL), or null when the provider declares none.
   */
  notifyUrl: string | null;
}

/** The provider's own words about the attempt, as finance sees them (`PaymentAttempt.providerAnswer`). */
interface Answered {
  /** The provider's status and message, short (e.g. `PROCESSING`, `ABNORMAL: 用户银行卡已注销`). */
  answer?: string;
}

/**
 * What a refund call (or a query, or a notification) says of the attempt:
 * - SUCCEEDED: the money went back; `reference` is the provider's refund id.
 * - PROCESSING: accepted, not settled yet: the platform waits for the notification and queries
 *   after a delay; the refund stays REFUNDING.
 * - FAILED: the provider will not pay (declined, ABNORMAL, CLOSED): the refund becomes
 *   REFUND_FAILED with `reason` (the provider's words), for finance to retry or settle by hand.
 */
export type PaymentRefundOutcome =
  | ({ status: "SUCCEEDED"; reference: string } & Answered)
  | ({ status: "PROCESSING"; reference?: string; answer: string } & Answered)
  | ({ status: "FAILED"; reason: string } & Answered);

/** A query's answer: an outcome, or NOT_FOUND (the provider never received a refund with this key: safe to send it). */
export type PaymentQueryOutcome = PaymentRefundOutcome | ({ status: "NOT_FOUND" } & Answered);

/**
 * Thrown by an adapter when it has no answer: unreachable, silence (timeout), 5xx, rate limit,
 * or an answer whose signature does not verify. The attempt is kept and, because the request may
 * have reached the provider, QUERIED (never resent blindly) after `retryAfterMs` or the
 * platform's backoff.
 */
export class PaymentProviderUnavailable extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "PaymentProviderUnavailable";
  }
}

/**
 * A provider adapter. `account` is the shop's merchant account (its plugin's `account` schema,
 * decrypted); the sandbox's is null. Any other thrown error counts as PaymentProviderUnavailable.
 */
export interface PaymentAdapter<Account = unknown> {
  refund(request: PaymentRefundRequest, account: Account): Promise<PaymentRefundOutcome>;
  /** What became of the refund with `request.idempotencyKey`, asked by that same key. */
  query(request: PaymentRefundRequest, account: Account): Promise<PaymentQueryOutcome>;
}
