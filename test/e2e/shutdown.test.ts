// Graceful shutdown of a real server process, as an orchestrator does it: SIGTERM while phones
// and consoles are subscribed. Every subscription must end with a `complete` (graphql-ws) or
// `event: complete` (SSE), never a broken socket, and the process must exit 0 promptly.
import { randomBytes } from "node:crypto";
import { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, createTestDatabase, type TestDatabase } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { PATIENCE_MS } from "../support/patience.js";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../support/processes.js";
import { type TestServer, setupShop, tokenOf } from "../support/server.js";
import { sseSubscribe } from "../support/sse.js";
import { collect, streamingAt, untilStreaming, wsClient } from "../support/subscriptions.js";

const redisUrl = process.env.REDIS_URL;
const STATUS_CHANGED = /* GraphQL */ `
  subscription ($refundId: ID!, $afterVersion: Int) {
    refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) { to version }
  }
`;
type StatusChanged = { refundStatusChanged: { to: string; version: number } };

/** A graphql-ws error as text: a socket closed under a subscription shows its close code. */
function described(error: unknown): string {
  if (typeof error !== "object" || error === null || !("code" in error)) return JSON.stringify(error);
  return `socket closed: ${String(error.code)} ${String((error as { reason?: unknown }).reason)}`;
}

/** Fails with `what` unless `promise` settles within `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe.each(backends)("SIGTERM on a server process on %s", (kind) => {
  let database: TestDatabase;
  let server: ServerProcess;
  const adminToken = `shutdown-admin-${randomBytes(8).toString("hex")}`;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    server = await startServerProcess({
      ...(kind === "pglite" ? { DATA_DIR: database.options.dataDir! } : { DATABASE_URL: database.options.databaseUrl! }),
      ...(kind === "postgres" && redisUrl && { REDIS_URL: redisUrl }),
      DEMO_DATA: "0",
      BOOTSTRAP_ADMIN_TOKEN: adminToken,
    });
  });

  afterAll(async () => {
    if (server) await stopServerProcess(server, "SIGKILL"); // gone already, unless the test failed
    await database?.drop();
  });

  it("completes every open subscription over graphql-ws and SSE, then exits 0", async () => {
    const client = (token?: string) => new GraphQLClient(server.url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const shop = await setupShop({ url: server.url, admin: client(adminToken), client } as TestServer);
    const customer = await shop.customer("c-shutdown");
    const orderId = await shop.order("c-shutdown", { paidAmount: 9900, shippingStatus: "SHIPPED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" },
    });
    const refundId = requested.requestRefund.refund!.id;

    // A phone on graphql-ws, a console on graphql-ws, a browser on SSE.
    const phone = wsClient(server.url, tokenOf(customer.client));
    const status = collect<StatusChanged>(phone, STATUS_CHANGED, { refundId, afterVersion: 0 });
    const console_ = wsClient(server.url, tokenOf(shop.staff.AGENT));
    const queue = collect<{ refundEvents: { to: string } }>(console_, `subscription { refundEvents { to } }`, {});
    const browser = await sseSubscribe<StatusChanged>(server.url, tokenOf(customer.client), STATUS_CHANGED, { refundId, afterVersion: 0 });
    await Promise.all([status.waitFor(2), browser.waitFor(2)]);
    await untilStreaming(() => streamingAt(server.url), 2); // the phone's and the console's
    // All three are live: one transition reaches each.
    const approved = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } });
    expect(approved.transitionRefund.userErrors).toEqual([]);
    await Promise.all([status.waitFor(3), queue.waitFor(1), browser.waitFor(3)]);

    const exit = await within(stopServerProcess(server, "SIGTERM"), PATIENCE_MS, "the process exiting after SIGTERM");
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain("SIGTERM: finishing open requests and subscriptions");

    // graphql-ws: the subscriptions completed. Closing the socket under them instead ("1001
    // Going away") would reach the client as an error, since these clients do not retry.
    await within(Promise.all([status.ended, queue.ended]), PATIENCE_MS, "graphql-ws subscriptions ending");
    expect(status.errors.map(described)).toEqual([]);
    expect(queue.errors.map(described)).toEqual([]);
    expect(status.events.map((event) => event.refundStatusChanged.version)).toEqual([1, 2, 3]);
    // SSE: the stream said `complete` and the body ended normally, not with a reset.
    expect(await within(browser.ended, PATIENCE_MS, "the SSE stream ending")).toEqual({ completed: true, error: null });
    expect(browser.messages.map((message) => message.event)).toEqual(["next", "next", "next", "complete"]);
    // Promptly: nothing waited for the grace period to run out (the server says so when it does;
    // a duration would depend on how busy the machine is).
    expect(server.output()).not.toContain("grace ran out");

    await Promise.all([phone.dispose(), console_.dispose()]);
  });
});
