import { randomUUID } from "node:crypto";
import { createServerAdapter } from "@whatwg-node/server";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { RefundAction } from "../domain/refund-machine.js";
import { type Clock, systemClock } from "../services/clock.js";
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

export interface PluginTaskOptions {
  /** The clock leases are read and set by: the app's (tests fix it). */
  clock?: Clock;
  /** Who holds the leases this process takes; default a new id per call. */
  holder?: string;
}

/** The plugin tasks of one process. */
export interface PluginTasks {
  /**
   * One tick of a task, as its timer does it: takes the task's lease for the period and, when it
   * got it, runs the task. Resolves true when the task ran here (its failure is logged, not thrown).
   */
  tick(plugin: string, task: string): Promise<boolean>;
  /** Stops the timers, then waits for the runs in flight. */
  stop(): Promise<void>;
}

/**
 * Runs every plugin task on its timer in this process, each tick behind a lease in
 * PluginTaskLease, so that a task runs once per period across all processes and hosts on one
 * database: one statement per tick, which the tick of every other process finds held.
 */
export function startPluginTasks(
  plugins: Iterable<AnyRefundPlugin>,
  contextOf: (plugin: AnyRefundPlugin) => RouteContext<unknown, AnyPluginDb>,
  prisma: PrismaClient,
  options: PluginTaskOptions = {},
): PluginTasks {
  const clock = options.clock ?? systemClock;
  const holder = options.holder ?? randomUUID();
  const ticks = new Map<string, { tick: () => Promise<boolean>; everyMs: number }>();
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  for (const plugin of plugins) {
    for (const task of plugin.tasks ?? []) {
      let busy = false;
      const tick = async (): Promise<boolean> => {
        if (busy) return false; // a slow run is not stacked on itself, nor its lease renewed
        busy = true;
        let leased = false;
        try {
          leased = await takeTaskLease(prisma, plugin.name, task, holder, clock());
          if (leased) await task.run(contextOf(plugin));
        } catch (error) {
          console.error(`plugin ${plugin.name} task ${task.name} failed`, error);
        } finally {
          busy = false;
        }
        return leased;
      };
      const tracked = () => {
        const run = tick();
        running.add(run);
        return run.finally(() => running.delete(run));
      };
      ticks.set(`${plugin.name}/${task.name}`, { tick: tracked, everyMs: task.everyMs });
    }
  }
  for (const { tick, everyMs } of ticks.values()) {
    const timer = setInterval(() => void tick(), everyMs);
    timer.unref();
    timers.push(timer);
  }
  return {
    tick(plugin, task) {
      const found = ticks.get(`${plugin}/${task}`);
      if (!found) throw new Error(`no task ${task} of plugin ${plugin}`);
      return found.tick();
    },
    async stop() {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}

/**
 * Takes a task's lease for one period, in one statement: free when it has run out (its holder
 * died, stopped or fell behind), or when this process holds it and its next tick came up to a
 * tenth of a period early (a timer's tick drifts against the clock; without this a process alone
 * would find its own lease held and run every other period). True when taken.
 */
async function takeTaskLease(prisma: PrismaClient, plugin: string, task: { name: string; everyMs: number }, holder: string, now: Date): Promise<boolean> {
  const until = new Date(now.getTime() + task.everyMs);
  const renewable = new Date(now.getTime() + task.everyMs / 10);
  const taken = await prisma.$queryRaw<unknown[]>`
    INSERT INTO "PluginTaskLease" (plugin, task, holder, "leasedUntil") VALUES (${plugin}, ${task.name}, ${holder}, ${until})
    ON CONFLICT (plugin, task) DO UPDATE SET holder = EXCLUDED.holder, "leasedUntil" = EXCLUDED."leasedUntil"
     WHERE "PluginTaskLease"."leasedUntil" <= ${now}
        OR ("PluginTaskLease".holder = ${holder} AND "PluginTaskLease"."leasedUntil" <= ${renewable})
    RETURNING 1`;
  return taken.length === 1;
}
