import type { Tx } from "../db/tx.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/**
 * A per-shop cache of configuration that every transition reads (plugin settings, deadlines):
 * read once per shop and process, dropped when the shop changes it. Every process hears of a
 * change through the pub/sub (Redis across processes); a read still in flight when the change
 * arrives is dropped with the entry, so it is never kept past the change.
 */
export class ShopCache<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly load: (db: Tx | PrismaClient, shopIds: readonly string[]) => Promise<Map<string, T>>) {}

  /**
   * The values of these shops; the ones not cached are loaded in one call through `db` — the
   * caller's transaction when there is one, since the embedded PGlite has a single connection
   * that the transaction holds.
   */
  async get(db: Tx | PrismaClient, shopIds: readonly string[]): Promise<Map<string, T>> {
    const missing = [...new Set(shopIds)].filter((shopId) => !this.entries.has(shopId));
    if (missing.length > 0) {
      const loading = this.load(db, missing);
      for (const shopId of missing) {
        const value = loading.then((values) => values.get(shopId)!);
        this.entries.set(shopId, value);
        // A failed load is not kept: the next caller tries again.
        value.catch(() => {
          if (this.entries.get(shopId) === value) this.entries.delete(shopId);
        });
      }
    }
    const values = new Map<string, T>();
    for (const shopId of shopIds) values.set(shopId, await this.entries.get(shopId)!);
    return values;
  }

  invalidate(shopId: string): void {
    this.entries.delete(shopId);
  }
}
