/**
 * The port to a payment provider: refund money to the original payment route. The
 * idempotency key is the attempt's; a provider must answer a repeated key with the first
 * outcome and never pay twice (the way real providers' idempotency keys work).
 */
export interface PaymentRefundRequest {
  idempotencyKey: string;
  amount: number;
  currency: string;
  /** The shop's order reference, for the provider's records. */
  orderReference: string;
}

export type PaymentRefundOutcome =
  | { status: "SUCCEEDED"; reference: string }
  | { status: "FAILED"; reason: string };

export interface PaymentProvider {
  readonly name: string;
  /** Throws when the provider could not be reached: the attempt is retried with the same key. */
  refund(request: PaymentRefundRequest): Promise<PaymentRefundOutcome>;
}
