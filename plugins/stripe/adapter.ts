// Refunds through Stripe with the kept SDK (`stripe`): `POST /v1/refunds` with the attempt's key
// as `Idempotency-Key` (and in the refund's metadata, so that the refund can be found again by
// that key), and the refund's status read as the platform's outcome.
import Stripe from "stripe";
import {
  type PaymentAdapter,
  type PaymentQueryOutcome,
  PaymentProviderUnavailable,
  type PaymentRefundOutcome,
  type PaymentRefundRequest,
} from "../../src/plugin/index.js";
import type { StripeAccount } from "./account.js";

/** The metadata key that carries the attempt's idempotency key on the refund. */
export const KEY_METADATA = "idempotency_key";

/** A refund's status as the platform's outcome (answers, queries and webhooks alike). */
export function outcomeOf(refund: Stripe.Refund): PaymentRefundOutcome {
  switch (refund.status) {
    case "succeeded":
      return { status: "SUCCEEDED", reference: refund.id, answer: "succeeded" };
    case "failed":
      return { status: "FAILED", reason: `Stripe: refund failed (${refund.failure_reason ?? "unknown"})`, answer: `failed: ${refund.failure_reason ?? "unknown"}` };
    case "canceled":
      return { status: "FAILED", reason: "Stripe: refund canceled", answer: "canceled" };
    case "requires_action":
      // The customer must give details (e.g. bank account) for the money to go back.
      return { status: "PROCESSING", reference: refund.id, answer: `requires_action${refund.next_action ? `: ${refund.next_action.type}` : ""}` };
    default:
      return { status: "PROCESSING", reference: refund.id, answer: refund.status ?? "pending" };
  }
}

/** The payment's id as the refund's target: a charge (`ch_…`) or a payment intent (`pi_…`). */
function target(reference: string): { charge: string } | { payment_intent: string } {
  return reference.startsWith("ch_") || reference.startsWith("py_") ? { charge: reference } : { payment_intent: reference };
}

const NO_PAYMENT: PaymentRefundOutcome = { status: "FAILED", reason: "Stripe: the order has no payment intent or charge id (upsertOrder payment.reference)" };

/**
 * A Stripe error as an outcome: the request was refused (bad key, unknown payment, more than is
 * left) → FAILED with Stripe's words; no answer to go by (unreachable, 5xx, 429, a concurrent
 * request with the key) → PaymentProviderUnavailable, so the platform queries before anything else.
 */
function failureOf(error: unknown): PaymentRefundOutcome {
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode ?? 0;
    if (status === 400 || status === 401 || status === 402 || status === 403 || status === 404) {
      const words = `${error.code ?? error.rawType ?? error.type}: ${error.message}`;
      return { status: "FAILED", reason: `Stripe: ${words}`, answer: words };
    }
    throw new PaymentProviderUnavailable(`Stripe: ${error.rawType ?? error.type} ${status || ""} ${error.message}`.trim());
  }
  throw error;
}

/** `timeoutMs`: how long one call may take before its answer counts as lost (then it is queried). */
export function stripeAdapter(options: { baseUrl: string | undefined; timeoutMs: number }): PaymentAdapter<StripeAccount> {
  const base = options.baseUrl ? new URL(options.baseUrl) : undefined;
  const newClient = (secretKey: string) =>
    new Stripe(secretKey, {
      ...(base && { host: base.hostname, port: base.port || (base.protocol === "https:" ? 443 : 80), protocol: base.protocol === "https:" ? "https" : "http" }),
      // The platform retries, with backoff and a query first: one call here is one request.
      maxNetworkRetries: 0,
      timeout: options.timeoutMs,
      telemetry: false,
      appInfo: { name: "refund-platform" },
    });
  // One client per secret key, kept: it keeps its connections alive between calls.
  const clients = new Map<string, Stripe>();
  const client = (account: StripeAccount) => {
    let found = clients.get(account.secretKey);
    if (!found) {
      found = newClient(account.secretKey);
      clients.set(account.secretKey, found);
    }
    return found;
  };

  return {
    async refund(request: PaymentRefundRequest, account: StripeAccount): Promise<PaymentRefundOutcome> {
      if (!request.payment) return NO_PAYMENT;
      try {
        const refund = await client(account).refunds.create(
          { ...target(request.payment.reference), amount: request.amount, metadata: { [KEY_METADATA]: request.idempotencyKey, order_reference: request.orderReference } },
          { idempotencyKey: request.idempotencyKey },
        );
        return outcomeOf(refund);
      } catch (error) {
        return failureOf(error);
      }
    },

    /**
     * Finds the refund made with this key among the payment's refunds (a GET: nothing is created,
     * even after Stripe has forgotten the idempotency key, 24 hours on).
     */
    async query(request: PaymentRefundRequest, account: StripeAccount): Promise<PaymentQueryOutcome> {
      if (!request.payment) return NO_PAYMENT;
      try {
        for await (const refund of client(account).refunds.list({ ...target(request.payment.reference), limit: 100 })) {
          if (refund.metadata?.[KEY_METADATA] === request.idempotencyKey) return outcomeOf(refund);
        }
      } catch (error) {
        // Only an unknown payment settles it (nothing can have been refunded); any other refusal
        // (a key rolled since the refund was sent…) says nothing of a refund that may be paid.
        if (error instanceof Stripe.errors.StripeError && error.statusCode === 404) return failureOf(error);
        throw new PaymentProviderUnavailable(`Stripe refund query: ${error instanceof Error ? error.message : String(error)}`);
      }
      return { status: "NOT_FOUND", answer: "no refund with this key" };
    },
  };
}
