// Plugin tasks run once per period across processes: each tick first takes the task's lease in
// PluginTaskLease. Two plugin hosts on one database — two apps on PostgreSQL; on PGlite, which
// one process owns, a second task runner beside the app's — driven tick by tick (as their timers
// would) on a clock the test moves, so nothing here waits for a period to pass.
import { afterEach, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { definePlugin } from "../../src/plugin/index.js";
import { type PluginTasks, pluginContexts, startPluginTasks } from "../../src/plugin/routes.js";
import { backends, createTestDatabase, type TestDatabase } from "../support/databases.js";

const PERIOD_MS = 5 * 60_000;
const T0 = new Date("2026-11-11T00:00:00Z").getTime();

/** The same plugin (name and version) in each process; its task says which process ran it. */
function ticker(processName: string, runs: string[], gate?: Promise<void>) {
  return definePlugin({
    name: "ticker",
    version: "1.0.0",
    apiVersion: 1,
    tasks: [
      {
        name: "tick",
        everyMs: PERIOD_MS,
        run: async () => {
          runs.push(processName);
          await gate;
        },
      },
    ],
  });
}

describe.each(backends)("plugin tasks across processes (%s)", (kind) => {
  let database: TestDatabase;
  const apps: App[] = [];
  let extra: PluginTasks | undefined;
  let now = T0;
  let release = () => {};
  const clock = () => new Date(now);

  afterEach(async () => {
    release();
    await extra?.stop();
    extra = undefined;
    await Promise.all(apps.splice(0).map((app) => app.close()));
    await database?.drop();
    now = T0;
  });

  /** Two processes' tasks on one database, and the statements that touched the leases. */
  async function twoProcesses(options: { firstHangs?: boolean } = {}): Promise<{ a: PluginTasks; b: PluginTasks; runs: string[]; leaseStatements: () => number }> {
    database = await createTestDatabase(kind);
    const runs: string[] = [];
    const gate = options.firstHangs ? new Promise<void>((resolve) => (release = resolve)) : undefined;
    const start = (plugin: ReturnType<typeof ticker>) => createApp({ ...database.options, logLevel: "error", plugins: [plugin], clock }).then((app) => (apps.push(app), app));
    const first = await start(ticker("a", runs, gate));
    let b: PluginTasks;
    if (kind === "postgres") b = (await start(ticker("b", runs))).pluginTasks;
    else {
      const plugin = ticker("b", runs);
      b = extra = startPluginTasks([plugin], pluginContexts(first.services, first.plugins), first.db.prisma, { clock });
    }
    let statements = 0;
    for (const app of apps) app.db.onQuery((sql) => void (sql.includes('"PluginTaskLease"') && (statements += 1)));
    return { a: first.pluginTasks, b, runs, leaseStatements: () => statements };
  }

  it("runs a task once per period, not once per process, at one statement per tick", async () => {
    const { a, b, runs, leaseStatements } = await twoProcesses();
    const tickBoth = () => Promise.all([a.tick("ticker", "tick"), b.tick("ticker", "tick")]);

    // Both ticks at once in each period: one of them runs the task.
    for (const [period, offset] of [0, PERIOD_MS, 2 * PERIOD_MS].entries()) {
      now = T0 + offset;
      const ran = await tickBoth();
      expect(ran.filter(Boolean)).toHaveLength(1);
      expect(runs).toHaveLength(period + 1);
      // Later in the same period neither runs it again.
      now = T0 + offset + PERIOD_MS / 2;
      expect(await tickBoth()).toEqual([false, false]);
      expect(runs).toHaveLength(period + 1);
    }
    expect(leaseStatements()).toBe(12); // 2 processes × 2 ticks × 3 periods, one statement each
  });

  it("lets the holder run every period though its timer ticks a little early, and nobody else meanwhile", async () => {
    const { a, b, runs } = await twoProcesses();
    now = T0;
    expect(await a.tick("ticker", "tick")).toBe(true);
    for (const period of [1, 2, 3]) {
      now = T0 + period * PERIOD_MS - period * 5; // the holder's tick drifts ahead of the clock
      expect(await a.tick("ticker", "tick")).toBe(true);
      expect(await b.tick("ticker", "tick")).toBe(false);
    }
    expect(runs).toEqual(["a", "a", "a", "a"]);
    // The holder ticking twice in a period (a second tick right after) runs it once.
    expect(await a.tick("ticker", "tick")).toBe(false);
  });

  it("takes over the lease of a runner that died mid-run once that lease has run out", async () => {
    const { a, b, runs } = await twoProcesses({ firstHangs: true });
    now = T0;
    const hung = a.tick("ticker", "tick"); // runs, and never finishes: a process that died in the run
    await expect.poll(() => runs).toEqual(["a"]);

    now = T0 + PERIOD_MS - 1;
    expect(await b.tick("ticker", "tick")).toBe(false); // still leased
    now = T0 + PERIOD_MS;
    expect(await a.tick("ticker", "tick")).toBe(false); // the stuck process neither stacks a run nor renews
    expect(await b.tick("ticker", "tick")).toBe(true);
    expect(runs).toEqual(["a", "b"]);

    release();
    expect(await hung).toBe(true);
  });
});

describe("plugin task names", () => {
  it("are refused when two tasks of a plugin share one, since they would share a lease", () => {
    const twice = () =>
      definePlugin({
        name: "twice",
        version: "1.0.0",
        apiVersion: 1,
        tasks: [
          { name: "poll", everyMs: PERIOD_MS, run: async () => {} },
          { name: "poll", everyMs: PERIOD_MS, run: async () => {} },
        ],
      });
    expect(twice).toThrow("plugin twice has two tasks named poll");
  });
});
