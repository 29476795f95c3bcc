// Live refund status over graphql-ws, as a mobile client sees it, including reconnects.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, tokenOf, requestShippedRefund } from "../support/server.js";
import { collect, untilStreaming, wsClient } from "../support/subscriptions.js";

const STATUS_CHANGED = /* GraphQL */ `
  subscription ($refundId: ID!, $afterVersion: Int) {
    refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) {
      from to action version actor { kind role } refund { id status version }
    }
  }
`;
const REFUND_EVENTS = /* GraphQL */ `
  subscription ($filter: RefundEventFilter) { refundEvents(filter: $filter) { to action version refund { id } } }
`;

type StatusChanged = { refundStatusChanged: { from: string | null; to: string; action: string; version: number; refund: { id: string; status: string; version: number } } };

describe.each(backends)("subscriptions on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  async function act(client: TestShop["staff"]["AGENT"], refundId: string, action: string) {
    const result = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action } });
    expect(result.transitionRefund.userErrors).toEqual([]);
  }

  it("shows a customer its refund moving from REQUESTED to REFUNDED, in order", async () => {
    const { customer, refundId } = await requestShippedRefund(shop, "c-live");
    const ws = wsClient(server.url, tokenOf(customer.client));
    const stream = collect<StatusChanged>(ws, STATUS_CHANGED, { refundId, afterVersion: 0 });
    await stream.waitFor(2); // REQUEST and CLASSIFY, replayed from the history
    await act(shop.staff.AGENT, refundId, "APPROVE");
    await act(shop.staff.WAREHOUSE, refundId, "CONFIRM_NOT_RECEIVED");
    await act(shop.staff.FINANCE, refundId, "FINANCE_APPROVE");
    const events = await stream.waitFor(6);
    expect(events.map((e) => [e.refundStatusChanged.to, e.refundStatusChanged.version])).toEqual([
      ["REQUESTED", 1],
      ["PENDING_REVIEW", 2],
      ["AWAITING_WAREHOUSE", 3],
      ["PENDING_FINANCE", 4],
      ["REFUNDING", 5],
      ["REFUNDED", 6],
    ]);
    // Fresh data per event: the refund read with the last event is already REFUNDED.
    expect(events[5]!.refundStatusChanged.refund).toMatchObject({ status: "REFUNDED", version: 6 });
    stream.unsubscribe();
    await ws.dispose();
  });

  it("refuses a customer subscribing to someone else's refund", async () => {
    const { refundId } = await requestShippedRefund(shop, "c-owner");
    const stranger = await shop.customer("c-stranger");
    const ws = wsClient(server.url, tokenOf(stranger.client));
    const stream = collect<StatusChanged>(ws, STATUS_CHANGED, { refundId });
    await stream.ended;
    expect(stream.events).toEqual([]);
    expect(JSON.stringify(stream.errors)).toContain("No such refund");
    await ws.dispose();
  });

  it("replays exactly the missed transitions after a reconnect with afterVersion, then continues live", async () => {
    const { customer, refundId } = await requestShippedRefund(shop, "c-reconnect");
    const first = wsClient(server.url, tokenOf(customer.client));
    const before = collect<StatusChanged>(first, STATUS_CHANGED, { refundId, afterVersion: 2 });
    await act(shop.staff.AGENT, refundId, "APPROVE");
    const [seen] = await before.waitFor(1);
    expect(seen!.refundStatusChanged.version).toBe(3);
    before.unsubscribe();
    await first.dispose(); // the phone goes through a tunnel

    await act(shop.staff.WAREHOUSE, refundId, "CONFIRM_NOT_RECEIVED");
    await act(shop.staff.FINANCE, refundId, "FINANCE_APPROVE");

    const second = wsClient(server.url, tokenOf(customer.client));
    const after = collect<StatusChanged>(second, STATUS_CHANGED, { refundId, afterVersion: 3 });
    const events = await after.waitFor(3);
    expect(events.map((e) => e.refundStatusChanged.version)).toEqual([4, 5, 6]);
    expect(events.map((e) => e.refundStatusChanged.to)).toEqual(["PENDING_FINANCE", "REFUNDING", "REFUNDED"]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(after.events).toHaveLength(3);
    after.unsubscribe();
    await second.dispose();
  });

  it("streams the shop's transitions to staff and refuses customers", async () => {
    const agentWs = wsClient(server.url, tokenOf(shop.staff.AGENT));
    const queue = collect<{ refundEvents: { to: string; refund: { id: string } } }>(agentWs, REFUND_EVENTS, { filter: { statuses: ["PENDING_REVIEW"] } });
    await untilStreaming(() => server.app.liveSubscriptions(`Bearer ${tokenOf(shop.staff.AGENT)}`), 1);
    const { customer, refundId } = await requestShippedRefund(shop, "c-queue");
    const [event] = await queue.waitFor(1);
    expect(event!.refundEvents).toEqual({ to: "PENDING_REVIEW", action: "CLASSIFY", version: 2, refund: { id: refundId } });

    const customerWs = wsClient(server.url, tokenOf(customer.client));
    const refused = collect(customerWs, REFUND_EVENTS, {});
    await refused.ended;
    expect(JSON.stringify(refused.errors)).toContain("for shop staff");
    queue.unsubscribe();
    await Promise.all([agentWs.dispose(), customerWs.dispose()]);
  });
});
