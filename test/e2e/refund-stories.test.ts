// The three stories of the refund workflow issue, replayed over real HTTP with graphql-request.
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import {
  GET_REFUND,
  type GetRefundResult,
  REQUEST_REFUND,
  type RequestRefundResult,
  TRANSITION_REFUND,
  type TransitionRefundResult,
} from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";

describe.each(backends)("refund stories on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  async function act(client: GraphQLClient, refundId: string, input: Record<string, unknown>) {
    const result = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, ...input } });
    expect(result.transitionRefund.userErrors).toEqual([]);
    return result.transitionRefund.refund!;
  }

  it("refunds an unshipped 89-yuan order with no human touch", async () => {
    const customer = await shop.customer("c-unshipped");
    const orderId = await shop.order("c-unshipped", { paidAmount: 8900, shippingStatus: "NOT_SHIPPED", itemName: "纯棉T恤" });

    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "ORDERED_BY_MISTAKE" },
    });
    expect(requested.requestRefund.userErrors).toEqual([]);
    const refund = requested.requestRefund.refund!;
    expect(refund.requestedAmount).toEqual({ amount: 8900, currency: "CNY", formatted: "¥89.00" });
    // Classified at once: nothing shipped, so nothing comes back.
    expect(refund.type).toBe("REFUND_ONLY");

    await waitForStatus(customer.client, refund.id, "REFUNDED");
    const { refund: done } = await customer.client.request<GetRefundResult>(GET_REFUND, { id: refund.id });
    expect(done!.refundedAmount).toEqual({ amount: 8900, formatted: "¥89.00" });
    expect(done!.transitions.map((t) => [t.from, t.to, t.actor.kind])).toEqual([
      [null, "REQUESTED", "USER"],
      ["REQUESTED", "REFUNDING", "RULE"],
      ["REFUNDING", "REFUNDED", "SYSTEM"],
    ]);
    expect(done!.version).toBe(3);
    expect(done!.availableActions).toEqual([]);
    expect(server.app.sandbox.paidFor(await orderReference(server, orderId))).toBe(8900);
  });

  it("returns shipped shoes for a size problem through review, return, inspection and finance", async () => {
    const customer = await shop.customer("c-shoes");
    const orderId = await shop.order("c-shoes", { paidAmount: 39900, shippingStatus: "DELIVERED", itemName: "跑步鞋 42码" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "ORDERED_BY_MISTAKE", description: "尺码偏小，想退货" },
    });
    const refundId = requested.requestRefund.refund!.id;
    expect(requested.requestRefund.refund!.status).toBe("PENDING_REVIEW");
    expect(requested.requestRefund.refund!.availableActions).toEqual(["CANCEL"]);

    const approved = await act(shop.staff.AGENT, refundId, { action: "APPROVE", expectedVersion: 2 });
    expect(approved.status).toBe("AWAITING_RETURN");
    expect(approved.approvedAmount).toEqual({ amount: 39900 });

    const shipped = await act(customer.client, refundId, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF Express", trackingNumber: "SF1234567890" });
    expect(shipped.status).toBe("RETURN_IN_TRANSIT");
    expect(shipped.returnShipment).toMatchObject({ carrier: "SF Express", trackingNumber: "SF1234567890", receivedAt: null });

    const received = await act(shop.staff.WAREHOUSE, refundId, { action: "RECEIVE_RETURN" });
    expect(received.status).toBe("INSPECTING");
    expect(received.returnShipment!.receivedAt).not.toBeNull();
    expect((await act(shop.staff.WAREHOUSE, refundId, { action: "PASS_INSPECTION" })).status).toBe("PENDING_FINANCE");
    expect((await act(shop.staff.FINANCE, refundId, { action: "FINANCE_APPROVE", note: "ok" })).status).toBe("REFUNDING");

    await waitForStatus(customer.client, refundId, "REFUNDED");
    const { refund } = await customer.client.request<GetRefundResult>(GET_REFUND, { id: refundId });
    expect(refund!.refundedAmount.amount).toBe(39900);
    expect(refund!.transitions.map((t) => `${t.action}:${t.actor.kind}/${t.actor.role ?? "-"}`)).toEqual([
      "REQUEST:USER/CUSTOMER",
      "CLASSIFY:SYSTEM/-",
      "APPROVE:USER/AGENT",
      "SUBMIT_RETURN_SHIPMENT:USER/CUSTOMER",
      "RECEIVE_RETURN:USER/WAREHOUSE",
      "PASS_INSPECTION:USER/WAREHOUSE",
      "FINANCE_APPROVE:USER/FINANCE",
      "PAYMENT_SUCCEEDED:SYSTEM/-",
    ]);
    expect(refund!.transitions.map((t) => t.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it("settles a 'not as described' dispute with a 20-yuan compensation, leaving the rest of the order", async () => {
    const customer = await shop.customer("c-dispute");
    const orderId = await shop.order("c-dispute", { paidAmount: 25900, shippingStatus: "DELIVERED", itemName: "羊毛围巾" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "NOT_AS_DESCRIBED", description: "颜色与图片不符" },
    });
    const refundId = requested.requestRefund.refund!.id;

    const offered = await act(shop.staff.AGENT, refundId, {
      action: "OFFER_RESOLUTION",
      offerOptions: [{ kind: "RETURN_WITH_FULL_REFUND" }, { kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 2000 }],
    });
    expect(offered.status).toBe("AWAITING_CUSTOMER");
    expect(offered.resolutionOptions.map((o) => [o.kind, o.amount.amount, o.accepted])).toEqual([
      ["RETURN_WITH_FULL_REFUND", 25900, false],
      ["KEEP_ITEM_WITH_COMPENSATION", 2000, false],
    ]);

    const { refund: seenByCustomer } = await customer.client.request<GetRefundResult>(GET_REFUND, { id: refundId });
    expect(seenByCustomer!.availableActions).toEqual(["ACCEPT_OFFER", "CANCEL"]);
    const keep = offered.resolutionOptions.find((o) => o.kind === "KEEP_ITEM_WITH_COMPENSATION")!;
    const accepted = await act(customer.client, refundId, { action: "ACCEPT_OFFER", optionId: keep.id });
    expect(accepted.status).toBe("PENDING_FINANCE");
    expect(accepted.approvedAmount).toEqual({ amount: 2000 });

    await act(shop.staff.FINANCE, refundId, { action: "FINANCE_APPROVE" });
    await waitForStatus(customer.client, refundId, "REFUNDED");
    const { refund } = await customer.client.request<GetRefundResult>(GET_REFUND, { id: refundId });
    expect(refund!.refundedAmount.amount).toBe(2000);
    expect(refund!.resolutionOptions.find((o) => o.id === keep.id)!.accepted).toBe(true);
    // Only the compensation left the shop; the rest of the order can still be refunded.
    expect(refund!.order.refundableAmount.amount).toBe(25900 - 2000);
    expect(server.app.sandbox.paidFor(await orderReference(server, orderId))).toBe(2000);
  });

  it("records a declined payment as REFUND_FAILED and pays once on RETRY_PAYMENT with a new attempt", async () => {
    const customer = await shop.customer("c-declined");
    const orderId = await shop.order("c-declined", { paidAmount: 5000, shippingStatus: "NOT_SHIPPED" });
    server.app.sandbox.declineNext(1);
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" },
    });
    const refundId = requested.requestRefund.refund!.id;
    await waitForStatus(customer.client, refundId, "REFUND_FAILED");
    const retried = await act(shop.staff.FINANCE, refundId, { action: "RETRY_PAYMENT" });
    expect(retried.status).toBe("REFUNDING");
    await waitForStatus(customer.client, refundId, "REFUNDED");
    expect(server.app.sandbox.paidFor(await orderReference(server, orderId))).toBe(5000);
    const attempts = await server.app.db.prisma.paymentRefundAttempt.findMany({ where: { refundId: await rawId(refundId) }, orderBy: { createdAt: "asc" } });
    expect(attempts.map((a) => a.status)).toEqual(["FAILED", "SUCCEEDED"]);
    expect(new Set(attempts.map((a) => a.idempotencyKey)).size).toBe(2);
  });

  it("resends the same idempotency key when the provider was unreachable, and pays once", async () => {
    const customer = await shop.customer("c-unreachable");
    const orderId = await shop.order("c-unreachable", { paidAmount: 7700, shippingStatus: "NOT_SHIPPED" });
    server.app.sandbox.failConnectionNext(1);
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" },
    });
    const refundId = requested.requestRefund.refund!.id;
    await waitForStatus(customer.client, refundId, "REFUNDED");
    const attempts = await server.app.db.prisma.paymentRefundAttempt.findMany({ where: { refundId: await rawId(refundId) } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.deliveries).toBe(2);
    expect(server.app.sandbox.paidFor(await orderReference(server, orderId))).toBe(7700);
  });
});

async function rawId(globalId: string): Promise<string> {
  return Buffer.from(globalId, "base64").toString("utf8").split(":").slice(1).join(":");
}

async function orderReference(server: TestServer, orderGlobalId: string): Promise<string> {
  const order = await server.app.db.prisma.order.findUniqueOrThrow({ where: { id: await rawId(orderGlobalId) } });
  return order.externalId;
}
