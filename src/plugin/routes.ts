import { createServerAdapter } from "@whatwg-node/server";
import type { RefundAction } from "../domain/refund-machine.js";
import { UserErrorsException } from "../domain/errors.js";
import type { RefundServiceDeps } from "../services/refund-effects.js";
import { TRANSACTION_OPTIONS, runCommittedEffects } from "../services/refund-effects.js";
import { applyTransition } from "../services/transition-refund.js";
import type { AnyRefundPlugin, RouteContext } from "./types.js";

export const PLUGIN_ROUTE_PREFIX = "/plugins/";

/**
 * What a plugin's routes and tasks get: the database, its settings per shop, and refund
 * actions taken through the transition service as the plugin (actor kind PLUGIN).
 */
export function pluginContexts(deps: RefundServiceDeps): (plugin: AnyRefundPlugin) => RouteContext<unknown> {
  const contexts = new Map<string, RouteContext<unknown>>();
  const contextOf = (plugin: AnyRefundPlugin): RouteContext<unknown> => {
    let context = contexts.get(plugin.name);
    if (!context) {
      context = {
        db: deps.db.prisma,
        settingsFor: (shopId) => deps.plugins.settingsFor(deps.db.prisma, shopId, plugin),
        async transition({ refundId, action, note }) {
          try {
            const result = await deps.db.prisma.$transaction(
              (tx) => applyTransition(tx, refundId, { action: action as RefundAction, note }, { kind: "PLUGIN", name: plugin.name }, { plugins: deps.plugins }),
              TRANSACTION_OPTIONS,
            );
            runCommittedEffects(deps, result.effects);
            return { ok: true };
          } catch (error) {
            if (!(error instanceof UserErrorsException)) throw error;
            const [first] = error.userErrors;
            return { ok: false, code: String(first?.code), message: first?.message ?? "refused" };
          }
        },
      };
      contexts.set(plugin.name, context);
    }
    return context;
  };

  return contextOf;
}

/** HTTP endpoints of plugins under `/plugins/<name>/<path>` (webhooks in). */
export function createPluginRouter(deps: RefundServiceDeps, contextOf: (plugin: AnyRefundPlugin) => RouteContext<unknown>) {
  return createServerAdapter(async (request: Request) => {
    const url = new URL(request.url);
    const [name, ...rest] = url.pathname.slice(PLUGIN_ROUTE_PREFIX.length).split("/");
    const plugin = name ? deps.plugins.plugins.get(name) : undefined;
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
export function startPluginTasks(deps: RefundServiceDeps, contextOf: (plugin: AnyRefundPlugin) => RouteContext<unknown>): () => Promise<void> {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<void>>();
  for (const plugin of deps.plugins.plugins.values()) {
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
