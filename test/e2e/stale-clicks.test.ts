// Stale clicks as README.md, docs/api-tour.md and docs/state-machine.md describe them: a click
// with an expectedVersion the refund has moved past answers VERSION_CONFLICT while the refund is
// open, and REFUND_TERMINAL once the first click ended it; neither changes anything.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { GET_REFUND, type RefundView, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer } from "../support/server.js";

describe.each(backends)("stale clicks on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const read = async (refundId: string) => (await shop.staff.AGENT.request<{ refund: RefundView }>(GET_REFUND, { id: refundId })).refund;

  it("answers VERSION_CONFLICT to a second click that finds the refund still open", async () => {
    const { refundId } = await requestShippedRefund(shop, "stale-open");
    const seen = await read(refundId);
    const input = { refundId, action: "APPROVE", expectedVersion: seen.version };
    const first = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input });
    expect(first.transitionRefund.userErrors).toEqual([]);
    expect(first.transitionRefund.refund!.status).toBe("AWAITING_WAREHOUSE");

    const second = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input });
    expect(second.transitionRefund.userErrors.map((error) => [error.code, error.field])).toEqual([["VERSION_CONFLICT", ["input", "expectedVersion"]]]);
    expect((await read(refundId)).version).toBe(seen.version + 1);
  });

  it("answers REFUND_TERMINAL to a second click that finds the refund ended by the first", async () => {
    const { refundId } = await requestShippedRefund(shop, "stale-ended");
    const seen = await read(refundId);
    const input = { refundId, action: "REJECT", note: "The parcel was delivered and signed for.", expectedVersion: seen.version };
    const first = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input });
    expect(first.transitionRefund.userErrors).toEqual([]);
    expect(first.transitionRefund.refund!.status).toBe("REJECTED");

    const second = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input });
    expect(second.transitionRefund.userErrors.map((error) => [error.code, error.field])).toEqual([["REFUND_TERMINAL", ["input", "action"]]]);
    const after = await read(refundId);
    expect({ status: after.status, version: after.version }).toEqual({ status: "REJECTED", version: seen.version + 1 });
  });
});
