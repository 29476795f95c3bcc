import { fileURLToPath, pathToFileURL } from "node:url";
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
      const location = name.includes("/") ? pathToFileURL(name).href : pathToFileURL(`${PLUGINS_DIR}${name}/index.ts`).href;
      const module = (await import(location)) as { default?: AnyRefundPlugin };
      if (!module.default?.name) throw new Error(`plugin ${name}: its module has no definePlugin({...}) default export`);
      return module.default;
    }),
  );
}

/** `PLUGINS=crm-risk,coupons` → those; unset → the defaults; `none` or empty → no plugin. */
export function pluginNamesFrom(value: string | undefined): string[] {
  if (value === undefined) return [...DEFAULT_PLUGINS];
  const names = value.split(",").map((name) => name.trim()).filter(Boolean);
  return names.length === 1 && names[0] === "none" ? [] : names;
}
