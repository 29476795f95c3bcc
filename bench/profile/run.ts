// `npx tsx bench/profile/run.ts`: server CPU per request of three phases — `{ __typename }` with a
// token, staff APPROVEs (c=10) and automatic refunds (c=4) — on PostgreSQL with the plugins on, as
// `npm run bench` starts the server. With PROFILE_DIR, each phase (and only it: not the setup) is
// profiled through the server's inspector and written as <PROFILE_DIR>/<LABEL>-<phase>.cpuprofile,
// for bench/profile/summary.ts or Chrome's DevTools. Knobs: PHASES, N (requests per phase; the
// empty request runs 3×N), LABEL. Profiling adds its own CPU: compare numbers of runs without it.
import { writeFileSync } from "node:fs";
import WebSocket from "ws";
import { APPROVE, REQUEST_REFUND, createOrders, createShop, pendingReviewRefunds } from "../lib/fixtures.js";
import { gql } from "../lib/http.js";
import { pool, round, withCost } from "../lib/measure.js";
import { startServer } from "../lib/server.js";

const phases = new Set((process.env.PHASES ?? "trivial,approve,automatic").split(","));
const n = Number(process.env.N ?? 200);
const label = process.env.LABEL ?? "run";
const profileDir = process.env.PROFILE_DIR;
const WARMUP = 20;

const inspectorPort = 9300 + Math.floor(Math.random() * 600);
const server = await startServer("postgres", "default", profileDir ? { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectorPort}` } : {});

/** The server's V8 profiler over the inspector protocol, or nothing when not profiling. */
async function profiler(): Promise<{ start(): Promise<void>; stop(name: string): Promise<void>; close(): void } | undefined> {
  if (!profileDir) return undefined;
  const [target] = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const socket = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve) => socket.once("open", resolve));
  let lastId = 0;
  const waiting = new Map<number, (result: any) => void>();
  socket.on("message", (data) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = (method: string, params: object = {}) =>
    new Promise<any>((resolve) => {
      lastId += 1;
      waiting.set(lastId, resolve);
      socket.send(JSON.stringify({ id: lastId, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  return {
    start: () => call("Profiler.start"),
    async stop(name) {
      const { profile } = await call("Profiler.stop");
      writeFileSync(`${profileDir}/${label}-${name}.cpuprofile`, JSON.stringify(profile));
    },
    close: () => socket.close(),
  };
}

try {
  const cpu = await profiler();
  const shop = await createShop(server);
  const measure = async (name: string, run: () => Promise<number>) => {
    await cpu?.start();
    const { result: ops, cost } = await withCost(server, run);
    await cpu?.stop(name);
    console.log(`${label} ${name}: ${ops} requests, server CPU ${round(cost.cpuMs / ops, 2)} ms/request, ${round(cost.statements / ops, 1)} statements/request`);
  };
  if (phases.has("trivial")) {
    const trivial = () => gql(shop.url, shop.tokens.agent, "{ __typename }");
    for (let i = 0; i < WARMUP; i += 1) await trivial();
    await measure("trivial", async () => {
      for (let i = 0; i < 3 * n; i += 1) await trivial();
      return 3 * n;
    });
  }
  if (phases.has("approve")) {
    const ids = await pendingReviewRefunds(shop, WARMUP + n);
    await pool(WARMUP, 1, async (i) => void (await gql(shop.url, shop.tokens.agent, APPROVE, { id: ids[i] })));
    await measure("approve", () => pool(n, 10, async (i) => void (await gql(shop.url, shop.tokens.agent, APPROVE, { id: ids[WARMUP + i] }))));
  }
  if (phases.has("automatic")) {
    const orders = await createOrders(shop, WARMUP + n, "NOT_SHIPPED");
    const refund = (i: number) => gql(shop.url, shop.tokens.agent, REQUEST_REFUND, { o: orders[i] });
    await pool(WARMUP, 1, async (i) => void (await refund(i)));
    await measure("automatic", () => pool(n, 4, async (i) => void (await refund(WARMUP + i))));
  }
  cpu?.close();
} finally {
  await server.stop();
}
