// Live refund status over yoga's server-sent events on /graphql: for web clients that would
// rather not open a WebSocket. The token travels in the Authorization header.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, tokenOf, requestShippedRefund } from "../support/server.js";
import { sseSubscribe } from "../support/sse.js";

const STATUS_CHANGED = /* GraphQL */ `
  subscription ($refundId: ID!, $afterVersion: Int) {
    refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) { from to action version refund { id status } }
  }
`;

type StatusChanged = { refundStatusChanged: { from: string | null; to: string; action: string; version: number; refund: { id: string; status: string } } };

describe.each(backends)("subscriptions over SSE on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  it("streams a customer's refund: the history after afterVersion, then live transitions", async () => {
    const { customer, refundId } = await requestShippedRefund(shop, "c-sse");
    const stream = await sseSubscribe<StatusChanged>(server.url, tokenOf(customer.client), STATUS_CHANGED, { refundId, afterVersion: 0 });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await stream.waitFor(2); // REQUEST and CLASSIFY, replayed

    const approved = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } });
    expect(approved.transitionRefund.userErrors).toEqual([]);
    const events = await stream.waitFor(3);
    expect(events.map(({ refundStatusChanged: e }) => [e.from, e.to, e.version])).toEqual([
      [null, "REQUESTED", 1],
      ["REQUESTED", "PENDING_REVIEW", 2],
      ["PENDING_REVIEW", "AWAITING_WAREHOUSE", 3],
    ]);
    expect(events[2]!.refundStatusChanged.refund).toEqual({ id: refundId, status: "AWAITING_WAREHOUSE" });
    expect(stream.messages.every((message) => message.event === "next")).toBe(true);

    stream.abort();
    await stream.ended;
  });

  it("refuses another customer's refund with NOT_FOUND, exactly like a refund that does not exist, and ends the stream", async () => {
    const { refundId } = await requestShippedRefund(shop, "c-sse-owner");
    const stranger = await shop.customer("c-sse-stranger");

    const refused = await sseSubscribe<StatusChanged>(server.url, tokenOf(stranger.client), STATUS_CHANGED, { refundId });
    // The stream ends by itself: one result carrying the error, then `complete`.
    expect(await refused.ended).toEqual({ completed: true, error: null });
    expect(refused.messages.map((message) => message.event)).toEqual(["next", "complete"]);
    expect(refused.results).toEqual([
      {
        errors: [expect.objectContaining({ message: "No such refund", path: ["refundStatusChanged"], extensions: { code: "NOT_FOUND" } })],
        extensions: { cost: expect.any(Object) }, // what the attempt cost (docs/limits.md)
      },
    ]);

    // A refund that does not exist answers the same: the stranger learns nothing.
    const missingId = Buffer.from("Refund:00000000-0000-0000-0000-000000000000").toString("base64");
    const missing = await sseSubscribe<StatusChanged>(server.url, tokenOf(stranger.client), STATUS_CHANGED, { refundId: missingId });
    await missing.ended;
    expect(missing.results.map((result) => result.errors)).toEqual(refused.results.map((result) => result.errors));
  });

  it("refuses a subscription without a token, saying how to send one", async () => {
    const { refundId } = await requestShippedRefund(shop, "c-sse-anonymous");
    const anonymous = await sseSubscribe<StatusChanged>(server.url, undefined, STATUS_CHANGED, { refundId });
    expect(await anonymous.ended).toEqual({ completed: true, error: null });
    expect(anonymous.results).toEqual([
      {
        errors: [expect.objectContaining({ message: expect.stringContaining("Authorization: Bearer"), extensions: { code: "UNAUTHENTICATED" } })],
        extensions: { cost: expect.any(Object) },
      },
    ]);
  });
});
