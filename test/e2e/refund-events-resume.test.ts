// refundEvents resumed with `after`, as a staff console does after a reconnect: over graphql-ws
// and over SSE, the transitions made while it was away come first, then live ones, each once.
// Cursors of another shop, garbage and cursors never given out are refused with stable codes.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RefundAction } from "../../src/domain/refund-machine.js";
import { insertNumberedTransitions } from "../../src/services/transition-sequence.js";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer, tokenOf } from "../support/server.js";
import { sseSubscribe } from "../support/sse.js";
import { collect, wsClient } from "../support/subscriptions.js";

const EVENTS = /* GraphQL */ `
  subscription ($after: String) { refundEvents(after: $after) { id streamCursor action version refund { id } } }
`;
const HISTORY = /* GraphQL */ `query ($id: ID!) { refund(id: $id) { transitions { id streamCursor action } } }`;

type Event = { id: string; streamCursor: string; action: string; version: number; refund: { id: string } };

/** One console connection, whatever carries it. */
interface Console {
  waitFor(count: number): Promise<Event[]>;
  events(): Event[];
  /** The error codes it was answered with, once it ended. */
  refusal(): Promise<string[]>;
  close(): Promise<void>;
}

const transports: Record<string, (server: TestServer, token: string, after: string | null) => Promise<Console>> = {
  "graphql-ws": async (server, token, after) => {
    const ws = wsClient(server.url, token);
    const stream = collect<{ refundEvents: Event }>(ws, EVENTS, { after });
    return {
      waitFor: async (count) => (await stream.waitFor(count)).map((event) => event.refundEvents),
      events: () => stream.events.map((event) => event.refundEvents),
      async refusal() {
        await stream.ended;
        return (stream.errors as Array<{ extensions?: { code?: string } }>).map((error) => error.extensions?.code ?? JSON.stringify(error));
      },
      async close() {
        stream.unsubscribe();
        await ws.dispose();
      },
    };
  },
  SSE: async (server, token, after) => {
    const stream = await sseSubscribe<{ refundEvents: Event }>(server.url, token, EVENTS, { after });
    return {
      waitFor: async (count) => (await stream.waitFor(count)).map((event) => event.refundEvents),
      events: () => stream.results.flatMap((result) => (result.data ? [result.data.refundEvents] : [])),
      async refusal() {
        expect(await stream.ended).toEqual({ completed: true, error: null });
        return stream.results.flatMap((result) => result.errors ?? []).map((error) => String(error.extensions?.code));
      },
      async close() {
        stream.abort();
        await stream.ended;
      },
    };
  },
};

