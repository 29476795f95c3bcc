import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Database } from "../db/database.js";
import { utc } from "../db/sql.js";
import type { Tx } from "../db/tx.js";
import { SYSTEM_ACTOR } from "../domain/types.js";
import { Prisma } from "../generated/prisma/client.js";
import { JobQueue, type RetryPolicy, retryAfter } from "../jobs/job-queue.js";
import type { PaymentAccounts } from "../services/payment-accounts.js";
import { changeRefunds } from "../services/refund-change.js";
import { type PaymentDispatch, type PlannedRefund, type RefundServiceDeps, inUnitOfWork } from "../services/unit-of-work.js";
import { type PaymentAdapter, type PaymentQueryOutcome, type PaymentRefundOutcome, type PaymentRefundRequest, SANDBOX_PROVIDER } from "./provider.js";
import type { PaymentProviders } from "./registry.js";
import { SettlementPace } from "./settlement-pace.js";

/**
 * Sends payment attempts to their provider and records the answers: SUCCEEDED / FAILED as the
 * refund's PAYMENT_SUCCEEDED / PAYMENT_FAILED transition, PROCESSING as the attempt's state (the
 * refund stays REFUNDING) until the provider's notification (`recordAnswer`) or a query after
 * `reconcileDelayMs` settles it.
 *
 * A job of src/jobs over the attempt rows, which the transition writes in its transaction (the
 * attempt is its own outbox entry). An attempt claimed before (a process that died mid-call, a
 * provider that did not answer) may have reached the provider: it is QUERIED by its key first,
 * and sent again only when the provider says it never got it. An unreachable provider is retried
 * with backoff for as long as it takes — no dead letter: the refund is owed, and it waits in
 * REFUNDING where finance sees it.
 */
export interface PaymentDispatcherOptions {
  /** How long a claim holds before another process may take the attempt. */
  claimMs?: number;
  /** How often attempts left behind (crash, provider down, processing) are swept. */
  sweepIntervalMs?: number;
  /** The providers plugins registered (the sandbox is always one). */
  providers?: PaymentProviders;
  /** The shops' accounts at those providers. */
  accounts?: PaymentAccounts;
  /** How long an attempt the provider answered PROCESSING waits for a notification before it is queried. */
  reconcileDelayMs?: number;
  /** When a provider that gave no answer is asked again. */
  retry?: RetryPolicy;
  /** The platform's public URL (PUBLIC_URL), under which providers' notification routes are; read when a call is made. */
  publicUrl?: () => string | undefined;
  /** MAX_UNSETTLED_PAYMENTS: payments of its own to claim or record past which the process holds new requests back (0: never). */
  maxUnsettled?: number;
}

type ClaimedAttempt = {
  id: string;
  refundId: string;
  shopId: string;
  idempotencyKey: string;
  provider: string;
  status: "PENDING" | "PROCESSING";
  sentAt: Date | null;
  amount: number;
  currency: string;
  deliveries: number;
  orderReference: string;
  paymentReference: string | null;
  paymentTotal: number | null;
};

/** Provider down: 2 s after the first call, doubling, at most a minute apart; never dead. */
const PROVIDER_RETRY: RetryPolicy = { baseMs: 2_000, maxMs: 60_000, maxAttempts: Number.POSITIVE_INFINITY };
/** A PROCESSING refund is queried after a minute when no notification came (and every minute after). */
const RECONCILE_DELAY_MS = 60_000;
/**
 * Payments of its own to claim or record past which a process holds new requests back: about
 * what its database pool works through at once, so the time to REFUNDED stays a few
 * settlements long under any intake.
 */
const MAX_UNSETTLED = 16;
/** The provider's words as kept: enough for finance, bounded. */
const ANSWER_MAX = 500;

type Settled = "SETTLED" | "ALREADY_SETTLED" | "NOT_FOUND";

