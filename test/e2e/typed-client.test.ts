// The generated TypedDocumentNodes used as a console and a mobile app would: graphql-request
// takes the document and infers the variables and the result type from it. The assertions read
// the typed results without casts, so a change of the generated types breaks `npm run typecheck`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgentQueueDocument,
  BatchTransitionRefundsDocument,
  RefundMetricsDocument,
  RequestRefundDocument,
  TransitionRefundDocument,
} from "../../clients/generated/graphql.js";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, setupShop, startTestServer } from "../support/server.js";

describe.each(backends)("typed client documents with graphql-request on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  it("requests a refund as a customer, finds it in the queue and approves it at the version seen", async () => {
    const customer = await shop.customer("c-typed");
    const orderId = await shop.order("c-typed", { paidAmount: 15900, shippingStatus: "SHIPPED" });

    const requested = await customer.client.request(RequestRefundDocument, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
    expect(requested.requestRefund.userErrors).toEqual([]);
    const refund = requested.requestRefund.refund!;
    expect(refund.status).toBe("PENDING_REVIEW");
    expect(refund.requestedAmount.formatted).toBe("¥159.00");

    const queue = await shop.staff.AGENT.request(AgentQueueDocument, { assignedTo: "UNASSIGNED", statuses: ["PENDING_REVIEW"] });
    const queued = queue.refunds.edges.map((edge) => edge.node).find((node) => node.id === refund.id);
    expect(queued).toMatchObject({ status: "PENDING_REVIEW", customer: { name: "Customer c-typed" }, reason: { code: "LOGISTICS" } });
    expect(queued!.availableActions).toContain("APPROVE");

    // Checked by `npm run typecheck`, never sent: the generated variables type knows RefundAction.
    // @ts-expect-error "APROVE" is not a RefundAction
    void (() => shop.staff.AGENT.request(TransitionRefundDocument, { input: { refundId: refund.id, action: "APROVE" } }));

    const stale = await shop.staff.AGENT.request(TransitionRefundDocument, {
      input: { refundId: refund.id, action: "APPROVE", expectedVersion: queued!.version - 1 },
    });
    expect(stale.transitionRefund.userErrors.map((error) => [error.code, error.field])).toEqual([["VERSION_CONFLICT", ["input", "expectedVersion"]]]);

    const approved = await shop.staff.AGENT.request(TransitionRefundDocument, {
      input: { refundId: refund.id, action: "APPROVE", expectedVersion: queued!.version },
    });
    expect(approved.transitionRefund.userErrors).toEqual([]);
    expect(approved.transitionRefund.transition).toMatchObject({ action: "APPROVE", from: "PENDING_REVIEW", version: queued!.version + 1 });
  });

  it("runs a batch and reads the metrics", async () => {
    const customer = await shop.customer("c-batch");
    const refundIds: string[] = [];
    for (let index = 0; index < 2; index += 1) {
      const orderId = await shop.order("c-batch", { paidAmount: 5000, shippingStatus: "SHIPPED" });
      const requested = await customer.client.request(RequestRefundDocument, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
      refundIds.push(requested.requestRefund.refund!.id);
    }
    const batch = await shop.staff.AGENT.request(BatchTransitionRefundsDocument, { input: { action: "APPROVE", refundIds } });
    expect(batch.batchTransitionRefunds.userErrors).toEqual([]);
    expect(batch.batchTransitionRefunds.batch).toMatchObject({ total: 2, succeeded: 2, failed: 0 });
    expect(batch.batchTransitionRefunds.results!.every((result) => result.ok)).toBe(true);

    const to = new Date(Date.now() + 60_000).toISOString();
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const metrics = await shop.staff.SHOP_ADMIN.request(RefundMetricsDocument, { from, to });
    expect(metrics.refundMetrics.refundCount).toBe(3);
    expect(metrics.refundMetrics.reasons.map((share) => [share.reason.code, share.count])).toEqual([["LOGISTICS", 3]]);
  });
});
