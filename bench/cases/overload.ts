// Case 9: overload is shed, not queued. One server process with the overload limits it ships
// with (MAX_IN_FLIGHT, TARGET_LATENCY_MS and MAX_EVENT_LOOP_DELAY_MS unset: DEFAULT_OVERLOAD) is offered
// OVERLOAD_FACTOR × what one process carries, open loop (each request sent on schedule whatever
// the answers), for OVERLOAD_S: automatic refunds of unshipped orders. Every answer is sorted
// into accepted (the refund), refused (503 SERVICE_OVERLOADED), time-out or error; then the
// database says whether every accepted refund reached REFUNDED and whether the refused left
// nothing behind.
import pg from "pg";
import { DEFAULT_OVERLOAD } from "../../src/limits/overload.js";
import { globalId } from "../../src/plugin/index.js";
import { REQUEST_REFUND, createOrders, createShop } from "../lib/fixtures.js";
import { NoAnswerError, postRaw } from "../lib/http.js";
import { type Latency, latency, round, sleep } from "../lib/measure.js";
import { type Server, startServer } from "../lib/server.js";
import { connectWs } from "../lib/subscriptions.js";
import { closedLoop } from "./automatic.js";

/** A request unanswered this long counts as a time-out (the goal is an answer within 1 s). */
const ANSWER_TIMEOUT_MS = 10_000;
/** How long the accepted refunds get to reach REFUNDED after the window. */
const SETTLE_TIMEOUT_MS = 60_000;
/** Clients and seconds of the closed loop that measures the capacity when the run has none. */
const CAPACITY_CLIENTS = 10;
const CAPACITY_S = 5;

export interface OverloadResult {
  /** Automatic refunds a second one process carries, and where the figure comes from. */
  capacityPerS: number;
  capacityFrom: string;
  offeredPerS: number;
  windowS: number;
  maxInFlight: number;
  targetLatencyMs: number;
  maxEventLoopDelayMs: number;
  sent: number;
  accepted: number;
  refused: number;
  timedOut: number;
  errors: number;
  errorSamples: string[];
  /** Sends left out because every order made for the case was taken (a refused request gives its order back). */
  notSent: number;
  /** How late the driver sent its latest request against the schedule (ms): its own saturation. */
  maxSendLateMs: number;
  refusal: Latency;
  acceptedLatency: Latency;
  /** Every answer, accepted or refused. */
  answered: Latency;
  answeredWithin1s: number;
  /** Refused answers that carried Retry-After. */
  refusedWithRetryAfter: number;
  /** Accepted refunds REFUNDED in the database once settled (at most 60 s after the window). */
  refunded: number;
  /**
   * Accepted refunds a plugin held for an agent's review (PENDING_REVIEW): taken, not lost. The
   * bench's orders all belong to one customer, so once most of them are refunded crm-risk scores
   * that customer's refund rate high and holds the next ones.
   */
  heldForReview: number;
  lost: number;
  /** Refunds the window added to the database: equal to `accepted` when no refused request left one behind. */
  storedRefunds: number;
  /** Server side, from the database: the refund's creation → its REFUNDED transition. */
  settle: Latency;
}

interface Answer {
  kind: "accepted" | "refused" | "timedOut" | "error";
  ms: number;
  refundId?: string;
  detail?: string;
}