export class PaymentDispatcher implements PaymentDispatch {
  private readonly jobs: JobQueue<ClaimedAttempt>;
  private deps: RefundServiceDeps | undefined;
  private readonly providers: PaymentProviders;
  private readonly retry: RetryPolicy;
  private readonly reconcileDelayMs: number;
  /** Intake held to the pace of this process's settlement work. */
  readonly pace: SettlementPace;
  /** Attempts dispatched here whose run has not ended: their work counts in `pace`. */
  private readonly paced = new Set<string>();

  constructor(
    private readonly db: Database,
    sandbox: PaymentAdapter<null>,
    private readonly options: PaymentDispatcherOptions = {},
  ) {
    this.providers =
      options.providers ?? new Map([[SANDBOX_PROVIDER, { code: SANDBOX_PROVIDER, adapter: sandbox as PaymentAdapter<unknown>, account: null, secretFields: [], notifyPath: null }]]);
    this.retry = options.retry ?? PROVIDER_RETRY;
    this.reconcileDelayMs = options.reconcileDelayMs ?? RECONCILE_DELAY_MS;
    this.pace = new SettlementPace(options.maxUnsettled ?? MAX_UNSETTLED);
    this.jobs = new JobQueue<ClaimedAttempt>(db.prisma, {
      name: "payment dispatch",
      table: {
        table: "PaymentRefundAttempt",
        leaseColumn: "lockedUntil",
        attemptsColumn: "deliveries",
        // PENDING: to send; PROCESSING: to query once its lease (the reconciliation delay) ends.
        due: () => Prisma.sql`j.status IN ('PENDING', 'PROCESSING')`,
        orderBy: "createdAt",
        // What the call needs rides along: claim and read in one statement.
        returning: Prisma.sql`j.id, j."refundId", j."idempotencyKey", j.provider, j.status::text AS status, j."sentAt", j.amount, j.currency, j.deliveries,
          (SELECT r."shopId" FROM "Refund" r WHERE r.id = j."refundId") AS "shopId",
          (SELECT o."externalId" FROM "Refund" r JOIN "Order" o ON o.id = r."orderId" WHERE r.id = j."refundId") AS "orderReference",
          (SELECT p.reference FROM "Payment" p WHERE p.id = j."paymentId") AS "paymentReference",
          (SELECT p."totalAmount" FROM "Payment" p WHERE p.id = j."paymentId") AS "paymentTotal"`,
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

  dispatch(attemptId: string, refund?: PlannedRefund): void {
    this.pace.begin();
    this.paced.add(attemptId);
    this.jobs.dispatch(
      [attemptId],
      async (attempts) => {
        for (const attempt of attempts) await this.call(attempt, refund);
      },
      () => {
        this.paced.delete(attemptId);
        this.pace.end();
      },
    );
  }

  intakeRoom(): Promise<void> {
    return this.pace.room();
  }

  /** Resolves when every payment call started so far has been recorded. */
  drain(): Promise<void> {
    return this.jobs.drain();
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }

  /** Claims one attempt, calls (or queries) the provider, records the outcome. Safe to call twice. */
  async settle(attemptId: string): Promise<void> {
    await this.jobs.run([attemptId]);
  }

  async accountFor(provider: string, shopId: string): Promise<unknown> {
    return this.options.accounts ? this.options.accounts.accountFor(provider, shopId) : null;
  }

  /** A provider's later answer (its notification) about an attempt of this shop and provider. */
  async recordAnswer(input: { provider: string; shopId: string; idempotencyKey: string; outcome: PaymentRefundOutcome }): Promise<Settled> {
    const attempt = await this.db.prisma.paymentRefundAttempt.findFirst({
      where: { idempotencyKey: input.idempotencyKey, provider: input.provider, refund: { shopId: input.shopId } },
      select: { id: true, refundId: true, status: true, sentAt: true },
    });
    if (!attempt) return "NOT_FOUND";
    if (attempt.status === "FAILED" && input.outcome.status === "SUCCEEDED") {
      // Given up (finance settled it by hand) or declined, and yet the provider paid it: nothing
      // is recorded as refunded again, but finance must see that the money went out twice.
      const answer = `PAID LATE: ${input.outcome.answer ?? "SUCCEEDED"}`.slice(0, ANSWER_MAX);
      await this.db.prisma.paymentRefundAttempt.update({ where: { id: attempt.id }, data: { providerAnswer: answer, answeredAt: new Date(), reference: input.outcome.reference } });
    }
    if (attempt.status === "SUCCEEDED" || attempt.status === "FAILED") return "ALREADY_SETTLED";
    return (await this.record(attempt, input.outcome)) ? "SETTLED" : "ALREADY_SETTLED";
  }

  /** `refund`: as the unit that wrote the attempt left it, for the result's change to plan from (none: read). */
  private async call(attempt: ClaimedAttempt, refund?: PlannedRefund): Promise<void> {
    const provider = this.providers.get(attempt.provider);
    if (!provider) {
      // Its plugin is not loaded in this process: left for one that has it, or for later.
      await this.retryLater(attempt, this.retry.maxMs, attempt.sentAt);
      return;
    }
    const account = provider.account ? await this.accountFor(provider.code, attempt.shopId) : null;
    if (provider.account && account === null) {
      // Nothing was sent: the shop has no usable account. Finance retries once it is set.
      await this.record(attempt, { status: "FAILED", reason: `The shop has no ${provider.code} account: a shop admin sets it with setPaymentAccount`, answer: "NO_ACCOUNT" });
      return;
    }
    const publicUrl = this.options.publicUrl?.();
    const request: PaymentRefundRequest = {
      idempotencyKey: attempt.idempotencyKey,
      amount: attempt.amount,
      currency: attempt.currency,
      orderReference: attempt.orderReference,
      payment: attempt.paymentReference !== null && attempt.paymentTotal !== null ? { reference: attempt.paymentReference, totalAmount: attempt.paymentTotal } : null,
      shopId: attempt.shopId,
      notifyUrl: provider.notifyPath && publicUrl ? `${publicUrl.replace(/\/$/, "")}${provider.notifyPath.replace(":shop", encodeURIComponent(encodeGlobalID("Shop", attempt.shopId)))}` : null,
    };

    let outcome: PaymentRefundOutcome;
    // When it was first sent: kept, or now if this call sends it.
    let sentAt = attempt.sentAt;
    try {
      outcome = await this.providerTime(attempt.id, async (): Promise<PaymentRefundOutcome> => {
        // Claimed before (a crash, a lost answer) or processing: the provider may have it. Ask
        // by the same key before anything is sent again.
        const mayHaveIt = attempt.deliveries > 1 || attempt.status === "PROCESSING";
        const known: PaymentQueryOutcome = mayHaveIt ? await provider.adapter.query(request, account) : { status: "NOT_FOUND" };
        if (known.status !== "NOT_FOUND") return known;
        sentAt ??= new Date();
        return provider.adapter.refund(request, account);
      });
    } catch (error) {
      // No answer: kept, its lease set to the retry time; the next claim queries first.
      const retry = retryAfter(this.retry, attempt.deliveries);
      const hinted = (error as { retryAfterMs?: unknown }).retryAfterMs;
      await this.retryLater(attempt, typeof hinted === "number" ? hinted : retry.dead ? 0 : retry.delayMs, sentAt);
      return;
    }
    await this.record(attempt, outcome, sentAt, refund);
  }

  /** Waiting for the provider is not this process's work: intake is not held back by it meanwhile. */
  private async providerTime<T>(attemptId: string, call: () => Promise<T>): Promise<T> {
    const paced = this.paced.has(attemptId);
    if (paced) this.pace.end();
    try {
      return await call();
    } finally {
      if (paced) this.pace.begin();
    }
  }

  private async retryLater(attempt: { id: string }, delayMs: number, sentAt: Date | null): Promise<void> {
    await this.db.prisma.paymentRefundAttempt.update({ where: { id: attempt.id }, data: { lockedUntil: new Date(Date.now() + delayMs), sentAt } });
  }

  /**
   * Records an answer on an attempt still open (PENDING or PROCESSING): PROCESSING keeps it open
   * and waits for the reconciliation delay; SUCCEEDED / FAILED close it and move the refund, in
   * one transaction, once (the conditional update decides which caller records it). A FAILED
   * attempt gives its amount back to the payment. Answers whether this call recorded it.
   */
  private async record(
    attempt: { id: string; refundId: string; sentAt?: Date | null },
    outcome: PaymentRefundOutcome,
    sentAt: Date | null = attempt.sentAt ?? null,
    refund?: PlannedRefund,
  ): Promise<boolean> {
    const now = new Date();
    const answer = (outcome.answer ?? (outcome.status === "FAILED" ? outcome.reason : outcome.status)).slice(0, ANSWER_MAX);
    const open = { id: attempt.id, status: { in: ["PENDING" as const, "PROCESSING" as const] } };
    if (outcome.status === "PROCESSING") {
      const kept = await this.db.prisma.paymentRefundAttempt.updateMany({
        where: open,
        data: { status: "PROCESSING", sentAt, providerAnswer: answer, answeredAt: now, reference: outcome.reference ?? null, lockedUntil: new Date(now.getTime() + this.reconcileDelayMs) },
      });
      return kept.count === 1;
    }
    const deps = this.deps;
    if (!deps) throw new Error("PaymentDispatcher.start() was not called");
    return inUnitOfWork(deps, async (unit) => {
      // Raw: Prisma's interpretation of this update cost more CPU than the statement.
      const recorded = await unit.tx.$queryRaw<Array<{ paymentId: string | null; amount: number }>>`
        UPDATE "PaymentRefundAttempt"
           SET status = CAST(${outcome.status}::text AS "PaymentAttemptStatus"), "sentAt" = ${utc(sentAt)}, "completedAt" = ${utc(now)},
               "answeredAt" = ${utc(now)}, "providerAnswer" = ${answer}::text, "lockedUntil" = NULL,
               reference = ${outcome.status === "SUCCEEDED" ? outcome.reference : null}::text,
               "failureReason" = ${outcome.status === "FAILED" ? outcome.reason.slice(0, ANSWER_MAX) : null}::text
         WHERE id = ${attempt.id} AND status IN ('PENDING', 'PROCESSING')
        RETURNING "paymentId", amount`;
      const [closed] = recorded;
      if (!closed) return false;
      if (outcome.status === "FAILED" && closed.paymentId) await releasePayment(unit.tx, closed.paymentId, closed.amount);
      const request = { action: outcome.status === "SUCCEEDED" ? "PAYMENT_SUCCEEDED" : "PAYMENT_FAILED", note: outcome.status === "FAILED" ? outcome.reason : null } as const;
      const change = { refundId: attempt.refundId, request, actor: SYSTEM_ACTOR };
      // Planned from the refund as its attempt's unit left it (no read); if it moved since, the
      // version check refuses that plan and the refund is read as it is now.
      let [result] = await changeRefunds(unit, deps.hooks, [{ ...change, loaded: refund }]);
      if (!result!.ok && refund) [result] = await changeRefunds(unit, deps.hooks, [change]);
      // The attempt was open and recorded once, so the refund is in REFUNDING at this version.
      if (!result!.ok) throw new Error(`payment result for refund ${attempt.refundId} refused: ${JSON.stringify(result!.userErrors)}`);
      return true;
    });
  }
}

/** A failed attempt's amount is free again on its payment. */
export async function releasePayment(tx: Tx, paymentId: string, amount: number): Promise<void> {
  await tx.payment.update({ where: { id: paymentId }, data: { reservedAmount: { decrement: amount } } });
}

