// Knobs of `npm run bench`, all from the environment (BENCHMARKS.md lists them).
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const OUT_DIR = join(ROOT, "bench/out");

function count(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${raw}`);
  return value;
}

export const CASE_NAMES = ["automatic", "approve", "list", "batch", "fanout", "apps", "cluster", "overload", "peer"] as const;
export type CaseName = (typeof CASE_NAMES)[number];

function selectedCases(): Set<CaseName> {
  const raw = process.env.CASES;
  if (!raw) return new Set(CASE_NAMES);
  const names = raw.split(",").map((name) => name.trim()).filter(Boolean);
  for (const name of names) if (!CASE_NAMES.includes(name as CaseName)) throw new Error(`CASES: unknown case ${name} (known: ${CASE_NAMES.join(", ")})`);
  return new Set(names as CaseName[]);
}

export const knobs = {
  pgUrl: process.env.PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres",
  cases: selectedCases(),
  skipPeer: process.env.SKIP_PEER === "1",
  skipPglite: process.env.SKIP_PGLITE === "1",
  /** Window of the automatic path's loads (back to back, each steady-load client count, the cluster's): 20 s keeps the whole run near 12 minutes on 2 cores. */
  durationS: count("DURATION_S", 20),
  /** Requests per second each steady-load client sends (open loop: on schedule, not after an answer). */
  clientRate: count("CLIENT_RATE", 1),
  loadClients: (process.env.LOAD_CLIENTS ?? "10,50").split(",").map(Number),
  /** Clients requesting automatic refunds back to back (closed loop) for DURATION_S. */
  closedClients: count("CLOSED_CLIENTS", 10),
  /** Orders made for the closed loop: it stops early when they run out (reported). */
  closedOps: count("CLOSED_OPS", 1000),
  /** The cluster case: server processes (WEB_CONCURRENCY), and steady-load clients at CLIENT_RATE for DURATION_S. */
  clusterWorkers: count("CLUSTER_WORKERS", 2),
  clusterClients: count("CLUSTER_CLIENTS", 80),
  /** The Redis the cluster's processes meet in (only the cluster case uses Redis). */
  redisUrl: process.env.REDIS_URL || "redis://127.0.0.1:6379",
  /** The overload case offers OVERLOAD_FACTOR × one process's capacity for OVERLOAD_S seconds. */
  overloadFactor: count("OVERLOAD_FACTOR", 4),
  overloadS: count("OVERLOAD_S", 10),
  /** Automatic refunds a second one process carries; unset: the closed loop's REFUNDED-seen rate of this run. */
  overloadCapacity: process.env.OVERLOAD_CAPACITY ? count("OVERLOAD_CAPACITY", 1) : undefined,
  automaticC1: count("AUTOMATIC_C1_OPS", 50),
  approveC1: count("APPROVE_C1_OPS", 100),
  approveC10: count("APPROVE_C10_OPS", 150),
  listOps: count("LIST_OPS", 50),
  trivialOps: count("TRIVIAL_OPS", 300),
  batchRounds: count("BATCH_ROUNDS", 2),
  subscribers: count("SUBSCRIBERS", 1000),
  fanoutRounds: count("FANOUT_ROUNDS", 6),
  /** Measured APPROVEs per variant of the apps case (no app, webhook app, check app). */
  appsOps: count("APPS_OPS", 100),
  /** PGlite runs the same cases with this share of the counts and durations. */
  pgliteScale: count("PGLITE_SCALE", 0.15),
  peerOrders: count("PEER_ORDERS", 130),
  /** Where each server process writes its CPU profile (`node --cpu-prof`) when it stops; none when unset. */
  cpuProfDir: process.env.CPU_PROF_DIR || undefined,
  /** Where the peer's sources are (a worktree elsewhere than next to ../shared sets it). */
  peerDir: resolve(ROOT, process.env.PEER_DIR || "../shared/peers/vendure"),
};

/** Counts of one scenario: the PGlite runs use a share of them. */
export function scaled(value: number, scale: number, minimum = 1): number {
  return Math.max(minimum, Math.round(value * scale));
}
