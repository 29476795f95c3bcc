import type { RefundPlugin } from "./types.js";

/**
 * Declares a plugin. It returns its argument: its use is the type inference, so hooks see the
 * settings type of the plugin's own `config` schema.
 */
export function definePlugin<Settings = Record<string, unknown>>(plugin: RefundPlugin<Settings>): RefundPlugin<Settings> {
  if (!/^[a-z][a-z0-9-]*$/.test(plugin.name)) throw new Error(`plugin name "${plugin.name}" must be kebab-case`);
  return plugin;
}
