import type { ModelKey } from "./plugin-db.js";
import type { RefundPlugin } from "./types.js";

/**
 * Declares a plugin. It returns its argument: its use is the type inference, so hooks see the
 * settings type of the plugin's own `config` schema, and `ctx.db` exactly its `tables` and
 * `reads`.
 */
export function definePlugin<Settings = Record<string, unknown>, const Own extends ModelKey = never, const Reads extends ModelKey = never>(
  plugin: RefundPlugin<Settings, Own, Reads>,
): RefundPlugin<Settings, Own, Reads> {
  if (!/^[a-z][a-z0-9-]*$/.test(plugin.name)) throw new Error(`plugin name "${plugin.name}" must be kebab-case`);
  return plugin;
}
