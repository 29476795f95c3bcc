import type { Database } from "../db/database.js";
import { SYSTEM_ACTOR } from "../domain/types.js";
import { BackgroundWork } from "../services/background-work.js";
import { changeRefunds } from "../services/refund-change.js";
import { type PaymentDispatch, type RefundServiceDeps, inUnitOfWork } from "../services/unit-of-work.js";
import type { PaymentProvider } from "./provider.js";

/**
 * Sends pending payment attempts to the provider and records the answer as the refund's
 * PAYMENT_SUCCEEDED / PAYMENT_FAILED transition.
 *
 * Written here rather than on a job-queue library because the attempt row itself is the
 * outbox entry: it is written in the transition's transaction, and claiming it is one
 * conditional UPDATE that works the same on PostgreSQL and PGlite. A process that dies
 * mid-call leaves a claim that expires; the next claim resends the same idempotency key.
 */
export interface PaymentDispatcherOptions {
  /** How long a claim holds before another process may take the attempt. */
  claimMs?: number;
  /** How often pending attempts left behind (crash, provider down) are swept. */
  sweepIntervalMs?: number;
}

export class PaymentDispatcher implements PaymentDispatch {
  private readonly work = new BackgroundWork("payment dispatch");
  private deps: RefundServiceDeps | undefined;
  private readonly claimMs: number;
  private readonly sweepIntervalMs: number;

  constructor(
    private readonly db: Database,
    private readonly provider: PaymentProvider,
    options: PaymentDispatcherOptions = {},
  ) {
    this.claimMs = options.claimMs ?? 30_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5_000;
  }

  /** Binds the services that publish the outcome; sweeping starts here. */
  start(deps: RefundServiceDeps): void {
    this.deps = deps;
    this.work.every(this.sweepIntervalMs, () => this.sweep());
  }

  dispatch(attemptId: string): void {
    this.work.run(() => this.settle(attemptId));
  }

  /** Resolves when every payment call started so far has been recorded. */
  drain(): Promise<void> {
    return this.work.drain();
  }

  stop(): Promise<void> {
    return this.work.stop();
  }

  private async sweep(): Promise<void> {
    const due = await this.db.prisma.paymentRefundAttempt.findMany({
      where: { status: "PENDING", OR: [{ lockedUntil: null }, { lockedUntil: { lt: new Date() } }] },
      select: { id: true },
      orderBy: { createdAt: "asc" },
      take: 100,
    });
    for (const attempt of due) await this.settle(attempt.id);
  }

  /** Claims one attempt, calls the provider, records the outcome. Safe to call twice. */
  async settle(attemptId: string): Promise<void> {
    const now = new Date();
    // Claim and read in one statement: the attempt with its order's reference.
    const [attempt] = await this.db.prisma.$queryRaw<
      Array<{ id: string; refundId: string; idempotencyKey: string; amount: number; currency: string; deliveries: number; orderReference: string }>
    >`
      UPDATE "PaymentRefundAttempt" a SET "lockedUntil" = ${new Date(now.getTime() + this.claimMs)}, deliveries = a.deliveries + 1
        FROM "Refund" r JOIN "Order" o ON o.id = r."orderId"
       WHERE a.id = ${attemptId} AND a.status = 'PENDING' AND (a."lockedUntil" IS NULL OR a."lockedUntil" < ${now}) AND r.id = a."refundId"
      RETURNING a.id, a."refundId", a."idempotencyKey", a.amount, a.currency, a.deliveries, o."externalId" AS "orderReference"`;
    if (!attempt) return;

    let outcome;
    try {
      outcome = await this.provider.refund({
        idempotencyKey: attempt.idempotencyKey,
        amount: attempt.amount,
        currency: attempt.currency,
        orderReference: attempt.orderReference,
      });
    } catch {
      // Unreachable provider: keep the attempt pending and retry with backoff, same key.
      const backoffMs = Math.min(60_000, 1_000 * 2 ** Math.min(attempt.deliveries, 6));
      await this.db.prisma.paymentRefundAttempt.update({
        where: { id: attemptId },
        data: { lockedUntil: new Date(Date.now() + backoffMs) },
      });
      return;
    }

    const deps = this.deps;
    if (!deps) throw new Error("PaymentDispatcher.start() was not called");
    await inUnitOfWork(deps, async (unit) => {
      const recorded = await unit.tx.paymentRefundAttempt.updateMany({
        where: { id: attemptId, status: "PENDING" },
        data: {
          status: outcome.status,
          completedAt: new Date(),
          reference: outcome.status === "SUCCEEDED" ? outcome.reference : null,
          failureReason: outcome.status === "FAILED" ? outcome.reason : null,
        },
      });
      if (recorded.count === 0) return;
      const request = { action: outcome.status === "SUCCEEDED" ? "PAYMENT_SUCCEEDED" : "PAYMENT_FAILED", note: outcome.status === "FAILED" ? outcome.reason : null } as const;
      const [result] = await changeRefunds(unit, deps.hooks, [{ refundId: attempt.refundId, request, actor: SYSTEM_ACTOR }]);
      // The attempt was claimed and recorded once, so the refund is in REFUNDING at this version.
      if (!result!.ok) throw new Error(`payment result for refund ${attempt.refundId} refused: ${JSON.stringify(result!.userErrors)}`);
    });
  }
}
