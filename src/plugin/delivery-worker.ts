import type { Database } from "../db/database.js";
import { utc } from "../db/sql.js";
import type { HookDispatch } from "../services/unit-of-work.js";
import { Prisma } from "../generated/prisma/client.js";
import { JobQueue, type RetryPolicy, retryAfter } from "../jobs/job-queue.js";
import { PluginHost, wantsAfterTransition } from "./host.js";
import { type HookDeliveryRow, readHookEvents } from "./hook-facts.js";
import { pluginDb } from "./plugin-db.js";
import type { AfterTransitionEvent, ItemsRestockedEvent } from "./types.js";

export interface HookDeliveryOptions {
  /** First retry after this long, doubling each time. */
  retryBaseMs?: number;
  /** Retries are at most this far apart. */
  retryMaxMs?: number;
  /** After this many failed calls the delivery is dead: listed for SHOP_ADMIN to retry. */
  maxAttempts?: number;
  /** How long a claim holds before another process may take the delivery over. */
  claimMs?: number;
  sweepIntervalMs?: number;
}

/** A claimed delivery; `event`: what its hook is told, when this process already holds it. */
type ClaimedDelivery = HookDeliveryRow & { event?: AfterTransitionEvent };

/**
 * Runs after-transition hooks from their outbox rows (PluginDelivery), at least once, with
 * backoff, and keeps the ones that keep failing as dead letters: a job of src/jobs over the
 * delivery rows, which the transition writes in its transaction.
 *
 * The rows a commit of this process wrote are inserted claimed by it, their events read by the
 * same insert (PluginHost.enqueueAfter): delivered right after the commit, they cost no claim
 * and no read. A process that dies first leaves them leased: a sweep takes them when the lease
 * ends, as it takes retries, with one claim and one read of their events.
 */
export class HookDeliveryWorker implements HookDispatch {
  private readonly jobs: JobQueue<ClaimedDelivery>;
  private readonly retry: RetryPolicy;

  constructor(
    private readonly db: Database,
    private readonly host: PluginHost,
    options: HookDeliveryOptions = {},
  ) {
    this.retry = { baseMs: options.retryBaseMs ?? 1_000, maxMs: options.retryMaxMs ?? 10 * 60_000, maxAttempts: options.maxAttempts ?? 6 };
    const leaseMs = options.claimMs ?? 30_000;
    this.jobs = new JobQueue<ClaimedDelivery>(db.prisma, {
      name: "plugin hook delivery",
      table: {
        table: "PluginDelivery",
        leaseColumn: "lockedUntil",
        attemptsColumn: "attempts",
        due: (now) => Prisma.sql`j.status = 'PENDING' AND j."availableAt" <= ${now}`,
        orderBy: "createdAt",
        returning: Prisma.sql`j.id, j.plugin, j."shopId", j."transitionId", j.attempts`,
      },
      handle: (claimed) => this.handle(claimed),
      leaseMs,
      sweepIntervalMs: options.sweepIntervalMs ?? 5_000,
      sweepLimit: 100,
    });
    host.claimOnInsert(leaseMs);
  }

  start(): void {
    this.jobs.start();
  }

  /**
   * Delivers the deliveries one commit queued, together: those this process inserted claimed
   * with no statement before their hooks, any other with one claim and one read for all.
   */
  dispatch(deliveryIds: readonly string[]): void {
    const taken = this.host.takeClaimed(deliveryIds);
    if (taken.length > 0) this.jobs.handleClaimed(taken.map(({ delivery, event }) => ({ ...delivery, event })));
    const held = new Set(taken.map(({ delivery }) => delivery.id));
    this.jobs.dispatch(deliveryIds.filter((id) => !held.has(id)));
  }

  drain(): Promise<void> {
    return this.jobs.drain();
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }

  /**
   * Claims the deliveries that are due and free, calls each one's after-hook in the order
   * given (a refund's transitions in version order), and records them: one statement to claim
   * them all, one to read their events, one to mark the delivered ones. Safe to call twice: a
   * delivery another call holds is not claimed again.
   */
  async deliver(deliveryIds: readonly string[]): Promise<void> {
    await this.jobs.run(deliveryIds);
  }

