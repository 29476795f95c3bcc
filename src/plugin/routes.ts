import { createServerAdapter } from "@whatwg-node/server";
import type { RefundAction } from "../domain/refund-machine.js";
import { changeRefunds } from "../services/refund-change.js";
import { type RefundServiceDeps, inUnitOfWork } from "../services/unit-of-work.js";
import type { PluginHost } from "./host.js";
import { type AnyPluginDb, pluginDb } from "./plugin-db.js";
import type { AnyRefundPlugin, RouteContext } from "./types.js";

export const PLUGIN_ROUTE_PREFIX = "/plugins/";

/**
 * What a plugin's routes and tasks get: the database, its settings per shop, and refund
 * actions taken through the transition service as the plugin (actor kind PLUGIN).
 */
export function pluginContexts(deps: RefundServiceDeps, host: PluginHost): (plugin: AnyRefundPlugin) => RouteContext<unknown, AnyPluginDb> {
  const contexts = new Map<string, RouteContext<unknown, AnyPluginDb>>();
  const contextOf = (plugin: AnyRefundPlugin): RouteContext<unknown, AnyPluginDb> => {
    let context = contexts.get(plugin.name);
    if (!context) {
      context = {
        db: pluginDb(deps.db.prisma, plugin, null),
        settingsFor: (shopId) => host.settingsFor(shopId, plugin),
        async transition({ refundId, action, note }) {
          const [result] = await inUnitOfWork(deps, (unit) =>
            changeRefunds(unit, deps.hooks, [{ refundId, request: { action: action as RefundAction, note }, actor: { kind: "PLUGIN", name: plugin.name } }]),
          );
          if (result!.ok) return { ok: true };
          const [first] = result!.userErrors;
          return { ok: false, code: String(first?.code), message: first?.message ?? "refused" };
        },
      };
      contexts.set(plugin.name, context);
    }
    return context;
  };

  return contextOf;
}

/** HTTP endpoints of plugins under `/plugins/<name>/<path>` (webhooks in). */
export function createPluginRouter(host: PluginHost, contextOf: (plugin: AnyRefundPlugin) => RouteContext<unknown, AnyPluginDb>) {
  return createServerAdapter(async (request: Request) => {
    const url = new URL(request.url);
    const [name, ...rest] = url.pathname.slice(PLUGIN_ROUTE_PREFIX.length).split("/");
    const plugin = name ? host.plugins.get(name) : undefined;
    const path = `/${rest.join("/")}`;
    const route = plugin?.routes?.find((candidate) => candidate.path === path && candidate.method === request.method);
    if (!plugin || !route) return Response.json({ error: "no such plugin route" }, { status: 404 });
    try {
      return await route.handler(request, contextOf(plugin));
    } catch (error) {
      console.error(`plugin ${plugin.name} route ${request.method} ${path} failed`, error);
      return Response.json({ error: "internal error" }, { status: 500 });
    }
  });
}

/** Runs every plugin task on its timer; the returned function stops them. */
export function startPluginTasks(host: PluginHost, contextOf: (plugin: AnyRefundPlugin) => RouteContext<unknown, AnyPluginDb>): () => Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  for (const plugin of host.plugins.values()) {
    for (const task of plugin.tasks ?? []) {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return; // a slow run is not stacked on itself
        busy = true;
        const run = task
          .run(contextOf(plugin))
          .catch((error) => console.error(`plugin ${plugin.name} task ${task.name} failed`, error))
          .finally(() => {
            busy = false;
            running.delete(run);
          });
        running.add(run);
      }, task.everyMs);
      timer.unref();
      timers.push(timer);
    }
  }
  return async () => {
    for (const timer of timers) clearInterval(timer);
    await Promise.allSettled([...running]);
  };
}
