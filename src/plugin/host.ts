import type { UserError } from "../domain/errors.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Tx } from "../services/refund-effects.js";
import type { AnyRefundPlugin, BeforeTransitionEvent } from "./types.js";

export interface HookOutcome {
  veto?: { plugin: string; code: string; message: string };
  hold?: { plugin: string; reason: string };
}

/**
 * The only code that knows how plugins run: it validates their settings, runs before-hooks
 * inside a transition's transaction and queues after-hooks in the same transaction.
 */
export class PluginHost {
  readonly plugins: ReadonlyMap<string, AnyRefundPlugin>;
  private readonly withBeforeHooks: AnyRefundPlugin[];
  private readonly withAfterHooks: AnyRefundPlugin[];

  constructor(plugins: readonly AnyRefundPlugin[]) {
    const byName = new Map<string, AnyRefundPlugin>();
    for (const plugin of plugins) {
      if (byName.has(plugin.name)) throw new Error(`plugin ${plugin.name} is loaded twice`);
      byName.set(plugin.name, plugin);
    }
    this.plugins = byName;
    this.withBeforeHooks = plugins.filter((plugin) => plugin.hooks?.beforeTransition);
    this.withAfterHooks = plugins.filter((plugin) => plugin.hooks?.afterTransition);
  }

  /** Validates settings with the plugin's schema; `{}` gives the defaults. */
  parseSettings(plugin: AnyRefundPlugin, raw: unknown): { ok: true; value: unknown } | { ok: false; issues: string[] } {
    if (!plugin.config) return { ok: true, value: raw ?? {} };
    const parsed = plugin.config.safeParse(raw ?? {});
    if (parsed.success) return { ok: true, value: parsed.data };
    return { ok: false, issues: parsed.error.issues.map((issue) => `${issue.path.join(".") || "settings"}: ${issue.message}`) };
  }

  /** Settings of every named plugin for a shop, in one query. */
  async settingsOf(db: Tx | PrismaClient, shopId: string, plugins: readonly AnyRefundPlugin[]): Promise<Map<string, unknown>> {
    const rows = plugins.length
      ? await db.pluginSetting.findMany({ where: { shopId, plugin: { in: plugins.map((plugin) => plugin.name) } } })
      : [];
    const stored = new Map(rows.map((row) => [row.plugin, row.settings]));
    const settings = new Map<string, unknown>();
    for (const plugin of plugins) {
      const parsed = this.parseSettings(plugin, stored.get(plugin.name));
      // Stored settings were validated when written; a plugin upgrade that now rejects them
      // falls back to its defaults rather than breaking every refund of the shop.
      settings.set(plugin.name, parsed.ok ? parsed.value : (this.parseSettings(plugin, {}) as { value: unknown }).value);
    }
    return settings;
  }

  async settingsFor(db: Tx | PrismaClient, shopId: string, plugin: AnyRefundPlugin): Promise<unknown> {
    return (await this.settingsOf(db, shopId, [plugin])).get(plugin.name);
  }

  /** A shop turns a plugin off with `{ enabled: false }` in its settings. */
  static isEnabled(settings: unknown): boolean {
    return (settings as { enabled?: unknown } | null)?.enabled !== false;
  }

  /** Runs every before-hook in order; the first veto wins, a hold is remembered. */
  async runBeforeTransition(tx: Tx, event: BeforeTransitionEvent): Promise<HookOutcome> {
    if (this.withBeforeHooks.length === 0) return {};
    const settings = await this.settingsOf(tx, event.refund.shopId, this.withBeforeHooks);
    const outcome: HookOutcome = {};
    for (const plugin of this.withBeforeHooks) {
      const pluginSettings = settings.get(plugin.name);
      if (!PluginHost.isEnabled(pluginSettings)) continue;
      const decision = await plugin.hooks!.beforeTransition!(event, { shopId: event.refund.shopId, settings: pluginSettings, db: tx });
      if (!decision) continue;
      if ("veto" in decision) return { veto: { plugin: plugin.name, ...decision.veto } };
      if ("holdForReview" in decision) outcome.hold ??= { plugin: plugin.name, reason: decision.holdForReview.reason };
    }
    return outcome;
  }

  /** Queues one delivery per after-hook, in the transition's transaction. */
  async enqueueAfterTransition(tx: Tx, transition: { id: string; shopId: string; refundId: string }): Promise<string[]> {
    if (this.withAfterHooks.length === 0) return [];
    const deliveries = this.withAfterHooks.map((plugin) => ({
      shopId: transition.shopId,
      plugin: plugin.name,
      transitionId: transition.id,
      refundId: transition.refundId,
    }));
    const created = await tx.pluginDelivery.createManyAndReturn({ data: deliveries, select: { id: true } });
    return created.map((delivery) => delivery.id);
  }
}

export function vetoError(veto: NonNullable<HookOutcome["veto"]>): UserError {
  return { code: veto.code, message: `${veto.message} (${veto.plugin})`, field: ["input", "action"] };
}
