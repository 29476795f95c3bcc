import type { Database } from "../db/database.js";
import { SYSTEM_ACTOR } from "../domain/types.js";
import { Prisma } from "../generated/prisma/client.js";
import { JobQueue, type RetryPolicy, retryAfter } from "../jobs/job-queue.js";
import { changeRefunds } from "../services/refund-change.js";
import { type PaymentDispatch, type RefundServiceDeps, inUnitOfWork } from "../services/unit-of-work.js";
import type { PaymentProvider } from "./provider.js";

/**
 * Sends pending payment attempts to the provider and records the answer as the refund's
 * PAYMENT_SUCCEEDED / PAYMENT_FAILED transition.
 *
 * A job of src/jobs over the attempt rows, which the transition writes in its transaction (the
 * attempt is its own outbox entry). A process that dies mid-call leaves a lease that expires;
 * the next claim resends the same idempotency key. An unreachable provider is retried with
 * backoff for as long as it takes — no dead letter: the refund is owed, and it waits in
 * REFUNDING where finance sees it.
 */
export interface PaymentDispatcherOptions {
  /** How long a claim holds before another process may take the attempt. */
  claimMs?: number;
  /** How often pending attempts left behind (crash, provider down) are swept. */
  sweepIntervalMs?: number;
}

type ClaimedAttempt = { id: string; refundId: string; idempotencyKey: string; amount: number; currency: string; deliveries: number; orderReference: string };

/** Provider down: 2 s after the first call, doubling, at most a minute apart; never dead. */
const PROVIDER_RETRY: RetryPolicy = { baseMs: 2_000, maxMs: 60_000, maxAttempts: Number.POSITIVE_INFINITY };

export class PaymentDispatcher implements PaymentDispatch {
  private readonly jobs: JobQueue<ClaimedAttempt>;
  private deps: RefundServiceDeps | undefined;

  constructor(
    private readonly db: Database,
    private readonly provider: PaymentProvider,
    options: PaymentDispatcherOptions = {},
  ) {
    this.jobs = new JobQueue<ClaimedAttempt>(db.prisma, {
      name: "payment dispatch",
      table: {
        table: "PaymentRefundAttempt",
        leaseColumn: "lockedUntil",
        attemptsColumn: "deliveries",
        due: () => Prisma.sql`j.status = 'PENDING'`,
        orderBy: "createdAt",
        // The order's reference rides along: claim and read in one statement.
        returning: Prisma.sql`j.id, j."refundId", j."idempotencyKey", j.amount, j.currency, j.deliveries,
          (SELECT o."externalId" FROM "Refund" r JOIN "Order" o ON o.id = r."orderId" WHERE r.id = j."refundId") AS "orderReference"`,
      },
      handle: async (attempts) => {
        for (const attempt of attempts) await this.call(attempt);
      },
      leaseMs: options.claimMs ?? 30_000,
      sweepIntervalMs: options.sweepIntervalMs ?? 5_000,
      // Each one is a provider call made under the sweep's lease: few at a time, so the last
      // is called well before its lease ends.
      sweepLimit: 10,
    });
  }

  /** Binds the services that publish the outcome; sweeping starts here. */
  start(deps: RefundServiceDeps): void {
    this.deps = deps;
    this.jobs.start();
  }

  dispatch(attemptId: string): void {
    this.jobs.dispatch([attemptId]);
  }

  /** Resolves when every payment call started so far has been recorded. */
  drain(): Promise<void> {
    return this.jobs.drain();
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }

  /** Claims one attempt, calls the provider, records the outcome. Safe to call twice. */
  async settle(attemptId: string): Promise<void> {
    await this.jobs.run([attemptId]);
  }

  private async call(attempt: ClaimedAttempt): Promise<void> {
    const attemptId = attempt.id;
    let outcome;
    try {
      outcome = await this.provider.refund({
        idempotencyKey: attempt.idempotencyKey,
        amount: attempt.amount,
        currency: attempt.currency,
        orderReference: attempt.orderReference,
      });
    } catch {
      // Unreachable provider: the attempt stays pending, its lease set to the retry time; a
      // sweep takes it then, with the same key.
      const retry = retryAfter(PROVIDER_RETRY, attempt.deliveries);
      await this.db.prisma.paymentRefundAttempt.update({
        where: { id: attemptId },
        data: { lockedUntil: new Date(Date.now() + (retry.dead ? 0 : retry.delayMs)) },
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
