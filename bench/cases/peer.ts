// Case 7: the peer, Vendure's `refundOrder` (../shared/peers/vendure), run in the same run. The
// shared folder may be read-only, so it is copied to bench/out/peer-vendure and installed there
// once; its own bench.js measures it (see its README) with counts that fit the time budget.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { OUT_DIR, knobs } from "../lib/config.js";

const SOURCE = knobs.peerDir;
const COPY = join(OUT_DIR, "peer-vendure");

export type PeerResult =
  | { skipped: string }
  | {
      vendure: string;
      orders: number;
      verified: boolean;
      trivialP50: number;
      /** Server CPU per empty query (ms), from its trivial_c1 phase. */
      trivialCpuMsPerOp: number | null;
      refundC1: { p50: number; p99: number; cpuMsPerOp: number };
      refundC10: { perS: number; p50: number; p99: number; cpuMsPerOp: number };
      wallS: number;
    };

function run(command: string, args: string[], cwd: string, env: Record<string, string>, logFile: string, timeoutMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const log = createWriteStream(logFile);
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    const timer = setTimeout(() => child.kill("SIGINT"), timeoutMs); // bench.js stops its server on SIGINT
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.once("error", () => resolve(null));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function peerCase(options: { orders: number }): Promise<PeerResult> {
  if (!existsSync(join(SOURCE, "bench.js"))) return { skipped: `no peer at ${SOURCE}` };
  mkdirSync(COPY, { recursive: true });
  for (const name of readdirSync(SOURCE)) {
    if (statSync(join(SOURCE, name)).isFile()) writeFileSync(join(COPY, name), readFileSync(join(SOURCE, name)));
  }
  if (!existsSync(join(COPY, "node_modules"))) {
    console.error("peer: npm ci in bench/out/peer-vendure (once)…");
    const code = await run("npm", ["ci", "--no-audit", "--no-fund"], COPY, {}, join(COPY, "npm-ci.log"), 300_000);
    if (code !== 0) return { skipped: `npm ci of the peer failed (exit ${code}; no registry?), see bench/out/peer-vendure/npm-ci.log` };
  }
  const outDir = join(COPY, "out", new Date().toISOString().replace(/[:.]/g, "-"));
  mkdirSync(outDir, { recursive: true });
  const started = performance.now();
  const code = await run(
    process.execPath,
    ["bench.js"],
    COPY,
    {
      ORDERS: String(options.orders),
      WARMUP_REFUNDS: "20",
      SEQ_REFUNDS: "50",
      CONCURRENCY: "10",
      TRIVIAL_N: "300",
      OUT_DIR: outDir,
      DB_NAME: `peer_vendure_${randomBytes(4).toString("hex")}`, // its own database, dropped by bench.js
      PORT: String(await freePort()),
      DEADLINE_S: "400",
    },
    join(outDir, "bench.log"),
    420_000,
  );
  const file = readdirSync(outDir).find((name) => name.startsWith("vendure-refund-") && name.endsWith(".json"));
  if (!file) return { skipped: `the peer's bench.js exited with ${code} and wrote no result, see ${join(outDir, "bench.log")}` };
  const json = JSON.parse(readFileSync(join(outDir, file), "utf8"));
  const c1 = json.results.refund_c1;
  const c10 = json.results.refund_c10;
  return {
    vendure: json.versions.vendure_core,
    orders: json.config.orders,
    verified: json.verification.ok,
    trivialP50: json.results.trivial_query_c1.p50_ms,
    trivialCpuMsPerOp: json.phases?.trivial_c1?.server_cpu_ms != null ? Math.round((json.phases.trivial_c1.server_cpu_ms / json.results.trivial_query_c1.n) * 100) / 100 : null,
    refundC1: { p50: c1.p50_ms, p99: c1.p99_ms, cpuMsPerOp: c1.server_cpu_ms_per_op },
    refundC10: { perS: c10.throughput_ops_s, p50: c10.p50_ms, p99: c10.p99_ms, cpuMsPerOp: c10.server_cpu_ms_per_op },
    wallS: Math.round((performance.now() - started) / 1000),
  };
}
