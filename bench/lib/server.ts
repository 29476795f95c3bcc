// Server processes under test: `node --import tsx src/main.ts` as a child, on PostgreSQL (a
// `refund_bench_<random>` database created for it and dropped after, nothing else touched) or
// on the embedded PGlite (a temporary DATA_DIR, removed after).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { ROOT, knobs } from "./config.js";
import { getText } from "./http.js";

export type Backend = "postgres" | "pglite";
export type PluginSet = "default" | "none";

export interface Server {
  backend: Backend;
  plugins: PluginSet;
  /** http://127.0.0.1:<port>/graphql */
  url: string;
  pid: number;
  adminToken: string;
  /** The PostgreSQL database of this server (postgres backend only). */
  databaseUrl?: string;
  /** SQL statements Prisma has sent since the server started. */
  statements(): Promise<number>;
  stop(): Promise<void>;
}

// A driver that dies takes its servers with it (they would otherwise outlive it, orphaned).
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

export async function withAdminDb<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: knobs.pgUrl });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** `extraEnv`: more of the server's environment (e.g. a payment provider plugin and its API URL), over the scenario's. */
export async function startServer(backend: Backend, plugins: PluginSet, extraEnv: Record<string, string> = {}): Promise<Server> {
  const adminToken = `bench-${randomBytes(8).toString("hex")}`;
  const env: Record<string, string> = {
    PORT: "0",
    HOST: "127.0.0.1",
    DEMO_DATA: "0",
    LOG_LEVEL: "error",
    BOOTSTRAP_ADMIN_TOKEN: adminToken,
    BENCH_COUNT_STATEMENTS: "1",
    // The bench measures the engine, not the per-caller throttle (docs/limits.md).
    COST_BUDGET_MAX: "100000000",
    COST_REFILL_PER_SECOND: "100000000",
    // Nor the overload limits (docs/running.md, "Capacity"): the fan-out case opens 50
    // subscriptions at once, and every case waits for all its answers.
    MAX_IN_FLIGHT: "0",
    MAX_EVENT_LOOP_DELAY_MS: "0",
    // The apps case's webhook and check receiver listens on the driver's loopback.
    OUTBOUND_ALLOW_HOSTS: "127.0.0.1",
  };
  if (plugins === "none") env.PLUGINS = "none";
  Object.assign(env, extraEnv);
  let database: string | undefined;
  let databaseUrl: string | undefined;
  let dataDir: string | undefined;
  if (backend === "postgres") {
    database = `refund_bench_${randomBytes(4).toString("hex")}`;
    await withAdminDb((client) => client.query(`CREATE DATABASE ${database}`));
    const url = new URL(knobs.pgUrl);
    url.pathname = `/${database}`;
    databaseUrl = env.DATABASE_URL = url.toString();
  } else {
    dataDir = env.DATA_DIR = mkdtempSync(join(tmpdir(), "refund-bench-pglite-"));
  }
  const cleanUp = async () => {
    if (database) await withAdminDb((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  // Inherited variables that would change what is measured are left out.
  const { DATABASE_URL: _d, REDIS_URL: _r, PLUGINS: _p, DATA_DIR: _dd, ...inherited } = process.env;
  // CPU_PROF_DIR: the server writes a V8 CPU profile of its whole life there when it exits (BENCHMARKS.md, "The profile").
  const profile = knobs.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${knobs.cpuProfDir}`] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", "src/main.ts"], { cwd: ROOT, env: { ...inherited, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  child.once("exit", () => children.delete(child));
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      let output = "";
      const timer = setTimeout(() => reject(new Error("server did not start within 120 s")), 120_000);
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /GraphiQL at (http:\/\/\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code} before it was ready`));
      });
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  const base = url.replace(/\/graphql$/, "");
  return {
    backend,
    plugins,
    url,
    pid: child.pid!,
    adminToken,
    databaseUrl,
    statements: async () => Number(await getText(`${base}/debug/statements`)),
    async stop() {
      await stopChild(child);
      await cleanUp();
    },
  };
}

/** SIGTERM (the server completes its subscriptions and exits), SIGKILL after 15 s. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}
