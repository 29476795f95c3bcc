import { type RefundAction } from "../domain/refund-machine.js";
import { Prisma } from "../generated/prisma/client.js";
import { JobQueue } from "../jobs/job-queue.js";
import { recordRuns } from "./automation.js";
import { changeRefunds } from "./refund-change.js";
import { type RefundServiceDeps, inUnitOfWork } from "./unit-of-work.js";

export interface TimerWorkerOptions {
  /** How often due timers are looked for (tests shorten it). */
  sweepIntervalMs?: number;
  /** How long a process holds a due timer it took; after a crash another takes it over. */
  claimMs?: number;
}

/** The note of a timer's transition. */
export function timerNote(name: string): string {
  return `Timer "${name}": nothing happened in time`;
}

type DueTimer = { id: string; version: number; action: string; name: string };

/**
 * Applies the refunds' due timers (`Refund.nextTimeoutAt`, written with the transition that
 * started them) in the timer's name, once: a job of src/jobs over the Refund rows themselves
 * (the lease is `timeoutClaimedUntil`), and the change carries `expectedVersion` = the version
 * that started the timer, so a late or duplicate run, or one after a person acted, changes
 * nothing. No retry policy: a refused timer is recorded and ended, and a run that failed
 * (the database went away) is taken again when its lease ends.
 */
export class TimerWorker {
  private readonly jobs: JobQueue<DueTimer>;

  constructor(
    private readonly deps: RefundServiceDeps,
    options: TimerWorkerOptions = {},
  ) {
    this.jobs = new JobQueue<DueTimer>(deps.db.prisma, {
      name: "automation timers",
      table: {
        table: "Refund",
        leaseColumn: "timeoutClaimedUntil",
        due: (now) => Prisma.sql`j."nextTimeoutAt" <= ${now}`,
        orderBy: "nextTimeoutAt",
        returning: Prisma.sql`j.id, j.version, j."nextTimeoutAction" AS action, j."nextTimeoutName" AS name`,
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

  private async apply(timer: DueTimer): Promise<void> {
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
        data: { nextTimeoutAt: null, nextTimeoutAction: null, nextTimeoutName: null, timeoutClaimedUntil: null },
      });
      const refund = await unit.tx.refund.findUnique({ where: { id: timer.id }, select: { shopId: true } });
      if (!refund) return;
      const reason = result!.userErrors.map((error) => `${error.code}: ${error.message}`).join("; ");
      await recordRuns(unit.tx, [
        { shopId: refund.shopId, refundId: timer.id, ruleId: null, name: timer.name, refundVersion: timer.version, outcome: "SKIPPED", reason: ended.count > 0 ? reason : `${reason} (the refund moved on)`, transitionId: null },
      ]);
    });
  }
}
