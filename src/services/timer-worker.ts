import { type RefundAction } from "../domain/refund-machine.js";
import { Prisma } from "../generated/prisma/client.js";
import { JobQueue, type RetryPolicy, retryAfter } from "../jobs/job-queue.js";
import { recordRuns } from "./automation.js";
import { changeRefunds } from "./refund-change.js";
import { type RefundServiceDeps, type TimerDispatch, inUnitOfWork } from "./unit-of-work.js";

export interface TimerWorkerOptions {
  /** How often due timers are looked for (tests shorten it). */
  sweepIntervalMs?: number;
  /** How long a process holds a due timer it took; after a crash another takes it over. */
  claimMs?: number;
  /** A run that threw is tried again after `baseMs`, doubling up to `maxMs`; dead after `maxAttempts` runs. */
  retry?: Partial<RetryPolicy>;
}

/** A failing timer: first again after 1 s, doubling to 10 minutes, dead after its 6th run (as plugin deliveries). */
export const TIMER_RETRY: RetryPolicy = { baseMs: 1_000, maxMs: 10 * 60_000, maxAttempts: 6 };

/** The note of a timer's transition. */
export function timerNote(name: string): string {
  return `Timer "${name}": nothing happened in time`;
}

type DueTimer = { id: string; version: number; action: string; name: string; attempts: number };

/** The columns of a refund's timer that say nothing failed (a new timer, a refused one, a retry). */
export const NO_TIMER_FAILURE = { timeoutAttempts: 0, timeoutRetryAt: null, timeoutDeadAt: null, timeoutLastError: null } as const;

/**
 * Applies the refunds' due timers (`Refund.nextTimeoutAt`, written with the transition that
 * started them) in the timer's name, once: a job of src/jobs over the Refund rows themselves
 * (the lease is `timeoutClaimedUntil`), and the change carries `expectedVersion` = the version
 * that started the timer, so a late or duplicate run, or one after a person acted, changes
 * nothing. A refused timer (the refund moved on, a plugin vetoed) is recorded and ended. A run
 * that threw (a plugin's hook failed, the database went away) is tried again with backoff
 * (`timeoutRetryAt`: no sweep takes it before then) and, after `maxAttempts` runs, is a dead
 * letter (`timeoutDeadAt`) that no sweep takes again: `timerDeadLetters` shows it to SHOP_ADMIN
 * and `retryRefundTimer` runs it once more.
 */
export class TimerWorker implements TimerDispatch {
  private readonly jobs: JobQueue<DueTimer>;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly deps: RefundServiceDeps,
    options: TimerWorkerOptions = {},
  ) {
    this.retry = { ...TIMER_RETRY, ...options.retry };
    this.jobs = new JobQueue<DueTimer>(deps.db.prisma, {
      name: "automation timers",
      table: {
        table: "Refund",
        leaseColumn: "timeoutClaimedUntil",
        attemptsColumn: "timeoutAttempts",
        due: (now) =>
          Prisma.sql`j."nextTimeoutAt" <= ${now} AND j."timeoutDeadAt" IS NULL AND (j."timeoutRetryAt" IS NULL OR j."timeoutRetryAt" <= ${now})`,
        orderBy: "nextTimeoutAt",
        returning: Prisma.sql`j.id, j.version, j."nextTimeoutAction" AS action, j."nextTimeoutName" AS name, j."timeoutAttempts" AS attempts`,
      },
      handle: async (timers) => {
        for (const timer of timers) await this.apply(timer);
      },
      leaseMs: options.claimMs ?? 30_000,
      sweepIntervalMs: options.sweepIntervalMs ?? 5_000,
      sweepLimit: 50,
      now: deps.clock,
    });
  }

  start(): void {
    this.jobs.start();
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }

  /** Claims up to 50 due timers and applies each in its own unit of work. */
  sweep(): Promise<void> {
    return this.jobs.sweep();
  }

  /** Runs these refunds' timers now, in the background (a dead letter retried). */
  dispatch(refundIds: readonly string[]): void {
    this.jobs.dispatch(refundIds);
  }

  private async apply(timer: DueTimer): Promise<void> {
    try {
      await this.run(timer);
    } catch (error) {
      await this.failed(timer, error instanceof Error ? error.message : String(error));
    }
  }

  private async run(timer: DueTimer): Promise<void> {
    await inUnitOfWork(this.deps, async (unit) => {
      const [result] = await changeRefunds(unit, this.deps.hooks, [
        {
          refundId: timer.id,
          request: { action: timer.action as RefundAction, note: timerNote(timer.name) },
          actor: { kind: "RULE", name: timer.name },
          expectedVersion: timer.version,
        },
      ]);
      if (result!.ok) return;
      // Refused (the refund moved on, or a plugin vetoed): recorded, and the timer of this
      // version is ended so that it is never retried; a transition since then set its own.
      const ended = await unit.tx.refund.updateMany({
        where: { id: timer.id, version: timer.version },
        data: { nextTimeoutAt: null, nextTimeoutAction: null, nextTimeoutName: null, timeoutClaimedUntil: null, ...NO_TIMER_FAILURE },
      });
      const refund = await unit.tx.refund.findUnique({ where: { id: timer.id }, select: { shopId: true } });
      if (!refund) return;
      const reason = result!.userErrors.map((error) => `${error.code}: ${error.message}`).join("; ");
      await recordRuns(unit.tx, [
        { shopId: refund.shopId, refundId: timer.id, ruleId: null, name: timer.name, refundVersion: timer.version, outcome: "SKIPPED", reason: ended.count > 0 ? reason : `${reason} (the refund moved on)`, transitionId: null },
      ]);
    });
  }

  /**
   * A run threw: its unit of work rolled back, so the timer is still set. It is tried again
   * after its backoff (here, and by any process's sweep once `timeoutRetryAt` passes), or is
   * dead after its last attempt. A transition since the claim set its own timer: nothing to do.
   */
  private async failed(timer: DueTimer, message: string): Promise<void> {
    const retry = retryAfter(this.retry, timer.attempts);
    const now = this.deps.clock();
    await this.deps.db.prisma.refund.updateMany({
      where: { id: timer.id, version: timer.version, nextTimeoutAt: { not: null } },
      data: {
        timeoutClaimedUntil: null,
        timeoutLastError: message.slice(0, 2_000),
        timeoutRetryAt: retry.dead ? null : new Date(now.getTime() + retry.delayMs),
        timeoutDeadAt: retry.dead ? now : null,
      },
    });
    if (!retry.dead) this.jobs.retryLater(timer.id, retry.delayMs);
  }
}
