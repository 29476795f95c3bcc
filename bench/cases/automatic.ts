// Case 1: the automatic path. `requestRefund` of an unshipped order, timed until a graphql-ws
// `refundStatusChanged` subscriber (subscribed right after the answer, from the answered
// version, so nothing is missed) sees REFUNDED. At concurrency 1, then under a steady open-loop
// load: each client sends CLIENT_RATE requests a second on schedule, whatever the answers.
import type { Client } from "graphql-ws";
import { REQUEST_REFUND, type Shop, createOrders } from "../lib/fixtures.js";
import { post } from "../lib/http.js";
import { type Latency, latency, perOp, round, sleep, withCost } from "../lib/measure.js";
import type { Server } from "../lib/server.js";
import { connectWs, subscribeWs } from "../lib/subscriptions.js";

const STATUS = `subscription ($id: ID!, $v: Int) { refundStatusChanged(refundId: $id, afterVersion: $v) { version to } }`;
const SEEN_TIMEOUT_MS = 60_000;
/** Unanswered requests per client at which it skips a send (counted: the server is not keeping up). */
const MAX_IN_FLIGHT_PER_CLIENT = 2;
/** How long what was sent may take to be seen after the window, at most. */
const MAX_DRAIN_MS = 10_000;

interface Op {
  sentAt: number;
  ms?: number;
  failed?: string;
}

/** One automatic refund: fills op.ms with request → REFUNDED seen, or op.failed. */
async function automaticRefund(shop: Shop, ws: Client, orderId: string, op: Op, stopping: Set<() => void>): Promise<void> {
  const answer = await post<{ requestRefund: { refund: { id: string; version: number; status: string } | null; userErrors: unknown[] } }>(shop.url, shop.tokens.agent, REQUEST_REFUND, { o: orderId });
  const refund = answer.data?.requestRefund.refund;
  if (!refund) {
    op.failed = JSON.stringify(answer.errors ?? answer.data?.requestRefund.userErrors);
    return;
  }
  if (refund.status === "REFUNDED") {
    op.ms = performance.now() - op.sentAt;
    return;
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      clearTimeout(timer);
      stopping.delete(stop);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(() => {
      op.failed = `REFUNDED not seen within ${SEEN_TIMEOUT_MS} ms`;
      stop();
    }, SEEN_TIMEOUT_MS);
    stopping.add(stop);
    const unsubscribe = subscribeWs<{ refundStatusChanged: { to: string } }>(ws, STATUS, { id: refund.id, v: refund.version }, ({ refundStatusChanged }) => {
      if (refundStatusChanged.to !== "REFUNDED") return;
      op.ms = performance.now() - op.sentAt;
      stop();
    });
  });
}

export interface SteadyLoad {
  clients: number;
  offeredPerS: number;
  sent: number;
  seen: number;
  skipped: number;
  failed: number;
  seenPerS: number;
  latency: Latency;
  /** p50 of request → REFUNDED seen for the requests sent in the first and last third of the window. */
  firstThirdP50: number;
  lastThirdP50: number;
  backlog: "steady" | "grows";
  cpuMsPerOp: number;
  statementsPerOp: number;
}

type C1 = Latency & { cpuMsPerOp: number; statementsPerOp: number; failed: number };

export interface AutomaticResult {
  c1: C1;
  load: SteadyLoad[];
  /** The same at concurrency 1 through WeChat Pay (its stand-in), when the server runs the wechat-pay plugin. */
  wechat?: C1;
}

/** `ops` automatic refunds one after another, after 5 unmeasured ones, with the server's CPU and statements per refund. */
async function atConcurrency1(server: Server, shop: Shop, ws: Client, orders: string[], ops: number, stopping: Set<() => void>): Promise<C1> {
  for (let i = 0; i < 5; i += 1) await automaticRefund(shop, ws, orders.pop()!, { sentAt: performance.now() }, stopping); // warm-up
  const measured: Op[] = [];
  const { cost } = await withCost(server, async () => {
    for (let i = 0; i < ops; i += 1) {
      const op: Op = { sentAt: performance.now() };
      measured.push(op);
      await automaticRefund(shop, ws, orders.pop()!, op, stopping);
    }
  });
  const seen = measured.filter((op) => op.ms !== undefined);
  return { ...latency(seen.map((op) => op.ms!)), ...perOp(cost, Math.max(1, seen.length)), failed: measured.length - seen.length };
}

