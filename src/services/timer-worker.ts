import { type RefundAction } from "../domain/refund-machine.js";
import { BackgroundWork } from "./background-work.js";
import { recordRuns } from "./automation.js";
import { changeRefunds } from "./refund-change.js";
import { type RefundServiceDeps, inUnitOfWork } from "./unit-of-work.js";

export interface TimerWorkerOptions {
  /** How often due timers are looked for (tests shorten it). */
  sweepIntervalMs?: number;
  /** How long a process holds a due timer it took; after a crash another takes it over. */
  claimMs?: number;
}

/**
 * Applies the refunds' due timers (`Refund.nextTimeoutAt`, written with the transition that
 * started them) in the timer's name, once: any process may claim a due timer with one
 * conditional UPDATE (FOR UPDATE SKIP LOCKED, so two processes never take the same refund),
 * and the change carries `expectedVersion` = the version that started the timer, so a late or
 * duplicate run, or one after a person acted, changes nothing.
 *
 * Our own rather than pg-boss or graphile-worker: the due time must commit with the status
 * that starts it, inside Prisma's interactive transaction, which a queue library's own
 * connection cannot join; and the same claim runs on PostgreSQL and the embedded PGlite.
 */
export class TimerWorker {
  private readonly work = new BackgroundWork("automation timers");
  private readonly sweepIntervalMs: number;
  private readonly claimMs: number;

  constructor(
    private readonly deps: RefundServiceDeps,
    options: TimerWorkerOptions = {},
  ) {
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5_000;
    this.claimMs = options.claimMs ?? 30_000;
  }

  start(): void {
    this.work.every(this.sweepIntervalMs, () => this.sweep());
  }

  stop(): Promise<void> {
    return this.work.stop();
  }

  /** Claims up to 50 due timers and applies each in its own unit of work. */
  async sweep(): Promise<void> {
    const now = this.deps.clock();
    const claimed = await this.deps.db.prisma.$queryRaw<Array<{ id: string; version: number; action: string; name: string }>>`
      UPDATE "Refund" SET "timeoutClaimedUntil" = ${new Date(now.getTime() + this.claimMs)}
      WHERE id IN (
        SELECT id FROM "Refund"
        WHERE "nextTimeoutAt" <= ${now} AND ("timeoutClaimedUntil" IS NULL OR "timeoutClaimedUntil" < ${now})
        ORDER BY "nextTimeoutAt" LIMIT 50
        FOR UPDATE SKIP LOCKED)
      RETURNING id, version, "nextTimeoutAction" AS action, "nextTimeoutName" AS name`;
    for (const timer of claimed) await this.apply(timer);
  }

  private async apply(timer: { id: string; version: number; action: string; name: string }): Promise<void> {
    await inUnitOfWork(this.deps, async (unit) => {
      const [result] = await changeRefunds(unit, this.deps.hooks, [
        {
          refundId: timer.id,
          request: { action: timer.action as RefundAction, note: `Timer "${timer.name}": nothing happened in time` },
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
