// PostgreSQL out of reach for a moment (a restart, a failover): a request answers at once with
// HTTP 503, SERVICE_UNAVAILABLE and Retry-After, not "Unexpected error."; a live subscription
// whose next event cannot be loaded ends after the error, so the client resumes from the last
// version it has instead of going on past a hole. (`npm run soak` found both.) The database
// is reached through a TCP proxy the test can cut, since the shared server must not be stopped.
import { randomBytes } from "node:crypto";
import { GraphQLClient } from "graphql-request";
import { type Server, type Socket, connect, createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { type TestDatabase, createTestDatabase, postgresAvailable } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { TRANSITION_REFUND } from "../support/operations.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, tokenOf } from "../support/server.js";
import { collect, wsClient } from "../support/subscriptions.js";

/** Forwards 127.0.0.1:<port> to the database; `cut()` refuses and drops every connection until `restore()`. */
async function databaseProxy(target: URL) {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const listen = async () => {
    server = createServer((client) => {
      const upstream = connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on("close", () => sockets.delete(socket));
        socket.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  };
  await listen();
  return {
    url(database: string) {
      const url = new URL(database);
      url.hostname = "127.0.0.1";
      url.port = String(port);
      return url.toString();
    },
    async cut() {
      const closed = new Promise((resolve) => server!.close(resolve));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
    async restore() {
      if (!server!.listening) await listen();
    },
  };
}

const REFUND_STATUS = /* GraphQL */ `query ($id: ID!) { refund(id: $id) { status } }`;
const FOLLOW = /* GraphQL */ `subscription ($id: ID!, $after: Int) { refundStatusChanged(refundId: $id, afterVersion: $after) { version to } }`;
const CONSOLE = /* GraphQL */ `subscription ($after: String) { refundEvents(after: $after) { action streamCursor refund { id } } }`;

describe.runIf(postgresAvailable)("PostgreSQL out of reach", () => {
  let database: TestDatabase;
  let proxy: Awaited<ReturnType<typeof databaseProxy>>;
  let app: App;
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    proxy = await databaseProxy(new URL(database.options.databaseUrl!));
    const adminToken = `unavailable-admin-${randomBytes(8).toString("hex")}`;
    app = await createApp({
      databaseUrl: proxy.url(database.options.databaseUrl!),
      poolSize: 4,
      bootstrapAdminToken: adminToken,
      logLevel: "error",
      plugins: [],
      limits: { budget: { max: 1_000_000, refillPerSecond: 1_000_000 } },
      // Requests held up by the outage would lower a limit that follows latency.
      overload: { targetLatencyMs: 0 },
    });
    const url = await app.listen();
    const client = (token?: string) => new GraphQLClient(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    server = { app, url, admin: client(adminToken), client, stop: () => app.close() };
    shop = await setupShop(server);
  });

  afterAll(async () => {
    await proxy?.restore(); // listening again, if a test left it cut
    await app?.close();
    await database?.drop();
  });

  it("answers 503 SERVICE_UNAVAILABLE with Retry-After while the database is out of reach, and serves again after", async () => {
    const { refundId } = await requestShippedRefund(shop, "c-unavailable");
    const ask = () =>
      fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokenOf(shop.staff.AGENT)}` },
        body: JSON.stringify({ query: REFUND_STATUS, variables: { id: refundId } }),
      });
    await proxy.cut();
    try {
      const response = await ask();
      const body = (await response.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("2");
      expect(body.errors[0]!.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryAfterSeconds: 2 });
      expect(body.errors[0]!.extensions).not.toHaveProperty("http");
      expect(body.errors[0]!.message).toMatch(/database cannot be reached.*retry/);
    } finally {
      await proxy.restore();
    }
    const again = await ask();
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ data: { refund: { status: "PENDING_REVIEW" } }, extensions: expect.anything() });
  });

  it("answers /ready with a small JSON body: 503 while the database is out of reach, 200 after", async () => {
    const ready = async () => {
      const response = await fetch(server.url.replace(/\/graphql$/, "/ready"));
      expect(response.headers.get("content-type")).toContain("application/json");
      return { status: response.status, body: await response.json() };
    };
    expect(await ready()).toEqual({ status: 200, body: { database: "postgres", ready: true, liveSubscriptions: 0, inFlight: 0, limit: 32, eventLoopDelayMs: expect.any(Number) } });
    await proxy.cut();
    try {
      expect(await ready()).toEqual({ status: 503, body: { database: "postgres", ready: false, reason: "The database cannot be reached", liveSubscriptions: 0, inFlight: 0, limit: 32, eventLoopDelayMs: expect.any(Number) } });
    } finally {
      await proxy.restore();
    }
    expect(await ready()).toEqual({ status: 200, body: { database: "postgres", ready: true, liveSubscriptions: 0, inFlight: 0, limit: 32, eventLoopDelayMs: expect.any(Number) } });
  });

  it("ends a live subscription whose next event cannot be loaded, and a resubscription from the last version catches up", async () => {
    const { customer, refundId } = await requestShippedRefund(shop, "c-unavailable-live");
    const refundRowId = rawId(refundId);
    const { shopId } = await app.db.prisma.refund.findUniqueOrThrow({ where: { id: refundRowId }, select: { shopId: true } });
    const ws = wsClient(server.url, tokenOf(customer.client));
    try {
      const live = collect<{ refundStatusChanged: { version: number } }>(ws, FOLLOW, { id: refundId, after: 1 });
      expect((await live.waitFor(1)).map((event) => event.refundStatusChanged.version)).toEqual([2]); // caught up, now live

      // Another process's transition arrives (through Redis) while this one cannot reach the database.
      await proxy.cut();
      try {
        app.services.pubsub.publish("refund:transition", shopId, {
          transitionId: randomBytes(8).toString("hex"),
          refundId: refundRowId,
          shopId,
          customerId: "",
          version: 3,
          sequence: 0, // refundStatusChanged goes by the version
          from: "PENDING_REVIEW",
          to: "AWAITING_WAREHOUSE",
          action: "APPROVE",
          actorKind: "USER",
          actorRole: "AGENT",
        });
        await live.ended; // the error, then complete: nothing after the hole
        expect(live.errors).toMatchObject([{ extensions: { code: "SERVICE_UNAVAILABLE" } }]);
      } finally {
        await proxy.restore();
      }

      const approved = await shop.staff.AGENT.request<{ transitionRefund: { transition: { version: number } } }>(TRANSITION_REFUND, {
        input: { refundId, action: "APPROVE" },
      });
      expect(approved.transitionRefund.transition.version).toBe(3);
      const resumed = collect<{ refundStatusChanged: { version: number } }>(ws, FOLLOW, { id: refundId, after: 2 });
      expect((await resumed.waitFor(1)).map((event) => event.refundStatusChanged.version)).toEqual([3]);
      resumed.unsubscribe();
    } finally {
      await ws.dispose();
    }
  });

  it("ends a console's refundEvents at an event it cannot load; resumed from its last cursor, it misses nothing", async () => {
    const { refundId } = await requestShippedRefund(shop, "c-unavailable-console");
    const refundRowId = rawId(refundId);
    const [request] = await app.db.prisma.refundTransition.findMany({ where: { refundId: refundRowId }, orderBy: { version: "asc" }, select: { shopId: true, sequence: true } });
    const ws = wsClient(server.url, tokenOf(shop.staff.AGENT));
    type Console = { refundEvents: { action: string; streamCursor: string; refund: { id: string } } };
    try {
      const cursor = Buffer.from(`${request!.shopId}:${request!.sequence}`).toString("base64url");
      const live = collect<Console>(ws, CONSOLE, { after: cursor });
      const [classify] = await live.waitFor(1); // caught up, now live
      expect(classify!.refundEvents).toMatchObject({ action: "CLASSIFY", refund: { id: refundId } });

      // The shop's next transition, committed by another process, arrives while this one cannot reach the database.
      await proxy.cut();
      try {
        app.services.pubsub.publish("refund:transition", request!.shopId, {
          transitionId: randomBytes(8).toString("hex"),
          refundId: refundRowId,
          shopId: request!.shopId,
          customerId: "",
          version: 3,
          sequence: request!.sequence! + 2,
          from: "PENDING_REVIEW",
          to: "AWAITING_WAREHOUSE",
          action: "APPROVE",
          actorKind: "USER",
          actorRole: "AGENT",
        });
        await live.ended; // the error, then complete: nothing after the hole
        expect(live.errors).toMatchObject([{ extensions: { code: "SERVICE_UNAVAILABLE" } }]);
        expect(live.events).toHaveLength(1);
      } finally {
        await proxy.restore();
      }

      await shop.staff.AGENT.request(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } });
      const resumed = collect<Console>(ws, CONSOLE, { after: classify!.refundEvents.streamCursor });
      expect((await resumed.waitFor(1)).map((event) => [event.refundEvents.refund.id, event.refundEvents.action])).toEqual([[refundId, "APPROVE"]]);
      resumed.unsubscribe();
    } finally {
      await ws.dispose();
    }
  });
});