/** The automatic refund at concurrency 1 for a shop whose orders `payment` pays (WeChat Pay): request → REFUNDED through the provider. */
export async function automaticThroughProvider(server: Server, shop: Shop, payment: (paidAmount: number) => Record<string, unknown>, ops: number): Promise<C1> {
  const orders = await createOrders(shop, ops + 5, "NOT_SHIPPED", payment);
  const stopping = new Set<() => void>();
  const ws = await connectWs(shop.url, shop.tokens.agent);
  try {
    return await atConcurrency1(server, shop, ws, orders, ops, stopping);
  } finally {
    for (const stop of [...stopping]) stop();
    await ws.dispose();
  }
}

export async function automaticCase(server: Server, shop: Shop, options: { c1Ops: number; durationS: number; clientRate: number; loadClients: number[] }): Promise<AutomaticResult> {
  const loadOrders = options.loadClients.map((clients) => Math.ceil(clients * options.clientRate * options.durationS));
  const orders = await createOrders(shop, options.c1Ops + 5 + loadOrders.reduce((sum, n) => sum + n, 0), "NOT_SHIPPED");
  const stopping = new Set<() => void>();
  const sockets = await Promise.all(Array.from({ length: Math.max(1, ...options.loadClients) }, () => connectWs(shop.url, shop.tokens.agent)));
  try {
    const c1 = await atConcurrency1(server, shop, sockets[0]!, orders, options.c1Ops, stopping);

    const load: SteadyLoad[] = [];
    for (const clients of options.loadClients) {
      const ops: Op[] = [];
      const pending: Array<Promise<void>> = [];
      let skipped = 0;
      let inFlight = 0;
      const maxInFlight = MAX_IN_FLIGHT_PER_CLIENT * clients;
      const windowMs = options.durationS * 1000;
      const intervalMs = 1000 / options.clientRate;
      const { cost } = await withCost(server, async () => {
        const start = performance.now();
        await Promise.all(
          Array.from({ length: clients }, async (_, client) => {
            // Clients are spread evenly over the interval so the load is steady, not bursts.
            for (let k = 0; ; k += 1) {
              const due = start + (client * intervalMs) / clients + k * intervalMs;
              if (due - start >= windowMs) return;
              await sleep(Math.max(0, due - performance.now()));
              if (inFlight >= maxInFlight) {
                skipped += 1;
                continue;
              }
              const orderId = orders.pop();
              if (!orderId) return; // setup made as many orders as the window asks for
              const op: Op = { sentAt: performance.now() };
              ops.push(op);
              inFlight += 1;
              pending.push(
                automaticRefund(shop, sockets[client]!, orderId, op, stopping)
                  .catch((error: Error) => void (op.failed = error.message)) // counted, not fatal
                  .finally(() => (inFlight -= 1)),
              );
            }
          }),
        );
        // Drain: what was sent has a little longer to be seen, then it counts as not seen.
        await Promise.race([Promise.all(pending), sleep(Math.min(windowMs, MAX_DRAIN_MS))]);
        for (const stop of [...stopping]) stop();
        await Promise.all(pending);
      });
      const seen = ops.filter((op) => op.ms !== undefined);
      const third = Math.max(1, Math.floor(ops.length / 3));
      const lagP50 = (part: Op[]) => latency(part.map((op) => op.ms ?? Number.POSITIVE_INFINITY)).p50;
      const firstThirdP50 = lagP50(ops.slice(0, third));
      const lastThirdP50 = lagP50(ops.slice(-third));
      const failed = ops.length - seen.length;
      load.push({
        clients,
        offeredPerS: clients * options.clientRate,
        sent: ops.length,
        seen: seen.length,
        skipped,
        failed,
        seenPerS: round((seen.length / cost.wallMs) * 1000),
        latency: latency(seen.map((op) => op.ms!)),
        firstThirdP50,
        lastThirdP50,
        backlog: failed > 0 || skipped > 0 || lastThirdP50 > 2 * firstThirdP50 + 50 ? "grows" : "steady",
        ...perOp(cost, Math.max(1, seen.length)),
      });
    }
    return { c1, load };
  } finally {
    for (const stop of [...stopping]) stop();
    await Promise.all(sockets.map((socket) => socket.dispose()));
  }
}
