// WEB_CONCURRENCY=N > 1: this process is a node:cluster primary running N server processes on
// one port (the primary accepts connections and hands them to the workers in turn; HTTP,
// graphql-ws and SSE alike). The workers meet in PostgreSQL and Redis as separate hosts do.
import cluster, { type Worker } from "node:cluster";
import type { AppConfig } from "./config.js";
import { openDatabase } from "./db/database.js";
import { applyMigrations } from "./db/migrate.js";
import { PluginHost } from "./plugin/host.js";
import { loadPlugins, pluginMigrations } from "./plugin/loader.js";
import { ensureBootstrapAdminToken } from "./services/api-tokens.js";

/**
 * Applies the migrations (the core's and the plugins') and creates the bootstrap token once,
 * before any server process starts: the workers then find both done.
 */
export async function prepareDatabase(config: AppConfig): Promise<{ applied: string[] }> {
  const plugins = await loadPlugins(config.plugins);
  const db = await openDatabase(config);
  try {
    // As createApp does: the plugins are checked (API version, tables) before anything is migrated.
    new PluginHost(plugins, db.prisma);
    const result = await applyMigrations(db, { plugins: pluginMigrations(plugins) });
    if (config.bootstrapAdminToken) await ensureBootstrapAdminToken(db, config.bootstrapAdminToken);
    return result;
  } finally {
    await db.close();
  }
}

/**
 * Forks `config.webConcurrency` server processes and keeps that many running: one that dies
 * after it served is replaced; one that dies before it ever listened (a configuration or
 * database problem a restart does not fix) stops them all. SIGTERM or SIGINT is passed to every
 * worker, each drains as a single process does (subscriptions completed, requests finished),
 * and the primary exits when they all have: 0 when every one exited 0.
 */
export function runCluster(config: AppConfig): void {
  const host = process.env.HOST ?? "127.0.0.1";
  const started = Date.now();
  const running = new Set<Worker>();
  const listened = new Set<number>();
  let announced = false;
  let stopping = false;
  let failed = false;

  const fork = () => running.add(cluster.fork());
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of running) worker.process.kill(signal);
    if (running.size === 0) process.exit(failed ? 1 : 0);
  };

  cluster.on("listening", (worker, address) => {
    listened.add(worker.id);
    if (announced || listened.size < config.webConcurrency) return;
    announced = true;
    console.log(
      // "GraphiQL at <url>" is what scripts and tests wait for (test/support/processes.ts, bench/lib/server.ts).
      `Refund platform ready: GraphiQL at http://${host}:${address.port}/graphql (PostgreSQL); ` +
        `${config.webConcurrency} server processes (WEB_CONCURRENCY), started in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
  cluster.on("exit", (worker, code, signal) => {
    running.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (running.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    const how = signal ?? `code ${code}`;
    if (!listened.has(worker.id)) {
      console.error(`Server process ${worker.id} exited (${how}) before it listened: stopping every server process`);
      failed = true;
      stopAll("SIGTERM");
      return;
    }
    console.error(`Server process ${worker.id} (pid ${worker.process.pid}) exited (${how}): starting another`);
    fork();
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      console.log(`${signal}: finishing open requests and subscriptions in ${running.size} server processes`);
      stopAll("SIGTERM");
    });
  }
  for (let index = 0; index < config.webConcurrency; index += 1) fork();
}
