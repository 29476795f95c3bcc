import { randomUUID } from "node:crypto";
import type { Tx } from "../db/tx.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { ShopCache } from "../services/shop-cache.js";
import type { CommittedTransition } from "../services/transition-hooks.js";

export type AppEvent = "REFUND_REQUESTED" | "REFUND_TRANSITIONED" | "REFUND_ITEMS_RESTOCKED" | "REFUND_BATCH_FINISHED";

/** One webhook of an enabled app: what a transition of its shop is matched against. */
interface ShopWebhook {
  id: string;
  event: AppEvent;
}

/**
 * The events a transition is: its request (from nothing) or any later move; and, when units of
 * its line items passed inspection in it, their restock (an inventory system puts them back on sale).
 */
export function appEventsOf(transition: Pick<CommittedTransition, "fromStatus" | "restocks">): AppEvent[] {
  const moved: AppEvent = transition.fromStatus === null ? "REFUND_REQUESTED" : "REFUND_TRANSITIONED";
  return transition.restocks ? [moved, "REFUND_ITEMS_RESTOCKED"] : [moved];
}

/** Delivery ids carry this prefix: the one dispatch after commit routes them here without a lookup. */
const DELIVERY_ID_PREFIX = "whd_";

export function isWebhookDeliveryId(id: string): boolean {
  return id.startsWith(DELIVERY_ID_PREFIX);
}

async function webhooksOfShops(db: Tx | PrismaClient, shopIds: readonly string[]): Promise<Map<string, ShopWebhook[]>> {
  const rows = await db.appWebhook.findMany({ where: { shopId: { in: [...shopIds] }, app: { enabled: true } }, select: { id: true, shopId: true, event: true } });
  return new Map(shopIds.map((shopId) => [shopId, rows.filter((row) => row.shopId === shopId).map(({ id, event }) => ({ id, event }))]));
}

/**
 * The outbox of app webhooks on the transition path. The shop's webhooks are cached per process
 * (like its policies, dropped on every change through ShopConfig.changed), so a transition of a
 * shop with no webhook costs no statement, and one with webhooks costs one INSERT of all its
 * delivery rows, in the transition's transaction.
 */
export class AppWebhookOutbox {
  private readonly webhooks = new ShopCache<ShopWebhook[]>(webhooksOfShops);

  /** A shop's webhooks or apps changed (here or in another process): the next transition reads them again. */
  subscriptionsChanged(shopId: string): void {
    this.webhooks.invalidate(shopId);
  }

  async enqueue(tx: Tx, transitions: ReadonlyArray<CommittedTransition>): Promise<string[]> {
    if (transitions.length === 0) return [];
    const byShop = await this.webhooks.get(tx, transitions.map((transition) => transition.shopId));
    const deliveries = transitions.flatMap((transition) => {
      const events = appEventsOf(transition);
      return (byShop.get(transition.shopId) ?? [])
        .filter((webhook) => events.includes(webhook.event))
        .map((webhook) => ({
          id: `${DELIVERY_ID_PREFIX}${randomUUID()}`,
          shopId: transition.shopId,
          webhookId: webhook.id,
          event: webhook.event,
          transitionId: transition.id,
          refundId: transition.refundId,
        }));
    });
    if (deliveries.length === 0) return [];
    await tx.appWebhookDelivery.createMany({ data: deliveries });
    return deliveries.map((delivery) => delivery.id);
  }

  /**
   * A batch's report was stored: one REFUND_BATCH_FINISHED delivery per webhook subscribed to it,
   * in the batch's transaction. The cached webhooks (read already by the batch's transitions)
   * decide it, so a shop with no such webhook costs nothing and one with them one INSERT.
   */
  async enqueueBatchFinished(tx: Tx, batch: { id: string; shopId: string }): Promise<string[]> {
    const byShop = await this.webhooks.get(tx, [batch.shopId]);
    const deliveries = (byShop.get(batch.shopId) ?? [])
      .filter((webhook) => webhook.event === "REFUND_BATCH_FINISHED")
      .map((webhook) => ({ id: `${DELIVERY_ID_PREFIX}${randomUUID()}`, shopId: batch.shopId, webhookId: webhook.id, event: webhook.event, batchId: batch.id }));
    if (deliveries.length === 0) return [];
    await tx.appWebhookDelivery.createMany({ data: deliveries });
    return deliveries.map((delivery) => delivery.id);
  }
}
