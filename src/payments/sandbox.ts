import { randomUUID } from "node:crypto";
import { type PaymentAdapter, type PaymentQueryOutcome, type PaymentRefundOutcome, type PaymentRefundRequest, PaymentProviderUnavailable } from "./provider.js";

/**
 * The built-in provider: settles at once, in memory. Tests and demos tell it to decline
 * (`declineNext`) or to be unreachable (`failConnectionNext`) for the next calls.
 */
export class SandboxPaymentProvider implements PaymentAdapter<null> {
  /** Every distinct refund paid, by idempotency key. */
  readonly payments = new Map<string, PaymentRefundRequest & { reference: string }>();
  private readonly outcomes = new Map<string, PaymentRefundOutcome>();
  private declines = 0;
  private connectionFailures = 0;
  calls = 0;

  declineNext(count = 1): void {
    this.declines += count;
  }

  failConnectionNext(count = 1): void {
    this.connectionFailures += count;
  }

  async refund(request: PaymentRefundRequest): Promise<PaymentRefundOutcome> {
    this.calls += 1;
    const known = this.outcomes.get(request.idempotencyKey);
    if (known) return known;
    if (this.connectionFailures > 0) {
      this.connectionFailures -= 1;
      throw new PaymentProviderUnavailable("sandbox: payment provider unreachable");
    }
    let outcome: PaymentRefundOutcome;
    if (this.declines > 0) {
      this.declines -= 1;
      outcome = { status: "FAILED", reason: "sandbox: refund declined" };
    } else {
      const reference = `sandbox_${randomUUID()}`;
      this.payments.set(request.idempotencyKey, { ...request, reference });
      outcome = { status: "SUCCEEDED", reference };
    }
    this.outcomes.set(request.idempotencyKey, outcome);
    return outcome;
  }

  async query(request: PaymentRefundRequest): Promise<PaymentQueryOutcome> {
    return this.outcomes.get(request.idempotencyKey) ?? { status: "NOT_FOUND" };
  }

  /** Total paid out for an order reference (tests check nothing is paid twice). */
  paidFor(orderReference: string): number {
    let total = 0;
    for (const payment of this.payments.values()) if (payment.orderReference === orderReference) total += payment.amount;
    return total;
  }
}
