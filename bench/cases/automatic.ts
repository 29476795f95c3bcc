// Case 1: the automatic path. `requestRefund` of an unshipped order, timed until a graphql-ws
// `refundStatusChanged` subscriber (subscribed right after the answer, from the answered
// version, so nothing is missed) sees REFUNDED. At concurrency 1; then clients requesting back
// to back (closed loop: the next request when the previous is answered, REFUNDED or not); then
// a steady open-loop load: each client sends CLIENT_RATE requests a second on schedule,
// whatever the answers.
import type { Client } from "graphql-ws";
import { REQUEST_REFUND, type Shop, createOrders } from "../lib/fixtures.js";
import { post } from "../lib/http.js";
import { type Cost, type Latency, latency, perOp, round, sleep, withCost } from "../lib/measure.js";
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
  /** request → its answer */
  answeredMs?: number;
  /** request → REFUNDED seen */
  ms?: number;
  failed?: string;
}

/**
 * One automatic refund: fills op.ms with request → REFUNDED seen, or op.failed. `answered` is
 * called once the request itself is answered (before REFUNDED is seen), or failed.
 */
async function automaticRefund(shop: Shop, ws: Client, orderId: string, op: Op, stopping: Set<() => void>, answered?: () => void): Promise<void> {
  const answer = await post<{ requestRefund: { refund: { id: string; version: number; status: string } | null; userErrors: unknown[] } }>(shop.url, shop.tokens.agent, REQUEST_REFUND, { o: orderId }).finally(answered);
  op.answeredMs = answer.ms;
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

/** What a load (closed or open loop) shows: who was seen REFUNDED, how late, and whether the lateness grew. */
export interface LoadOutcome {
  sent: number;
  seen: number;
  failed: number;
  /** REFUNDED seen per second, over the window and the drain after it. */
  seenPerS: number;
  /** request → REFUNDED seen */
  latency: Latency;
  /** request → its answer */
  answer: Latency;
  /** p50 of request → REFUNDED seen for the requests sent in the first and last third of the window. */
  firstThirdP50: number;
  lastThirdP50: number;
  backlog: "steady" | "grows";
  cpuMsPerOp: number;
  statementsPerOp: number;
}

export interface SteadyLoad extends LoadOutcome {
  clients: number;
  offeredPerS: number;
  skipped: number;
}

export interface ClosedLoop extends LoadOutcome {
  clients: number;
  /** How long the clients sent (shorter than the window when the orders made for it ran out). */
  sendingS: number;
  /** Requests answered per second while the clients sent. */
  intakePerS: number;
  ranOutOfOrders: boolean;
}

type C1 = Latency & { cpuMsPerOp: number; statementsPerOp: number; failed: number };

export interface AutomaticResult {
  c1: C1;
  closed: ClosedLoop;
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

/** After a window: what was sent gets a little longer to be seen, then counts as not seen. */
async function drain(pending: Array<Promise<void>>, windowMs: number, stopping: Set<() => void>): Promise<void> {
  await Promise.race([Promise.all(pending), sleep(Math.min(windowMs, MAX_DRAIN_MS))]);
  for (const stop of [...stopping]) stop();
  await Promise.all(pending);
}

function outcome(ops: Op[], cost: Cost, extraGrowth: boolean): LoadOutcome {
  const seen = ops.filter((op) => op.ms !== undefined);
  const third = Math.max(1, Math.floor(ops.length / 3));
  const lagP50 = (part: Op[]) => latency(part.map((op) => op.ms ?? Number.POSITIVE_INFINITY)).p50;
  const firstThirdP50 = lagP50(ops.slice(0, third));
  const lastThirdP50 = lagP50(ops.slice(-third));
  const failed = ops.length - seen.length;
  return {
    sent: ops.length,
    seen: seen.length,
    failed,
    seenPerS: round((seen.length / cost.wallMs) * 1000),
    latency: latency(seen.map((op) => op.ms!)),
    answer: latency(ops.flatMap((op) => (op.answeredMs === undefined ? [] : [op.answeredMs]))),
    firstThirdP50,
    lastThirdP50,
    backlog: extraGrowth || failed > 0 || lastThirdP50 > 2 * firstThirdP50 + 50 ? "grows" : "steady",
    ...perOp(cost, Math.max(1, seen.length)),
  };
}

/**
 * `clients` clients, each sending its next automatic refund as soon as the previous one is
 * answered, for `durationS` or until `orders` run out. `sockets` holds one graphql-ws client per
 * client.
 */
export async function closedLoop(server: Server, shop: Shop, sockets: Client[], orders: string[], clients: number, durationS: number): Promise<ClosedLoop> {
  const ops: Op[] = [];
  const pending: Array<Promise<void>> = [];
  const stopping = new Set<() => void>();
  const windowMs = durationS * 1000;
  let sendingMs = 0;
  let ranOutOfOrders = false;
  const { cost } = await withCost(server, async () => {
    const start = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        while (performance.now() - start < windowMs) {
          const orderId = orders.pop();
          if (!orderId) {
            ranOutOfOrders = true;
            return;
          }
          const op: Op = { sentAt: performance.now() };
          ops.push(op);
          await new Promise<void>((answered) => {
            pending.push(automaticRefund(shop, sockets[client]!, orderId, op, stopping, answered).catch((error: Error) => void (op.failed = error.message)).finally(answered));
          });
        }
      }),
    );
    sendingMs = performance.now() - start;
    await drain(pending, windowMs, stopping);
  });
  const answered = ops.filter((op) => op.answeredMs !== undefined).length;
  return { clients, sendingS: round(sendingMs / 1000), intakePerS: round((answered / sendingMs) * 1000), ranOutOfOrders, ...outcome(ops, cost, false) };
}

