import { createServerAdapter } from "@whatwg-node/server";
import type { RefundAction } from "../domain/refund-machine.js";
import { changeRefunds } from "../services/refund-change.js";
import { type RefundServiceDeps, inUnitOfWork } from "../services/unit-of-work.js";
import type { PluginHost } from "./host.js";
import { type AnyPluginDb, pluginDb } from "./plugin-db.js";
import type { PaymentRefundOutcome } from "../payments/provider.js";
import type { AnyRefundPlugin, ProviderRouteContext, RouteContext } from "./types.js";

export const PLUGIN_ROUTE_PREFIX = "/plugins/";

/**
 * What a plugin's routes and tasks get: the database, its settings per shop, and refund
 * actions taken through the transition service as the plugin (actor kind PLUGIN).
 */
export function pluginContexts(deps: RefundServiceDeps, host: PluginHost, payments: ProviderAnswers = NO_PROVIDER): (plugin: AnyRefundPlugin) => RouteContext<unknown, AnyPluginDb> {
  const contexts = new Map<string, RouteContext<unknown, AnyPluginDb>>();
  const contextOf = (plugin: AnyRefundPlugin): RouteContext<unknown, AnyPluginDb> => {
    let context = contexts.get(plugin.name);
    if (!context) {
      context = {
        db: pluginDb(deps.db.prisma, plugin, null),
        settingsFor: (shopId) => host.settingsFor(shopId, plugin),
        payments: providerContext(payments, plugin.paymentProvider?.code),
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
    let params: Record<string, string> | null = null;
    const route = plugin?.routes?.find((candidate) => candidate.method === request.method && (params = matchPath(candidate.path, rest)) !== null);
    if (!plugin || !route || !params) return Response.json({ error: "no such plugin route" }, { status: 404 });
    try {
      return await route.handler(request, contextOf(plugin), params);
    } catch (error) {
      console.error(`plugin ${plugin.name} route ${request.method} ${path} failed`, error);
      return Response.json({ error: "internal error" }, { status: 500 });
    }
  });
}

/** A route's path (`/notify/:shop`) against a request's segments: the `:name` values, or null when it does not match. */
function matchPath(pattern: string, segments: readonly string[]): Record<string, string> | null {
  const parts = pattern.split("/").slice(1);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index]!;
    if (part.startsWith(":")) {
      if (segment === "") return null;
      params[part.slice(1)] = decodeURIComponent(segment);
    } else if (part !== segment) return null;
  }
  return params;
}

/** `ctx.payments` of a plugin: its provider's accounts and outcomes (a plugin with no provider finds neither). */
function providerContext(payments: ProviderAnswers, code: string | undefined): ProviderRouteContext<unknown> {
  return {
    accountFor: async (shopId) => (code ? payments.accountFor(code, shopId) : null),
    settle: async (input) => (code ? payments.recordAnswer({ provider: code, ...input }) : "NOT_FOUND"),
  };
}

/** No dispatcher behind the routes (a context built for a test of another plugin): no account, no attempt. */
const NO_PROVIDER: ProviderAnswers = { accountFor: async () => null, recordAnswer: async () => "NOT_FOUND" };

/** The payment dispatcher as provider routes reach it: the shops' accounts, and the providers' later answers. */
export interface ProviderAnswers {
  accountFor(provider: string, shopId: string): Promise<unknown>;
  recordAnswer(input: { provider: string; shopId: string; idempotencyKey: string; outcome: PaymentRefundOutcome }): Promise<"SETTLED" | "ALREADY_SETTLED" | "NOT_FOUND">;
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
