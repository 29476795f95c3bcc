// Percentiles, bounded worker pools, and the server-side cost of a phase (CPU from /proc and
// SQL statements from the server's opt-in counter), measured once the work it triggered is done.
import { readFileSync } from "node:fs";
import type { Server } from "./server.js";

export interface Latency {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** Nearest-rank percentile, as the peer's bench computes it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted.at(-1) ?? Number.NaN), mean: round(mean) };
}

export function round(value: number, digits = 1): number {
  return Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** user+system CPU of a process in ms (Linux clock ticks are 10 ms). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * user+system CPU of a process and of its live descendants (a WEB_CONCURRENCY server is a
 * primary and its workers), in ms. A descendant that exits between two readings takes its CPU
 * with it.
 */
export function processTreeCpuMs(pid: number): number {
  let total = 0;
  try {
    total = processCpuMs(pid);
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(" ").filter(Boolean)) total += processTreeCpuMs(Number(child));
  } catch {
    // The process exited while it was read: its CPU is no longer counted anywhere.
  }
  return total;
}

/** Runs fn(i) for i < n with `concurrency` workers; stops taking new items after `maxMs`. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>, maxMs = 120_000): Promise<number> {
  const deadline = performance.now() + maxMs;
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n && performance.now() < deadline) await fn(next++);
  });
  await Promise.all(workers);
  return next;
}

export interface Cost {
  wallMs: number;
  cpuMs: number;
  statements: number;
}

/**
 * Runs a phase and reports the server's CPU and statements for it, including what it set off
 * after commit (payments, hook deliveries): counted until the server has sent no statement
 * for 300 ms (at most 10 s). The periodic sweeps (every 5 s) may add one or two statements.
 * `statements: false` for a server of several processes: each answers its own count, so
 * neither the count nor the wait for quiet works there (its CPU is the whole process tree's).
 */
export async function withCost<T>(server: Server, run: () => Promise<T>, options: { statements?: boolean } = {}): Promise<{ result: T; cost: Cost }> {
  const cpu0 = processTreeCpuMs(server.pid);
  if (options.statements === false) {
    const started = performance.now();
    const result = await run();
    return { result, cost: { wallMs: performance.now() - started, cpuMs: processTreeCpuMs(server.pid) - cpu0, statements: Number.NaN } };
  }
  const statements0 = await server.statements();
  const started = performance.now();
  const result = await run();
  const wallMs = performance.now() - started;
  let last = await server.statements();
  for (const deadline = performance.now() + 10_000; performance.now() < deadline; ) {
    await sleep(300);
    const now = await server.statements();
    if (now === last) break;
    last = now;
  }
  return { result, cost: { wallMs, cpuMs: processTreeCpuMs(server.pid) - cpu0, statements: last - statements0 } };
}

export function perOp(cost: Cost, ops: number) {
  return { cpuMsPerOp: round(cost.cpuMs / ops, 2), statementsPerOp: round(cost.statements / ops, 1) };
}
