// WEB_CONCURRENCY=2: one `npm start` runs two server processes on one port (node:cluster). A
// worker that dies is replaced; a customer's subscription is served by one worker and the staff's
// transition by the other, the event crossing through Redis; one SIGTERM to the primary
// drains both. `X-Worker-Id` (on every response and WebSocket upgrade) tells which worker
// answered. Needs TEST_DATABASE_URL and REDIS_URL: the embedded database serves one process only.
import { randomBytes } from "node:crypto";
import { Agent, type IncomingHttpHeaders, request as httpRequest } from "node:http";
import { GraphQLClient } from "graphql-request";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, postgresAvailable } from "../support/databases.js";
import { TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { eventually } from "../support/patience.js";
import { type ServerProcess, startServerProcess, stopServerProcess } from "../support/processes.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, tokenOf } from "../support/server.js";
import { sseSubscribe } from "../support/sse.js";
import { collect } from "../support/subscriptions.js";

const redisUrl = process.env.REDIS_URL;
const STATUS_CHANGED = /* GraphQL */ `
  subscription ($refundId: ID!, $afterVersion: Int) {
    refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) { to version }
  }
`;
type StatusChanged = { refundStatusChanged: { to: string; version: number } };

interface Answer {
  worker: string | undefined;
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request over `agent` (a new connection each time with none), with the worker that answered. */
function send(url: URL, options: { agent?: Agent; method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? "GET", agent: options.agent ?? false, headers: options.headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ worker: response.headers["x-worker-id"] as string | undefined, status: response.statusCode!, headers: response.headers, body }));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(options.body);
  });
}

/** A graphql-ws client that notes which worker answered its WebSocket upgrade. */
function trackedWsClient(url: string, token: string) {
  const seen: { worker?: string } = {};
  class TrackedWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      this.once("upgrade", (response) => (seen.worker = response.headers["x-worker-id"] as string | undefined));
    }
  }
  const client = createClient({ url: url.replace(/^http/, "ws"), webSocketImpl: TrackedWebSocket, connectionParams: { authorization: `Bearer ${token}` }, lazy: true, retryAttempts: 0 });
  return { client, seen };
}

