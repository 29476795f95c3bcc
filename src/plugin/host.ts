import { randomUUID } from "node:crypto";
import type { Tx } from "../db/tx.js";
import { type UserErrorCode, isUserErrorCode } from "../domain/errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { ShopCache } from "../services/shop-cache.js";
import type { BeforeTransitionEvent, CommittedTransition, HookOutcome, TransitionHooks } from "../services/transition-hooks.js";
import { type HookDeliveryRow, insertDeliveries } from "./hook-facts.js";
import { dataAccessProblems, pluginDb } from "./plugin-db.js";
import { type AfterTransitionEvent, type AnyRefundPlugin, PLUGIN_API_VERSION } from "./types.js";

/**
 * A veto as the client gets it. Clients switch over a closed list of codes, so a code that is not
 * one of USER_ERROR_CODES (a plugin in plain JavaScript, or written before the list was closed)
 * is PLUGIN_VETO, with the plugin's own code kept at the start of the message.
 */
function vetoAsUserError(veto: { code?: string; message: string }): { code: UserErrorCode; message: string } {
  if (veto.code === undefined) return { code: "PLUGIN_VETO", message: veto.message };
  return isUserErrorCode(veto.code) ? { code: veto.code, message: veto.message } : { code: "PLUGIN_VETO", message: `${veto.code}: ${veto.message}` };
}

/**
 * The only code that knows how plugins run: it validates their settings, runs before-hooks
 * inside a transition's transaction and queues after-hooks in the same transaction.
 */
export class PluginHost implements TransitionHooks {
  readonly plugins: ReadonlyMap<string, AnyRefundPlugin>;
  private readonly withBeforeHooks: AnyRefundPlugin[];
  private readonly withAfterHooks: AnyRefundPlugin[];
  /** Every loaded plugin's settings per shop: read once, dropped by `settingsChanged`. */
  private readonly settings: ShopCache<Map<string, unknown>>;
  /** How long a delivery inserted claimed by this process is its own (null: inserted unclaimed). */
  private claimLeaseMs: number | null = null;
  /** Deliveries inserted claimed by this process, in insertion order, until its worker takes them. */
  private readonly claimed = new Map<string, { delivery: HookDeliveryRow; event: AfterTransitionEvent; until: number }>();

  constructor(
    plugins: readonly AnyRefundPlugin[],
    private readonly db: PrismaClient,
  ) {
    const byName = new Map<string, AnyRefundPlugin>();
    const owners = new Map<string, string>();
    for (const plugin of plugins) {
      if (byName.has(plugin.name)) throw new Error(`plugin ${plugin.name} is loaded twice`);
      if (plugin.apiVersion !== PLUGIN_API_VERSION) {
        throw new Error(`plugin ${plugin.name}@${plugin.version} was written for plugin API version ${String(plugin.apiVersion)}; this platform offers version ${PLUGIN_API_VERSION}`);
      }
      const problems = dataAccessProblems(plugin);
      for (const table of plugin.tables ?? []) {
        const owner = owners.get(table);
        if (owner) problems.push(`plugins ${owner} and ${plugin.name} both declare table "${table}"`);
        owners.set(table, plugin.name);
      }
      if (problems.length > 0) throw new Error(problems.join("; "));
      byName.set(plugin.name, plugin);
    }
    this.plugins = byName;
    this.withBeforeHooks = plugins.filter((plugin) => plugin.hooks?.beforeTransition);
    this.withAfterHooks = plugins.filter((plugin) => plugin.hooks?.afterTransition || plugin.hooks?.onItemsRestocked);
    this.settings = new ShopCache((client, shopIds) => this.loadSettings(client, shopIds));
  }

  /** Validates settings with the plugin's schema; `{}` gives the defaults. */
  parseSettings(plugin: AnyRefundPlugin, raw: unknown): { ok: true; value: unknown } | { ok: false; issues: string[] } {
    if (!plugin.config) return { ok: true, value: raw ?? {} };
    const parsed = plugin.config.safeParse(raw ?? {});
    if (parsed.success) return { ok: true, value: parsed.data };
    return { ok: false, issues: parsed.error.issues.map((issue) => `${issue.path.join(".") || "settings"}: ${issue.message}`) };
  }

  /**
   * Settings of the named plugins for a shop, validated, defaults filled in (cached per shop);
   * `db` is the caller's transaction when it is in one.
   */
  async settingsOf(shopId: string, plugins: readonly AnyRefundPlugin[], db: Tx | PrismaClient = this.db): Promise<Map<string, unknown>> {
    const all = (await this.settings.get(db, [shopId])).get(shopId)!;
    return new Map(plugins.map((plugin) => [plugin.name, all.get(plugin.name)]));
  }

  async settingsFor(shopId: string, plugin: AnyRefundPlugin): Promise<unknown> {
    return (await this.settingsOf(shopId, [plugin])).get(plugin.name);
  }

  /** A shop's settings changed (here or in another process): the next read loads them again. */
  settingsChanged(shopId: string): void {
    this.settings.invalidate(shopId);
  }

