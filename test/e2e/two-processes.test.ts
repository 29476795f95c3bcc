// Two server processes sharing PostgreSQL and Redis: a transition made through one reaches a
// subscriber connected to the other. Needs TEST_DATABASE_URL and REDIS_URL (.ci/run sets both).
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type ProcessPair, startProcessPair } from "../support/processes.js";
import { type TestShop, tokenOf } from "../support/server.js";
import { collect, streamingAt, untilStreaming, wsClient } from "../support/subscriptions.js";

const redisUrl = process.env.REDIS_URL;

describe.skipIf(!postgresAvailable || !redisUrl)("two server processes sharing PostgreSQL and Redis", () => {
  let pair: ProcessPair;
  let processes: ProcessPair["processes"];
  let shop: TestShop;

  beforeAll(async () => {
    pair = await startProcessPair(redisUrl!, `two-process-admin-${randomBytes(8).toString("hex")}`);
    ({ processes, shop } = pair);
  });

  afterAll(() => pair?.stop());

  it("delivers a transition made on one process to a subscriber on the other", async () => {
    const customer = await shop.customer("c-cross");
    const orderId = await shop.order("c-cross", { paidAmount: 12900, shippingStatus: "SHIPPED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" },
    });
    const refundId = requested.requestRefund.refund!.id;

    // The customer's phone is connected to the second process, from version 2 on.
    const token = tokenOf(customer.client);
    const ws = wsClient(processes[1]!.url, token);
    const stream = collect<{ refundStatusChanged: { to: string; version: number } }>(
      ws,
      `subscription ($id: ID!) { refundStatusChanged(refundId: $id, afterVersion: 2) { to version } }`,
      { id: refundId },
    );
    await untilStreaming(() => streamingAt(processes[1]!.url), 1);
    const approved = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } });
    expect(approved.transitionRefund.userErrors).toEqual([]);
    const [event] = await stream.waitFor(1);
    expect(event!.refundStatusChanged).toEqual({ to: "AWAITING_WAREHOUSE", version: 3 });

    // And a console on the second process sees the queue move when the first one acts.
    const agentToken = tokenOf(shop.staff.AGENT);
    const consoleWs = wsClient(processes[1]!.url, agentToken);
    const queue = collect<{ refundEvents: { to: string } }>(consoleWs, `subscription { refundEvents { to } }`, {});
    await untilStreaming(() => streamingAt(processes[1]!.url), 2);
    const confirmed = await shop.staff.WAREHOUSE.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "CONFIRM_NOT_RECEIVED" } });
    expect(confirmed.transitionRefund.userErrors).toEqual([]);
    expect((await queue.waitFor(1))[0]!.refundEvents.to).toBe("PENDING_FINANCE");

    stream.unsubscribe();
    queue.unsubscribe();
    await Promise.all([ws.dispose(), consoleWs.dispose()]);
  });
});
