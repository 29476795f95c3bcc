import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Tx } from "../db/tx.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { outboundUrlProblem } from "../outbound/index.js";
import { recordAudit } from "./audit.js";
import { isSecretKey } from "./secrets.js";
import type { HookDispatch, ShopConfig } from "./unit-of-work.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

/** The loaded plugins as the settings admin sees them; the plugin host implements it. */
export interface PluginCatalog {
  readonly plugins: ReadonlyMap<string, PluginInfo>;
  parseSettings(plugin: PluginInfo, raw: unknown): { ok: true; value: unknown } | { ok: false; issues: string[] };
  settingsOf(shopId: string, plugins: readonly PluginInfo[]): Promise<Map<string, unknown>>;
  settingsFor(shopId: string, plugin: PluginInfo): Promise<unknown>;
}

export interface PluginInfo {
  name: string;
  version: string;
  /** Dotted paths of settings that are secrets though their names do not say so (`kuaidi100.key`). */
  secrets?: readonly string[];
}


/** Settings keys that name a URL the platform calls (checked by src/outbound). */
function isOutboundUrlKey(key: string): boolean {
  return /(^url|Url)$/.test(key);
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Whether the setting at `path` is a secret: by its name (`webhookSecret`), or named by the plugin. */
function isSecretPath(plugin: PluginInfo, path: readonly string[]): boolean {
  return isSecretKey(path.at(-1)!) || (plugin.secrets ?? []).includes(path.join("."));
}

/**
 * Settings with the secrets left out, at any depth (`wechatSubscription.appSecret`), and the
 * dotted paths of those that are set.
 */
function withoutSecrets(plugin: PluginInfo, settings: unknown, path: string[] = []): { value: Record<string, unknown>; set: string[] } {
  const value: Record<string, unknown> = {};
  const set: string[] = [];
  for (const [key, inner] of Object.entries(isRecord(settings) ? settings : {})) {
    const at = [...path, key];
    if (isSecretPath(plugin, at)) {
      if (inner !== undefined && inner !== null && inner !== "") set.push(at.join("."));
    } else if (isRecord(inner)) {
      const nested = withoutSecrets(plugin, inner, at);
      value[key] = nested.value;
      set.push(...nested.set);
    } else value[key] = inner;
  }
  return { value, set };
}

/** Settings for the audit trail: each secret that is set as "[set]", at any depth. */
function maskedSecrets(plugin: PluginInfo, settings: unknown, path: string[] = []): unknown {
  if (!isRecord(settings)) return settings;
  return Object.fromEntries(
    Object.entries(settings).map(([key, inner]) => {
      const at = [...path, key];
      return [key, isSecretPath(plugin, at) ? (inner == null ? inner : "[set]") : maskedSecrets(plugin, inner, at)];
    }),
  );
}

/** What the API shows of a plugin's settings: the secrets left out, named in `secretsSet` when set. */
function shown(plugin: PluginInfo, settings: unknown) {
  const { value, set } = withoutSecrets(plugin, settings);
  return { name: plugin.name, version: plugin.version, settings: value, secretsSet: set };
}

/** A shop's settings of each loaded plugin, validated, defaults filled in, secrets left out. */
export async function listPluginSettings(db: Database, host: PluginCatalog, viewer: Viewer, shopId: string | null) {
  const shop = resolveShopId(requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]), shopId);
  const plugins = [...host.plugins.values()];
  const settings = await host.settingsOf(shop, plugins);
  return plugins.map((plugin) => shown(plugin, settings.get(plugin.name)));
}

/**
 * The settings to validate: a secret the update leaves out keeps its stored value (a console
 * cannot send back what it was never shown), at any depth; `null` removes it.
 */
