import type { Database } from "../db/database.js";
import type { RefundAction } from "../domain/refund-machine.js";
import type { HookDispatch } from "../services/unit-of-work.js";
import { BackgroundWork } from "../services/background-work.js";
import { PluginHost } from "./host.js";

export interface HookDeliveryOptions {
  /** First retry after this long, doubling each time. */
  retryBaseMs?: number;
  /** After this many failed calls the delivery is dead: listed for SHOP_ADMIN to retry. */
  maxAttempts?: number;
  /** How long a claim holds before another process may take the delivery over. */
  claimMs?: number;
  sweepIntervalMs?: number;
}

/**
 * Runs after-transition hooks from their outbox rows (PluginDelivery), at least once, with
 * backoff, and keeps the ones that keep failing as dead letters.
 *
 * Written here rather than on pg-boss because the rows are written by Prisma inside the
 * transition's interactive transaction, which a queue library's own connection cannot join,
 * and because the same conditional-UPDATE claim serves PostgreSQL and the embedded PGlite.
 */
export class HookDeliveryWorker implements HookDispatch {
  private readonly work = new BackgroundWork("plugin hook delivery");
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;
  private readonly claimMs: number;
  private readonly sweepIntervalMs: number;

  constructor(
    private readonly db: Database,
    private readonly host: PluginHost,
    options: HookDeliveryOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 1_000;
    this.maxAttempts = options.maxAttempts ?? 6;
    this.claimMs = options.claimMs ?? 30_000;
    this.sweepIntervalMs = options.sweepIntervalMs ?? 5_000;
  }

  start(): void {
    this.work.every(this.sweepIntervalMs, () => this.sweep());
  }

  /** Delivers the deliveries one commit queued, together: one claim and one load for all. */
  dispatch(deliveryIds: readonly string[]): void {
    if (deliveryIds.length > 0) this.work.run(() => this.deliver(deliveryIds));
  }

  drain(): Promise<void> {
    return this.work.drain();
  }

  stop(): Promise<void> {
    return this.work.stop();
  }

  private async sweep(): Promise<void> {
    const now = new Date();
    const due = await this.db.prisma.pluginDelivery.findMany({
      where: { status: "PENDING", availableAt: { lte: now }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      select: { id: true },
      orderBy: { createdAt: "asc" },
      take: 100,
    });
    if (due.length > 0) await this.deliver(due.map((delivery) => delivery.id));
  }

  /**
   * Claims the deliveries that are due and free, calls each one's after-hook in the order
   * given (a refund's transitions in version order), and records them: one statement to claim
   * them all, one to load their transitions and refunds, one to mark the delivered ones. Safe
   * to call twice: a delivery another call holds is not claimed again.
   */
  async deliver(deliveryIds: readonly string[]): Promise<void> {
    const now = new Date();
    const claimed = await this.db.prisma.$queryRaw<Array<{ id: string; plugin: string; shopId: string; transitionId: string; attempts: number }>>`
      UPDATE "PluginDelivery" SET "lockedUntil" = ${new Date(now.getTime() + this.claimMs)}, attempts = attempts + 1
       WHERE id = ANY(${[...deliveryIds]}::text[]) AND status = 'PENDING' AND "availableAt" <= ${now}
         AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
      RETURNING id, plugin, "shopId", "transitionId", attempts`;
    if (claimed.length === 0) return;
    const order = new Map(deliveryIds.map((id, index) => [id, index]));
    claimed.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    const transitions = await this.db.prisma.refundTransition.findMany({
      where: { id: { in: [...new Set(claimed.map((delivery) => delivery.transitionId))] } },
      include: { refund: true },
    });
    const transitionOf = new Map(transitions.map((transition) => [transition.id, transition]));

    const delivered: string[] = [];
    for (const delivery of claimed) {
      const plugin = this.host.plugins.get(delivery.plugin);
      if (!plugin?.hooks?.afterTransition) {
        await this.fail(delivery.id, delivery.attempts, `plugin ${delivery.plugin} is not loaded in this process`, true);
        continue;
      }
      const settings = await this.host.settingsFor(delivery.shopId, plugin);
      if (PluginHost.isEnabled(settings)) {
        try {
          const { refund, ...row } = transitionOf.get(delivery.transitionId)!;
          await plugin.hooks.afterTransition(
            {
              refund,
              transition: {
                id: row.id,
                version: row.version,
                action: row.action as RefundAction,
                from: row.fromStatus,
                to: row.toStatus,
                actor: { kind: row.actorKind, role: row.actorRole ?? undefined, name: row.actorName ?? undefined },
                note: row.note,
                amount: row.amount,
                createdAt: row.createdAt,
              },
            },
            { shopId: delivery.shopId, settings, db: this.db.prisma, idempotencyKey: `${delivery.plugin}:${delivery.transitionId}`, attempt: delivery.attempts },
          );
        } catch (error) {
          await this.fail(delivery.id, delivery.attempts, error instanceof Error ? error.message : String(error), false);
          continue;
        }
      }
      delivered.push(delivery.id);
    }
    if (delivered.length > 0) {
      await this.db.prisma.pluginDelivery.updateMany({
        where: { id: { in: delivered } },
        data: { status: "DELIVERED", deliveredAt: new Date(), lockedUntil: null, lastError: null },
      });
    }
  }

  private async fail(deliveryId: string, attempts: number, message: string, permanent: boolean): Promise<void> {
    const dead = permanent || attempts >= this.maxAttempts;
    const delayMs = this.retryBaseMs * 2 ** (attempts - 1);
    await this.db.prisma.pluginDelivery.update({
      where: { id: deliveryId },
      data: {
        status: dead ? "DEAD" : "PENDING",
        lastError: message.slice(0, 2_000),
        lockedUntil: null,
        availableAt: new Date(Date.now() + (dead ? 0 : delayMs)),
      },
    });
    if (!dead) this.work.after(delayMs, () => this.deliver([deliveryId]));
  }
}