/**
 * The steady open-loop load: `clients` clients each sending `clientRate` requests a second on
 * schedule for `durationS`; a client with 2 requests unanswered skips a send (counted). `costOf`
 * is withCost's option (a server of several processes counts no statements).
 */
export async function steadyLoad(server: Server, shop: Shop, sockets: Client[], orders: string[], clients: number, clientRate: number, durationS: number, costOf: { statements?: boolean } = {}): Promise<SteadyLoad> {
  const ops: Op[] = [];
  const pending: Array<Promise<void>> = [];
  const stopping = new Set<() => void>();
  let skipped = 0;
  let inFlight = 0;
  const maxInFlight = MAX_IN_FLIGHT_PER_CLIENT * clients;
  const windowMs = durationS * 1000;
  const intervalMs = 1000 / clientRate;
  const { cost } = await withCost(
    server,
    async () => {
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
      await drain(pending, windowMs, stopping);
    },
    costOf,
  );
  return { clients, offeredPerS: clients * clientRate, skipped, ...outcome(ops, cost, skipped > 0) };
}

export async function automaticCase(server: Server, shop: Shop, options: { c1Ops: number; durationS: number; clientRate: number; loadClients: number[]; closedClients: number; closedOps: number }): Promise<AutomaticResult> {
  const loadOrders = options.loadClients.map((clients) => Math.ceil(clients * options.clientRate * options.durationS));
  const orders = await createOrders(shop, options.c1Ops + 5 + loadOrders.reduce((sum, n) => sum + n, 0), "NOT_SHIPPED");
  const closedOrders = await createOrders(shop, options.closedOps, "NOT_SHIPPED");
  const stopping = new Set<() => void>();
  const sockets = await Promise.all(Array.from({ length: Math.max(1, options.closedClients, ...options.loadClients) }, () => connectWs(shop.url, shop.tokens.agent)));
  try {
    const c1 = await atConcurrency1(server, shop, sockets[0]!, orders, options.c1Ops, stopping);
    const closed = await closedLoop(server, shop, sockets, closedOrders, options.closedClients, options.durationS);
    const load: SteadyLoad[] = [];
    for (const clients of options.loadClients) load.push(await steadyLoad(server, shop, sockets, orders, clients, options.clientRate, options.durationS));
    return { c1, closed, load };
  } finally {
    for (const stop of [...stopping]) stop();
    await Promise.all(sockets.map((socket) => socket.dispose()));
  }
}