export async function overloadCase(options: { capacityPerS?: number; capacityFrom?: string; factor: number; windowS: number; log: (message: string) => void }): Promise<OverloadResult> {
  // "" leaves the server's own default (src/config.ts): the limits as shipped.
  const server: Server = await startServer("postgres", "default", { MAX_IN_FLIGHT: "", TARGET_LATENCY_MS: "", MAX_EVENT_LOOP_DELAY_MS: "" });
  options.log(`overload: server ${server.pid} at ${server.url}`);
  const db = new pg.Pool({ connectionString: server.databaseUrl, max: 2 });
  try {
    const shop = await createShop(server);
    let capacityPerS = options.capacityPerS;
    let capacityFrom = options.capacityFrom ?? "";
    if (capacityPerS === undefined) {
      const sockets = await Promise.all(Array.from({ length: CAPACITY_CLIENTS }, () => connectWs(shop.url, shop.tokens.agent)));
      try {
        const orders = await createOrders(shop, CAPACITY_CLIENTS * CAPACITY_S * 10, "NOT_SHIPPED");
        capacityPerS = (await closedLoop(server, shop, sockets, orders, CAPACITY_CLIENTS, CAPACITY_S)).seenPerS;
        capacityFrom = `closed loop of ${CAPACITY_CLIENTS} clients for ${CAPACITY_S} s on this server`;
      } finally {
        await Promise.all(sockets.map((socket) => socket.dispose()));
      }
    }
    if (!(capacityPerS > 0)) throw new Error(`no capacity to overload (${capacityPerS}/s)`);
    const offeredPerS = round(capacityPerS * options.factor);
    const total = Math.round(offeredPerS * options.windowS);
    // A refused request gives its order back, so orders for twice the capacity are plenty.
    const orders = await createOrders(shop, Math.min(total, Math.ceil(2 * capacityPerS * options.windowS) + 50), "NOT_SHIPPED");
    const shopRowId = rowId(shop.shopId, "Shop");
    const refundsBefore = await countRefunds(db, shopRowId);

    const answers: Answer[] = [];
    const pending: Array<Promise<void>> = [];
    let notSent = 0;
    let maxSendLateMs = 0;
    let refusedWithRetryAfter = 0;
    const intervalMs = 1000 / offeredPerS;
    const start = performance.now();
    for (let i = 0; i < total; i += 1) {
      const due = start + i * intervalMs;
      await sleep(Math.max(0, due - performance.now()));
      maxSendLateMs = Math.max(maxSendLateMs, performance.now() - due);
      const orderId = orders.pop();
      if (!orderId) {
        notSent += 1;
        continue;
      }
      pending.push(
        send(shop.url, shop.tokens.agent, orderId).then((answer) => {
          answers.push(answer);
          if (answer.kind === "refused") {
            orders.push(orderId);
            if (answer.detail === "retry-after") refusedWithRetryAfter += 1;
          }
        }),
      );
    }
    await Promise.all(pending);
    options.log(`overload: ${answers.length} answers in ${round((performance.now() - start) / 1000)} s; waiting for the accepted refunds to settle`);

    const acceptedIds = answers.flatMap((answer) => (answer.refundId ? [rowId(answer.refundId, "Refund")] : []));
    let refunded = 0;
    let heldForReview = 0;
    for (const deadline = performance.now() + SETTLE_TIMEOUT_MS; ; await sleep(500)) {
      const statuses = (
        await db.query<{ status: string; n: string }>(`SELECT status::text AS status, count(*) AS n FROM "Refund" WHERE id = ANY($1::text[]) GROUP BY status`, [acceptedIds])
      ).rows;
      const count = (status: string) => Number(statuses.find((row) => row.status === status)?.n ?? 0);
      refunded = count("REFUNDED");
      heldForReview = count("PENDING_REVIEW");
      if (refunded + heldForReview === acceptedIds.length || performance.now() > deadline) break;
    }
    const settle = (
      await db.query<{ ms: number }>(
        `SELECT EXTRACT(EPOCH FROM (t."createdAt" - r."createdAt")) * 1000 AS ms FROM "Refund" r JOIN "RefundTransition" t ON t."refundId" = r.id AND t."toStatus" = 'REFUNDED' WHERE r.id = ANY($1::text[])`,
        [acceptedIds],
      )
    ).rows.map((row) => Number(row.ms));
    const of = (kind: Answer["kind"]) => answers.filter((answer) => answer.kind === kind);
    const answeredMs = answers.filter((answer) => answer.kind === "accepted" || answer.kind === "refused").map((answer) => answer.ms);
    return {
      capacityPerS,
      capacityFrom,
      offeredPerS,
      windowS: options.windowS,
      maxInFlight: DEFAULT_OVERLOAD.maxInFlight,
      targetLatencyMs: DEFAULT_OVERLOAD.targetLatencyMs,
      maxEventLoopDelayMs: DEFAULT_OVERLOAD.maxEventLoopDelayMs,
      sent: answers.length,
      accepted: acceptedIds.length,
      refused: of("refused").length,
      timedOut: of("timedOut").length,
      errors: of("error").length,
      errorSamples: [...new Set(of("error").map((answer) => answer.detail!))].slice(0, 5),
      notSent,
      maxSendLateMs: round(maxSendLateMs),
      refusal: latency(of("refused").map((answer) => answer.ms)),
      acceptedLatency: latency(of("accepted").map((answer) => answer.ms)),
      answered: latency(answeredMs),
      answeredWithin1s: answeredMs.filter((ms) => ms < 1000).length,
      refusedWithRetryAfter,
      refunded,
      heldForReview,
      lost: acceptedIds.length - refunded - heldForReview,
      storedRefunds: (await countRefunds(db, shopRowId)) - refundsBefore,
      settle: latency(settle),
    };
  } finally {
    await db.end();
    await server.stop();
  }
}

/** The database row id behind one of the API's Relay ids. */
function rowId(id: string, typename: string): string {
  const row = globalId.parse(id, typename);
  if (!row) throw new Error(`not a ${typename} id: ${id}`);
  return row;
}

async function countRefunds(db: pg.Pool, shopId: string): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM "Refund" WHERE "shopId" = $1`, [shopId])).rows[0]!.n);
}

type RequestRefund = { requestRefund: { refund: { id: string } | null; userErrors: Array<{ code: string }> } };

/** One automatic refund request, sorted by its answer. */
async function send(url: string, token: string, orderId: string): Promise<Answer> {
  const started = performance.now();
  try {
    const answer = await postRaw<RequestRefund>(url, token, REQUEST_REFUND, { o: orderId }, ANSWER_TIMEOUT_MS);
    const refund = answer.json?.data?.requestRefund?.refund;
    if (answer.status === 200 && refund) return { kind: "accepted", ms: answer.ms, refundId: refund.id };
    const code = answer.json?.errors?.[0]?.extensions?.code;
    if (answer.status === 503 && code === "SERVICE_OVERLOADED") return { kind: "refused", ms: answer.ms, detail: answer.retryAfter ? "retry-after" : undefined };
    return { kind: "error", ms: answer.ms, detail: `HTTP ${answer.status} ${code ?? JSON.stringify(answer.json?.errors ?? answer.json?.data?.requestRefund?.userErrors).slice(0, 200)}` };
  } catch (error) {
    if (error instanceof NoAnswerError) return { kind: "timedOut", ms: performance.now() - started };
    return { kind: "error", ms: performance.now() - started, detail: error instanceof Error ? error.message : String(error) };
  }
}
