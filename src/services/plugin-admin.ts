import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Tx } from "../db/tx.js";
import type { PrismaClient } from "../generated/prisma/client.js";
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
}

/** A shop's settings of each loaded plugin, validated, defaults filled in. */
export async function listPluginSettings(db: Database, host: PluginCatalog, viewer: Viewer, shopId: string | null) {
  const shop = resolveShopId(requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]), shopId);
  const plugins = [...host.plugins.values()];
  const settings = await host.settingsOf(shop, plugins);
  return plugins.map((plugin) => ({ name: plugin.name, version: plugin.version, settings: settings.get(plugin.name) }));
}

export async function updatePluginSettings(
  db: Database,
  config: Pick<ShopConfig, "changed">,
  host: PluginCatalog,
  viewer: Viewer | null,
  input: { shopId?: string | null; plugin: string; settings?: unknown },
) {
  const shopId = resolveShopId(requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]), input.shopId);
  const plugin = host.plugins.get(input.plugin);
  if (!plugin) fail("NOT_FOUND", `No plugin ${input.plugin} is loaded`, ["input", "plugin"]);
  // PostgreSQL's jsonb cannot hold U+0000.
  if (JSON.stringify(input.settings ?? null).includes("\\u0000")) fail("INVALID_INPUT", "Settings must not contain the NUL character", ["input", "settings"]);
  const parsed = host.parseSettings(plugin, input.settings);
  if (!parsed.ok) fail("INVALID_INPUT", `Invalid settings: ${parsed.issues.join("; ")}`, ["input", "settings"]);
  if (!(await db.prisma.shop.findUnique({ where: { id: shopId } }))) fail("NOT_FOUND", "No such shop", ["input", "shopId"]);
  const settings = parsed.value as Prisma.InputJsonValue;
  await db.prisma.pluginSetting.upsert({
    where: { shopId_plugin: { shopId, plugin: plugin.name } },
    create: { shopId, plugin: plugin.name, settings },
    update: { settings },
  });
  config.changed(shopId);
  return { name: plugin.name, version: plugin.version, settings: parsed.value };
}

/** Dead letters: after-hooks that kept failing, for a shop admin to look at and retry. */
export async function listDeadDeliveries(db: Database, viewer: Viewer, shopId: string | null, take: number) {
  const shop = resolveShopId(requireRole(viewer, ["SHOP_ADMIN", "PLATFORM_ADMIN"]), shopId);
  return db.prisma.pluginDelivery.findMany({ where: { shopId: shop, status: "DEAD" }, orderBy: { createdAt: "desc" }, take });
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
