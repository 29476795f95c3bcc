// Redis restarted under open streams: events published while a process was cut off never reach
// it, so once its subscription connection is back it completes the streams it had, and the
// consoles and phones resume from their cursor or version. A Redis of the test's own (the
// machine's shared one must never be restarted), as the soak does (bench/soak/redis.ts).
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PrivateRedis, startPrivateRedis } from "../../bench/soak/redis.js";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";
import { collect, wsClient } from "../support/subscriptions.js";

const EVENTS = /* GraphQL */ `subscription ($after: String) { refundEvents(after: $after) { action streamCursor refund { id } } }`;
type Event = { refundEvents: { action: string; streamCursor: string; refund: { id: string } } };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(backends)("a Redis restart under open streams on %s", (kind) => {
  let redis: PrivateRedis;
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    redis = await startPrivateRedis(await freePort());
    server = await startTestServer(kind, { redisUrl: redis.url });
    shop = await setupShop(server);
  });
  afterAll(async () => {
    await server?.stop();
    redis?.remove();
  });

  it("completes the open streams once Redis is back; resumed from the last cursor, a console misses nothing", async () => {
    const { refundId } = await requestShippedRefund(shop, "c-redis");
    const ws = wsClient(server.url, tokenOf(shop.staff.AGENT));
    try {
      const request = await server.app.db.prisma.refundTransition.findFirstOrThrow({ where: { refundId: rawId(refundId), version: 1 }, select: { shopId: true, sequence: true } });
      const live = collect<Event>(ws, EVENTS, { after: Buffer.from(`${request.shopId}:${request.sequence}`).toString("base64url") });
      const [classify] = await live.waitFor(1);
      expect(classify!.refundEvents).toMatchObject({ action: "CLASSIFY", refund: { id: refundId } });

      await redis.stop();
      // Made while the process is cut off from Redis: its event may never reach the stream.
      const approving = shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } });
      await redis.start();
      expect((await approving).transitionRefund.userErrors).toEqual([]);
      await live.ended; // completed once the subscription connection was back
      expect(live.errors).toEqual([]);

      const resumed = collect<Event>(ws, EVENTS, { after: live.events.at(-1)!.refundEvents.streamCursor });
      const warehouse = await shop.staff.WAREHOUSE.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "CONFIRM_NOT_RECEIVED" } });
      expect(warehouse.transitionRefund.userErrors).toEqual([]);
      await resumed.waitFor(3 - live.events.length);
      expect([...live.events, ...resumed.events].map((event) => event.refundEvents.action)).toEqual(["CLASSIFY", "APPROVE", "CONFIRM_NOT_RECEIVED"]);
      resumed.unsubscribe();
    } finally {
      await ws.dispose();
    }
  });
});