describe.each(backends)("refundEvents resumed with a cursor on %s", (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server?.stop());

  async function act(shop: TestShop, role: "AGENT" | "WAREHOUSE", refundId: string, action: string) {
    const result = await shop.staff[role].request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action } });
    expect(result.transitionRefund.userErrors).toEqual([]);
  }
  async function history(shop: TestShop, refundId: string) {
    return (await shop.staff.AGENT.request<{ refund: { transitions: Array<{ id: string; streamCursor: string; action: string }> } }>(HISTORY, { id: refundId })).refund.transitions;
  }
  /** The shop's stored transitions in stream order, as global ids. */
  async function stored(shop: TestShop) {
    const rows = await server.app.db.prisma.refundTransition.findMany({ where: { shopId: rawId(shop.shopId) }, orderBy: { sequence: "asc" }, select: { id: true, sequence: true } });
    return rows;
  }

  describe.each(Object.keys(transports))("over %s", (transport) => {
    const open = transports[transport]!;

    it("replays what was committed while the console was away, then continues live, nothing missed or twice", async () => {
      const shop = await setupShop(server);
      const agent = tokenOf(shop.staff.AGENT);
      const first = await requestShippedRefund(shop, "c-resume-1");
      const [request] = await history(shop, first.refundId);

      const before = await open(server, agent, request!.streamCursor);
      expect((await before.waitFor(1)).map((event) => event.action)).toEqual(["CLASSIFY"]); // replayed
      const approved = await shop.staff.AGENT.request<{ transitionRefund: { transition: { streamCursor: string } } }>(
        `mutation ($input: TransitionRefundInput!) { transitionRefund(input: $input) { transition { streamCursor } userErrors { code } } }`,
        { input: { refundId: first.refundId, action: "APPROVE" } },
      );
      const seen = await before.waitFor(2);
      expect(seen[1]!.streamCursor).toBe(approved.transitionRefund.transition.streamCursor); // the mutation's answer carries it too
      await before.close(); // the console loses its connection

      await act(shop, "WAREHOUSE", first.refundId, "CONFIRM_NOT_RECEIVED");
      const second = await requestShippedRefund(shop, "c-resume-2");

      const after = await open(server, agent, seen.at(-1)!.streamCursor);
      const missed = await after.waitFor(3);
      expect(missed.map((event) => [event.refund.id, event.action])).toEqual([
        [first.refundId, "CONFIRM_NOT_RECEIVED"],
        [second.refundId, "REQUEST"],
        [second.refundId, "CLASSIFY"],
      ]);
      await act(shop, "AGENT", second.refundId, "APPROVE");
      const third = await requestShippedRefund(shop, "c-resume-3"); // two more: the last one proves nothing came in between
      await after.waitFor(6);
      await after.close();

      const all = [...seen, ...after.events()];
      expect(all.map((event) => [event.refund.id, event.action])).toEqual([
        [first.refundId, "CLASSIFY"],
        [first.refundId, "APPROVE"],
        [first.refundId, "CONFIRM_NOT_RECEIVED"],
        [second.refundId, "REQUEST"],
        [second.refundId, "CLASSIFY"],
        [second.refundId, "APPROVE"],
        [third.refundId, "REQUEST"],
        [third.refundId, "CLASSIFY"],
      ]);
      // Exactly the shop's stream after the first cursor, in the stored order.
      expect(all.map((event) => rawId(event.id))).toEqual((await stored(shop)).slice(1).map((row) => row.id));
      // The cursor a query shows is the one the stream gave.
      expect((await history(shop, first.refundId)).map((t) => t.streamCursor)).toEqual([request!.streamCursor, ...all.slice(0, 3).map((event) => event.streamCursor)]);
    });

    it("gives concurrent commits one order with no gap: a console sees each exactly once", async () => {
      const shop = await setupShop(server);
      const agent = tokenOf(shop.staff.AGENT);
      const start = await requestShippedRefund(shop, "c-race-0");
      const [, classify] = await history(shop, start.refundId);
      const live = await open(server, agent, classify!.streamCursor);
      await Promise.all(Array.from({ length: 8 }, (_, index) => requestShippedRefund(shop, `c-race-${index + 1}`)));
      const events = await live.waitFor(16);
      const marker = await requestShippedRefund(shop, "c-race-last");
      await live.waitFor(18);
      await live.close();

      const rows = await stored(shop);
      expect(rows.map((row) => row.sequence)).toEqual(rows.map((_, index) => index + 1));
      expect(live.events().map((event) => rawId(event.id))).toEqual(rows.slice(2).map((row) => row.id));
      expect(live.events().slice(16).map((event) => event.refund.id)).toEqual([marker.refundId, marker.refundId]);
      expect(new Set(events.map((event) => event.streamCursor)).size).toBe(16);
    });

    it("refuses another shop's cursor, garbage, and a cursor never given out, each with its code", async () => {
      const shop = await setupShop(server);
      const other = await setupShop(server);
      const agent = tokenOf(shop.staff.AGENT);
      const theirs = await requestShippedRefund(other, "c-theirs");
      const [theirCursor] = await history(other, theirs.refundId);
      const ours = await requestShippedRefund(shop, "c-ours");
      const [ourCursor] = await history(shop, ours.refundId);
      const beyond = Buffer.from(`${rawId(shop.shopId)}:99`).toString("base64url");
      expect(Buffer.from(ourCursor!.streamCursor, "base64url").toString()).toBe(`${rawId(shop.shopId)}:1`); // the forgery is well made

      for (const [cursor, code] of [
        [theirCursor!.streamCursor, "CURSOR_OF_ANOTHER_SHOP"],
        ["not a cursor!", "INVALID_CURSOR"],
        [Buffer.from("anything:1").toString("base64url"), "INVALID_CURSOR"],
        [beyond, "INVALID_CURSOR"],
      ] as const) {
        const refused = await open(server, agent, cursor);
        expect(await refused.refusal(), cursor).toEqual([code]);
        expect(refused.events()).toEqual([]);
        await refused.close();
      }
    });
  });

  it("answers a transition's key taken twice as Prisma's own insert did (P2002, which callers retry on), and gives the numbers back", async () => {
    const shop = await setupShop(server);
    const first = await requestShippedRefund(shop, "c-key-1");
    const second = await requestShippedRefund(shop, "c-key-2");
    const approve = (refundId: string) =>
      shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE", idempotencyKey: "console-click-1" } });
    expect((await approve(first.refundId)).transitionRefund.userErrors).toEqual([]);
    const { prisma } = server.app.db;
    const taken = await prisma.refundTransition.findFirstOrThrow({ where: { shopId: rawId(shop.shopId), idempotencyKey: "console-click-1" } });
    const counter = async () => (await prisma.shop.findUniqueOrThrow({ where: { id: rawId(shop.shopId) } })).transitionSequence;
    const before = await counter();
    // The second refund's APPROVE with the first one's key, as a race would leave it at the unit's end.
    const racing = { ...taken, id: randomUUID(), refundId: rawId(second.refundId), action: taken.action as RefundAction };
    await expect(prisma.$transaction((tx) => insertNumberedTransitions(tx, [racing]))).rejects.toMatchObject({ code: "P2002" });
    expect(await counter()).toBe(before);
    expect((await approve(second.refundId)).transitionRefund.userErrors.map((error) => error.code)).toEqual(["IDEMPOTENCY_KEY_REUSED"]);
  });
});