describe.skipIf(!postgresAvailable || !redisUrl)("WEB_CONCURRENCY=2: two cluster workers on one port", () => {
  let database: TestDatabase;
  let server: ServerProcess;
  let shop: TestShop;
  const adminToken = `cluster-admin-${randomBytes(8).toString("hex")}`;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    server = await startServerProcess({ DATABASE_URL: database.options.databaseUrl!, REDIS_URL: redisUrl!, WEB_CONCURRENCY: "2", BOOTSTRAP_ADMIN_TOKEN: adminToken });
    const client = (token?: string) => new GraphQLClient(server.url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    shop = await setupShop({ url: server.url, admin: client(adminToken), client } as TestServer);
  });

  afterAll(async () => {
    if (server) await stopServerProcess(server, "SIGKILL"); // gone already, unless the test failed
    await database?.drop();
  });

  it("replaces a dead worker, serves a refund's subscription from one worker and its transition from the other, and drains both on SIGTERM", async () => {
    expect(server.output().match(/Applying migrations …/g)).toHaveLength(1); // in the primary, before forking
    const ready = new URL("/ready", server.url);

    // Worker 1 dies: a third takes its place, and the port stays served.
    const pid = Number(/Server process 1 \(pid (\d+)\) listening/.exec(server.output())?.[1]);
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, "SIGKILL");
    await eventually(async () => server.output(), (output) => /Server process 3 \(pid \d+\) listening/.test(output));
    await eventually(() => send(ready), (answer) => answer.worker === "3" && answer.status === 200);

    const { customer, refundId } = await requestShippedRefund(shop, "c-cluster");
    // The customer's phone on graphql-ws, from the refund's version 2 on.
    const phone = trackedWsClient(server.url, tokenOf(customer.client));
    const status = collect<StatusChanged>(phone.client, STATUS_CHANGED, { refundId, afterVersion: 2 });
    const subscribedAt = await eventually(async () => phone.seen.worker, (worker) => worker !== undefined);
    // Its worker's /ready says the stream runs (new connections land on the workers in turn).
    await eventually(
      () => send(ready),
      (answer) => answer.worker === subscribedAt && (JSON.parse(answer.body) as { liveSubscriptions: number }).liveSubscriptions >= 1,
    );
    // A browser on SSE, on whichever worker.
    const browser = await sseSubscribe<StatusChanged>(server.url, tokenOf(customer.client), STATUS_CHANGED, { refundId, afterVersion: 2 });
    expect(browser.response.headers.get("x-worker-id")).toMatch(/^\d+$/);

    // A keep-alive connection to the other worker, found by asking who answers.
    let agent = new Agent({ keepAlive: true, maxSockets: 1 });
    let other = await send(ready, { agent });
    while (other.worker === subscribedAt) {
      agent.destroy();
      agent = new Agent({ keepAlive: true, maxSockets: 1 });
      other = await send(ready, { agent });
    }
    const approved = await send(new URL(server.url), {
      agent,
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokenOf(shop.staff.AGENT)}` },
      body: JSON.stringify({ query: TRANSITION_REFUND, variables: { input: { refundId, action: "APPROVE" } } }),
    });
    agent.destroy();
    expect(approved.status).toBe(200);
    expect(approved.worker).toMatch(/^\d+$/);
    expect(approved.worker).not.toBe(subscribedAt);
    expect((JSON.parse(approved.body) as { data: TransitionRefundResult }).data.transitionRefund.userErrors).toEqual([]);
    expect((await status.waitFor(1))[0]!.refundStatusChanged).toEqual({ to: "AWAITING_WAREHOUSE", version: 3 });
    expect((await browser.waitFor(1))[0]!.refundStatusChanged).toEqual({ to: "AWAITING_WAREHOUSE", version: 3 });

    // A console on the other worker too, so that each worker has a stream open when the signal comes.
    const agentToken = tokenOf(shop.staff.AGENT);
    let console_ = trackedWsClient(server.url, agentToken);
    let queue = collect<{ refundEvents: { to: string } }>(console_.client, `subscription { refundEvents { to } }`, {});
    while ((await eventually(async () => console_.seen.worker, (worker) => worker !== undefined)) === subscribedAt) {
      queue.unsubscribe();
      await console_.client.dispose();
      console_ = trackedWsClient(server.url, agentToken);
      queue = collect<{ refundEvents: { to: string } }>(console_.client, `subscription { refundEvents { to } }`, {});
    }
    await eventually(
      () => send(ready),
      (answer) => answer.worker === console_.seen.worker && (JSON.parse(answer.body) as { liveSubscriptions: number }).liveSubscriptions >= 1,
    );

    // One SIGTERM to the primary: both workers complete their streams and exit, then the primary exits 0.
    const exit = await stopServerProcess(server, "SIGTERM");
    expect(exit, server.output()).toEqual({ code: 0, signal: null });
    expect(server.output().match(/SIGTERM: finishing open requests and subscriptions/g)).toHaveLength(3); // the primary and both workers
    await Promise.all([status.ended, queue.ended]);
    expect(status.errors).toEqual([]);
    expect(queue.errors).toEqual([]);
    expect(await browser.ended).toEqual({ completed: true, error: null });
    await Promise.all([phone.client.dispose(), console_.client.dispose()]);
  });
});

describe("WEB_CONCURRENCY above 1 without what the processes share", () => {
  it("is refused at start, with the reason", async () => {
    const noRedis = startServerProcess({ WEB_CONCURRENCY: "2", DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none", REDIS_URL: "" });
    await expect(noRedis).rejects.toThrow(/WEB_CONCURRENCY=2 needs REDIS_URL/);
    const noDatabase = startServerProcess({ WEB_CONCURRENCY: "2", DATABASE_URL: "", REDIS_URL: "redis://127.0.0.1:1" });
    await expect(noDatabase).rejects.toThrow(/WEB_CONCURRENCY=2 needs DATABASE_URL: the embedded database \(PGlite\) can be opened by one process only/);
  });
});
