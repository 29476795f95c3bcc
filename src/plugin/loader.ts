import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { PluginMigrations } from "../db/migrate.js";
import type { AnyRefundPlugin } from "./types.js";

/** The first-party plugins, enabled unless `PLUGINS` says otherwise. */
export const DEFAULT_PLUGINS = ["crm-risk", "coupons", "logistics", "notifications"] as const;

const PLUGINS_DIR = fileURLToPath(new URL("../../plugins/", import.meta.url));

/**
 * Loads plugins by name from `plugins/<name>/index.ts` (each folder's default export is a
 * `definePlugin({...})`), or by path for a plugin kept elsewhere.
 */
export async function loadPlugins(names: readonly string[]): Promise<AnyRefundPlugin[]> {
  return Promise.all(
    names.map(async (name) => {
      const file = name.includes("/") ? path.resolve(name) : `${PLUGINS_DIR}${name}/index.ts`;
      const module = (await import(pathToFileURL(file).href)) as { default?: AnyRefundPlugin };
      if (!module.default?.name) throw new Error(`plugin ${name}: its module has no definePlugin({...}) default export`);
      folders.set(module.default, path.dirname(file));
      return module.default;
    }),
  );
}

/** Where a loaded plugin's files are (its schema.prisma, its migrations). */
const folders = new WeakMap<AnyRefundPlugin, string>();

/** The migrations of plugins loaded from a folder (`plugins/<name>/migrations`); a plugin given as an object has none. */
export function pluginMigrations(plugins: readonly AnyRefundPlugin[]): PluginMigrations[] {
  return plugins.flatMap((plugin) => {
    const folder = folders.get(plugin);
    return folder ? [{ plugin: plugin.name, dir: path.join(folder, "migrations") }] : [];
  });
}

/** Every plugin folder's migrations, loaded or not: what builds the whole schema (the migrations test). */
export function everyPluginMigrations(): PluginMigrations[] {
  return readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(PLUGINS_DIR, entry.name, "migrations")))
    .map((entry) => ({ plugin: entry.name, dir: path.join(PLUGINS_DIR, entry.name, "migrations") }))
    .sort((a, b) => a.plugin.localeCompare(b.plugin));
}

/** `PLUGINS=crm-risk,coupons` → those; unset → the defaults; `none` or empty → no plugin. */
export function pluginNamesFrom(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULT_PLUGINS];
  const names = value.split(",").map((name) => name.trim()).filter(Boolean);
  return names.length === 1 && names[0] === "none" ? [] : names;
}