  private async handle(claimed: ClaimedDelivery[]): Promise<void> {
    const unread = [...new Set(claimed.filter((delivery) => !delivery.event).map((delivery) => delivery.transitionId))];
    const read = unread.length > 0 ? await readHookEvents(this.db.prisma, unread) : new Map<string, AfterTransitionEvent>();
    // Events held from one commit may come from several inserts of its unit of work (rules moved
    // the refund on): every one is told the refund as the unit left it.
    const latest = new Map<string, AfterTransitionEvent["refund"]>();
    for (const delivery of claimed) {
      const refund = delivery.event?.refund;
      if (refund && (latest.get(refund.id)?.version ?? -1) < refund.version) latest.set(refund.id, refund);
    }
    const eventOf = new Map<string, AfterTransitionEvent>(read);
    for (const { transitionId, event } of claimed) if (event) eventOf.set(transitionId, { ...event, refund: latest.get(event.refund.id)! });
    const restockedOf = await this.restockedItems(claimed, eventOf);
    // A claim answers in no particular order: hooks run in the order of the transitions (a
    // refund's by version; one transaction's share their time).
    const ordered = [...claimed].sort((a, b) => {
      const [x, y] = [eventOf.get(a.transitionId)!.transition, eventOf.get(b.transitionId)!.transition];
      return x.createdAt.getTime() - y.createdAt.getTime() || x.version - y.version;
    });

    const delivered: string[] = [];
    for (const delivery of ordered) {
      const plugin = this.host.plugins.get(delivery.plugin);
      if (!plugin?.hooks?.afterTransition && !plugin?.hooks?.onItemsRestocked) {
        await this.fail(delivery.id, delivery.attempts, `plugin ${delivery.plugin} is not loaded in this process`, true);
        continue;
      }
      const settings = await this.host.settingsFor(delivery.shopId, plugin);
      if (PluginHost.isEnabled(settings)) {
        try {
          const event = eventOf.get(delivery.transitionId)!;
          const { transition, refund } = event;
          // One context for both hooks of this delivery; the restock's key says which effect it is.
          const context = { shopId: delivery.shopId, settings, db: pluginDb(this.db.prisma, plugin, delivery.shopId), idempotencyKey: `${delivery.plugin}:${delivery.transitionId}`, attempt: delivery.attempts };
          if (wantsAfterTransition(plugin, { action: transition.action, fromStatus: transition.from, toStatus: transition.to })) await plugin.hooks.afterTransition!(event, context);
          const restocked = restockedOf.get(transition.id);
          if (plugin.hooks.onItemsRestocked && restocked) {
            await plugin.hooks.onItemsRestocked(
              { refund, transitionId: transition.id, items: restocked },
              { ...context, idempotencyKey: `${context.idempotencyKey}:restock` },
            );
          }
        } catch (error) {
          await this.fail(delivery.id, delivery.attempts, error instanceof Error ? error.message : String(error), false);
          continue;
        }
      }
      delivered.push(delivery.id);
    }
    if (delivered.length > 0) {
      // Raw: Prisma's interpretation of this updateMany cost more CPU than the statement.
      await this.db.prisma.$executeRaw`
        UPDATE "PluginDelivery" SET status = 'DELIVERED', "deliveredAt" = ${utc(new Date())}, "lockedUntil" = NULL, "lastError" = NULL
         WHERE id = ANY(${delivered}::text[])`;
    }
  }

  /**
   * The line items that passed inspection in the claimed PASS_INSPECTION transitions whose plugin
   * restocks: one statement, and none when no such delivery was claimed. A refund is inspected
   * once (PASS_INSPECTION leaves INSPECTING for good), so its lines' results are that transition's.
   */
  private async restockedItems(claimed: readonly ClaimedDelivery[], eventOf: Map<string, AfterTransitionEvent>) {
    const byTransition = new Map<string, ItemsRestockedEvent["items"]>();
    const inspections = claimed
      .map((delivery) => eventOf.get(delivery.transitionId))
      .filter((event) => event?.transition.action === "PASS_INSPECTION")
      .map((event) => ({ id: event!.transition.id, refundId: event!.refund.id }));
    const restocking = claimed.some((delivery) => this.host.plugins.get(delivery.plugin)?.hooks?.onItemsRestocked);
    if (inspections.length === 0 || !restocking) return byTransition;
    const lines = await this.db.prisma.refundItem.findMany({
      where: { refundId: { in: [...new Set(inspections.map((transition) => transition.refundId))] }, passedQuantity: { gt: 0 } },
      include: { orderItem: { select: { sku: true, name: true } } },
      orderBy: { position: "asc" },
    });
    for (const transition of inspections) {
      const items = lines
        .filter((line) => line.refundId === transition.refundId)
        .map((line) => ({ refundItemId: line.id, orderItemId: line.orderItemId, sku: line.orderItem.sku, name: line.orderItem.name, quantity: line.passedQuantity!, note: line.inspectionNote }));
      if (items.length > 0) byTransition.set(transition.id, items);
    }
    return byTransition;
  }

  private async fail(deliveryId: string, attempts: number, message: string, permanent: boolean): Promise<void> {
    const retry = retryAfter(this.retry, attempts);
    const dead = permanent || retry.dead;
    const delayMs = retry.dead ? 0 : retry.delayMs;
    await this.db.prisma.pluginDelivery.update({
      where: { id: deliveryId },
      data: {
        status: dead ? "DEAD" : "PENDING",
        lastError: message.slice(0, 2_000),
        lockedUntil: null,
        availableAt: new Date(Date.now() + (dead ? 0 : delayMs)),
      },
    });
    if (!dead) this.jobs.retryLater(deliveryId, delayMs);
  }
}