function withKeptSecrets(plugin: PluginInfo, input: unknown, stored: unknown, path: string[] = []): unknown {
  if (!isRecord(input)) return input;
  const merged: Record<string, unknown> = { ...input };
  const before = isRecord(stored) ? stored : {};
  for (const [key, value] of Object.entries(before)) {
    if (isSecretPath(plugin, [...path, key]) && !(key in merged)) merged[key] = value;
  }
  for (const [key, value] of Object.entries(merged)) {
    const at = [...path, key];
    if (isSecretPath(plugin, at)) {
      if (value === null) delete merged[key];
    } else if (isRecord(value)) merged[key] = withKeptSecrets(plugin, value, before[key], at);
  }
  return merged;
}

export async function updatePluginSettings(
  db: Database,
  config: Pick<ShopConfig, "changed">,
  host: PluginCatalog,
  viewer: Viewer | null,
  input: { shopId?: string | null; plugin: string; settings?: unknown },
) {
  const caller = requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]);
  const shopId = resolveShopId(caller, input.shopId);
  const plugin = host.plugins.get(input.plugin);
  if (!plugin) fail("NOT_FOUND", `No plugin ${input.plugin} is loaded`, ["input", "plugin"]);
  // PostgreSQL's jsonb cannot hold U+0000.
  if (JSON.stringify(input.settings ?? null).includes("\\u0000")) fail("INVALID_INPUT", "Settings must not contain the NUL character", ["input", "settings"]);
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  const stored = await db.prisma.pluginSetting.findUnique({ where: { shopId_plugin: { shopId, plugin: plugin.name } } });
  const parsed = host.parseSettings(plugin, withKeptSecrets(plugin, input.settings, stored?.settings));
  if (!parsed.ok) fail("INVALID_INPUT", `Invalid settings: ${parsed.issues.join("; ")}`, ["input", "settings"]);
  for (const [key, value] of Object.entries((parsed.value ?? {}) as Record<string, unknown>)) {
    if (!isOutboundUrlKey(key) || typeof value !== "string") continue;
    const problem = await outboundUrlProblem(value);
    if (problem) fail("URL_NOT_ALLOWED", `${key}: ${problem}`, ["input", "settings", key]);
  }
  const settings = parsed.value as Prisma.InputJsonValue;
  await db.prisma.$transaction(async (tx) => {
    await tx.pluginSetting.upsert({
      where: { shopId_plugin: { shopId, plugin: plugin.name } },
      create: { shopId, plugin: plugin.name, settings },
      update: { settings },
    });
    await recordAudit(tx, caller, { shopId, action: "pluginSettings.update", targetType: "Plugin", targetId: plugin.name, details: { settings: maskedSecrets(plugin, parsed.value) } });
  });
  config.changed(shopId);
  return shown(plugin, parsed.value);
}

/** Dead letters: after-hooks that kept failing, for a shop admin to look at and retry. */
export async function listDeadDeliveries(db: Database, viewer: Viewer, shopId: string | null, take: number) {
  return db.prisma.pluginDelivery.findMany({ ...deadDeliveriesQuery(viewer, shopId), take });
}

/** Which dead letters a caller reads, newest first (the list and its connection). */
export function deadDeliveriesQuery(viewer: Viewer, shopId: string | null) {
  const shop = resolveShopId(requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]), shopId);
  return { where: { shopId: shop, status: "DEAD" as const }, orderBy: [{ createdAt: "desc" as const }, { id: "desc" as const }] };
}

export async function retryDeadDelivery(db: Database, deliveries: HookDispatch, viewer: Viewer | null, input: { deliveryId: string }) {
  const caller = requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]);
  const delivery = await db.prisma.pluginDelivery.findFirst({
    where: { id: input.deliveryId, ...(caller.role === "PLATFORM_ADMIN" ? {} : { shopId: caller.shopId! }) },
  });
  if (!delivery) fail("NOT_FOUND", "No such delivery", ["input", "deliveryId"]);
  if (delivery.status !== "DEAD") fail("INVALID_INPUT", `Only dead deliveries are retried; this one is ${delivery.status}`, ["input", "deliveryId"]);
  const revived = await db.prisma.pluginDelivery.update({
    where: { id: delivery.id },
    data: { status: "PENDING", attempts: 0, availableAt: new Date(), lockedUntil: null },
  });
  deliveries.dispatch([revived.id]);
  return revived;
}