  private async loadSettings(db: Tx | PrismaClient, shopIds: readonly string[]): Promise<Map<string, Map<string, unknown>>> {
    const rows = this.plugins.size ? await db.pluginSetting.findMany({ where: { shopId: { in: [...shopIds] } } }) : [];
    const byShop = new Map<string, Map<string, unknown>>();
    for (const shopId of shopIds) {
      const stored = new Map(rows.filter((row) => row.shopId === shopId).map((row) => [row.plugin, row.settings]));
      const settings = new Map<string, unknown>();
      for (const plugin of this.plugins.values()) {
        const parsed = this.parseSettings(plugin, stored.get(plugin.name));
        // Stored settings were validated when written; a plugin upgrade that now rejects them
        // falls back to its defaults rather than breaking every refund of the shop.
        settings.set(plugin.name, parsed.ok ? parsed.value : (this.parseSettings(plugin, {}) as { value: unknown }).value);
      }
      byShop.set(shopId, settings);
    }
    return byShop;
  }

  /** A shop turns a plugin off with `{ enabled: false }` in its settings. */
  static isEnabled(settings: unknown): boolean {
    return (settings as { enabled?: unknown } | null)?.enabled !== false;
  }

  /** Runs every before-hook in order; the first veto wins, a hold is remembered. */
  async before(tx: Tx, event: BeforeTransitionEvent): Promise<HookOutcome> {
    if (this.withBeforeHooks.length === 0) return {};
    const settings = await this.settingsOf(event.refund.shopId, this.withBeforeHooks, tx);
    const outcome: HookOutcome = {};
    for (const plugin of this.withBeforeHooks) {
      const pluginSettings = settings.get(plugin.name);
      if (!PluginHost.isEnabled(pluginSettings)) continue;
      const decision = await plugin.hooks!.beforeTransition!(event, { shopId: event.refund.shopId, settings: pluginSettings, db: pluginDb(tx, plugin, event.refund.shopId) });
      if (!decision) continue;
      if ("veto" in decision) return { veto: { by: plugin.name, ...vetoAsUserError(decision.veto) } };
      if ("holdForReview" in decision) outcome.hold ??= { by: plugin.name, reason: decision.holdForReview.reason };
    }
    return outcome;
  }

  /**
   * Queues one delivery per after-hook and transition, in the transitions' transaction: one
   * statement that inserts them and reads what their hooks are told. Once a worker of this
   * process delivers right after commits (`claimOnInsert`), they are inserted claimed by it and
   * kept here with their events until it takes them (`takeClaimed`).
   */
  async enqueueAfter(tx: Tx, transitions: ReadonlyArray<CommittedTransition>): Promise<string[]> {
    if (this.withAfterHooks.length === 0 || transitions.length === 0) return [];
    const deliveries = transitions.flatMap((transition) =>
      this.withAfterHooks.filter((plugin) => wants(plugin, transition)).map((plugin) => ({
        id: randomUUID(),
        shopId: transition.shopId,
        plugin: plugin.name,
        transitionId: transition.id,
        refundId: transition.refundId,
      })),
    );
    if (deliveries.length === 0) return [];
    this.forgetExpired();
    const until = this.claimLeaseMs === null ? null : Date.now() + this.claimLeaseMs;
    const events = await insertDeliveries(tx, deliveries, transitions, until === null ? null : new Date(until));
    if (until !== null) {
      for (const { refundId: _, ...delivery } of deliveries) this.claimed.set(delivery.id, { delivery: { ...delivery, attempts: 1 }, event: events.get(delivery.transitionId)!, until });
    }
    return deliveries.map((delivery) => delivery.id);
  }

  /** From now on deliveries are inserted claimed by this process for `leaseMs`: its worker delivers them after their commit. */
  claimOnInsert(leaseMs: number): void {
    this.claimLeaseMs = leaseMs;
  }

  /**
   * The deliveries among `ids` that this process inserted claimed, with their events, while
   * their lease holds (after it a sweep may have taken them: they are claimed like any other).
   * Each is handed out once.
   */
  takeClaimed(ids: readonly string[]): Array<{ delivery: HookDeliveryRow; event: AfterTransitionEvent }> {
    const now = Date.now();
    const taken = [];
    for (const id of ids) {
      const entry = this.claimed.get(id);
      if (!entry) continue;
      this.claimed.delete(id);
      if (entry.until > now) taken.push(entry);
    }
    return taken;
  }

  /** Claims of transactions that rolled back are never taken: dropped once their lease is over (oldest first, as inserted). */
  private forgetExpired(): void {
    const now = Date.now();
    for (const [id, entry] of this.claimed) {
      if (entry.until > now) break;
      this.claimed.delete(id);
    }
  }
}

/** Whether a plugin's after-hook asked for this transition (no `afterTransitionFor`: every one), or its restock hook is due. */
function wants(plugin: AnyRefundPlugin, transition: CommittedTransition): boolean {
  return wantsAfterTransition(plugin, transition) || Boolean(plugin.hooks?.onItemsRestocked && transition.restocks);
}

export function wantsAfterTransition(plugin: AnyRefundPlugin, transition: Pick<CommittedTransition, "action" | "fromStatus" | "toStatus">): boolean {
  if (!plugin.hooks?.afterTransition) return false;
  const filter = plugin.hooks.afterTransitionFor;
  return !filter || filter({ action: transition.action, from: transition.fromStatus, to: transition.toStatus });
}
