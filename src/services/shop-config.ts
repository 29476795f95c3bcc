import type { RefundPubSub } from "../realtime/refund-events.js";
import { ShopCache } from "./shop-cache.js";
import { type ShopPolicies, policiesOfShops } from "./shop-policies.js";
import type { ShopConfig } from "./unit-of-work.js";

/**
 * The process's per-shop configuration cache and how it hears of changes: a change made here
 * drops the entry at once (so the next request here sees it) and is announced on the pub/sub,
 * so every other process drops it too. `alsoDrop` lets the plugin host drop its settings.
 */
export function createShopConfig(
  pubsub: RefundPubSub,
  alsoDrop: (shopId: string) => void,
  timerMinuteMs?: number,
): { config: ShopConfig; close(): Promise<void> } {
  const policies = new ShopCache<ShopPolicies>((db, shopIds) => policiesOfShops(db, shopIds, timerMinuteMs));
  const drop = (shopId: string) => {
    policies.invalidate(shopId);
    alsoDrop(shopId);
  };
  const changes = pubsub.subscribe("shop:config")[Symbol.asyncIterator]();
  const listening = (async () => {
    for (let next = await changes.next(); !next.done; next = await changes.next()) drop(next.value.shopId);
  })();
  return {
    config: {
      policies,
      changed(shopId) {
        drop(shopId);
        pubsub.publish("shop:config", { shopId });
      },
    },
    async close() {
      await changes.return?.();
      await listening;
    },
  };
}
