import type { ModelKey } from "./plugin-db.js";
import type { RefundPlugin } from "./types.js";

/**
 * Declares a plugin. It returns its argument: its use is the type inference, so hooks see the
 * settings type of the plugin's own `config` schema, and `ctx.db` exactly its `tables` and
 * `reads`.
 */
export function definePlugin<Settings = Record<string, unknown>, const Own extends ModelKey = never, const Reads extends ModelKey = never, Account = unknown>(
  plugin: RefundPlugin<Settings, Own, Reads, Account>,
): RefundPlugin<Settings, Own, Reads, Account> {
  if (!/^[a-z][a-z0-9-]*$/.test(plugin.name)) throw new Error(`plugin name "${plugin.name}" must be kebab-case`);
  const provider = plugin.paymentProvider;
  if (provider) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(provider.code) || provider.code === "SANDBOX") throw new Error(`plugin ${plugin.name}: payment provider code "${provider.code}" must be SCREAMING_SNAKE and not SANDBOX`);
    if (provider.notifyPath && !plugin.routes?.some((route) => route.path === provider.notifyPath)) {
      throw new Error(`plugin ${plugin.name}: notifyPath ${provider.notifyPath} is none of its routes`);
    }
  }
  // A task's lease is named by the plugin and the task: two of one name would share it, and one would never run.
  const taskNames = (plugin.tasks ?? []).map((task) => task.name);
  const twice = taskNames.find((name, index) => taskNames.indexOf(name) !== index);
  if (twice) throw new Error(`plugin ${plugin.name} has two tasks named ${twice}`);
  return plugin;
}
