// Money is never paid twice: concurrent and repeated requests through the real HTTP API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";

const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message } } }
`;
const BATCH = /* GraphQL */ `
  mutation ($input: BatchTransitionRefundsInput!) {
    batchTransitionRefunds(input: $input) { results { refundId ok refund { status } userErrors { code } } userErrors { code } }
  }
`;
type BatchResult = { batchTransitionRefunds: { results: Array<{ refundId: string; ok: boolean; refund: { status: string } | null; userErrors: Array<{ code: string }> }>; userErrors: unknown[] } };

describe.each(backends)("concurrent refund requests on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  it("applies exactly one of 20 parallel APPROVEs", async () => {
    const customer = await shop.customer("c-approve-race");
    const orderId = await shop.order("c-approve-race", { paidAmount: 19900, shippingStatus: "SHIPPED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" },
    });
    const refundId = requested.requestRefund.refund!.id;

    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "APPROVE" } }),
      ),
    );
    const succeeded = results.filter((r) => r.transitionRefund.userErrors.length === 0);
    expect(succeeded).toHaveLength(1);
    for (const failed of results.filter((r) => r.transitionRefund.userErrors.length > 0)) {
      // Lost the race inside the transaction, or read the refund after the winner committed.
      expect(["VERSION_CONFLICT", "ACTION_NOT_ALLOWED_IN_STATUS"]).toContain(failed.transitionRefund.userErrors[0]!.code);
    }
    const transitions = await server.app.db.prisma.refundTransition.findMany({
      where: { refund: { order: { customer: { externalId: "c-approve-race" } } } },
      orderBy: { version: "asc" },
    });
    expect(transitions.map((t) => t.action)).toEqual(["REQUEST", "CLASSIFY", "APPROVE"]);
  });

  it("never reserves or approves more than was paid under 20 parallel partial refunds of one order", async () => {
    const customer = await shop.customer("c-partial-race");
    const paid = 10_000;
    const orderId = await shop.order("c-partial-race", { paidAmount: paid, shippingStatus: "DELIVERED" });

    const requests = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
          input: { orderId, type: "REFUND_ONLY", reasonCode: "NOT_AS_DESCRIBED", amount: 700, description: `defect ${index}` },
        }),
      ),
    );
    const accepted = requests.filter((r) => r.requestRefund.refund);
    const refused = requests.filter((r) => !r.requestRefund.refund);
    expect(accepted).toHaveLength(Math.floor(paid / 700));
    for (const result of refused) expect(result.requestRefund.userErrors[0]!.code).toBe("AMOUNT_EXCEEDS_REFUNDABLE");

    // Agents approve every accepted request at once, each for a partial amount.
    const approvals = await Promise.all(
      accepted.map((r) =>
        shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, {
          input: { refundId: r.requestRefund.refund!.id, action: "APPROVE", amount: 600 },
        }),
      ),
    );
    expect(approvals.every((r) => r.transitionRefund.userErrors.length === 0)).toBe(true);

    const refunds = await server.app.db.prisma.refund.findMany({ where: { order: { customer: { externalId: "c-partial-race" } } } });
    const requestedTotal = refunds.reduce((sum, r) => sum + r.requestedAmount, 0);
    const approvedTotal = refunds.reduce((sum, r) => sum + (r.approvedAmount ?? 0), 0);
    expect(requestedTotal).toBeLessThanOrEqual(paid);
    expect(approvedTotal).toBe(accepted.length * 600);
    expect(approvedTotal).toBeLessThanOrEqual(paid);
  });

  it("creates one refund for 10 parallel requests with one idempotency key", async () => {
    const customer = await shop.customer("c-idempotent");
    const orderId = await shop.order("c-idempotent", { paidAmount: 4500, shippingStatus: "NOT_SHIPPED" });
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
          input: { orderId, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE", idempotencyKey: "app-tap-7f3a" },
        }),
      ),
    );
    expect(results.flatMap((r) => r.requestRefund.userErrors)).toEqual([]);
    expect(new Set(results.map((r) => r.requestRefund.refund!.id)).size).toBe(1);
    const refunds = await server.app.db.prisma.refund.findMany({ where: { order: { customer: { externalId: "c-idempotent" } } } });
    expect(refunds).toHaveLength(1);

    await server.app.payments.drain();
    const attempts = await server.app.db.prisma.paymentRefundAttempt.findMany({ where: { refundId: refunds[0]!.id } });
    expect(attempts).toHaveLength(1);
    expect(server.app.sandbox.paidFor((await server.app.db.prisma.order.findFirstOrThrow({ where: { customer: { externalId: "c-idempotent" } } })).externalId)).toBe(4500);
  });

  it("pays once when the same payment attempt is delivered twice at the same time", async () => {
    const customer = await shop.customer("c-double-delivery");
    const orderId = await shop.order("c-double-delivery", { paidAmount: 3300, shippingStatus: "DELIVERED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" },
    });
    const refundId = requested.requestRefund.refund!.id;
    for (const [client, action] of [
      [shop.staff.AGENT, "APPROVE"],
      [shop.staff.WAREHOUSE, "CONFIRM_NOT_RECEIVED"],
      [shop.staff.FINANCE, "FINANCE_APPROVE"],
    ] as const) {
      const result = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action } });
      expect(result.transitionRefund.userErrors).toEqual([]);
    }
    const attempt = await server.app.db.prisma.paymentRefundAttempt.findFirstOrThrow({
      where: { refund: { order: { customer: { externalId: "c-double-delivery" } } } },
    });
    await Promise.all([server.app.payments.settle(attempt.id), server.app.payments.settle(attempt.id), server.app.payments.drain()]);
    const refund = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: attempt.refundId }, include: { transitions: true } });
    expect(refund.status).toBe("REFUNDED");
    expect(refund.transitions.filter((t) => t.action === "PAYMENT_SUCCEEDED")).toHaveLength(1);
    const order = await server.app.db.prisma.order.findFirstOrThrow({ where: { customer: { externalId: "c-double-delivery" } } });
    expect(server.app.sandbox.paidFor(order.externalId)).toBe(3300);
  });

  it("records the provider's answer once when the refund moved on while the provider was called", async () => {
    const customer = await shop.customer("c-moved-during-call");
    const orderId = await shop.order("c-moved-during-call", { paidAmount: 2100, shippingStatus: "NOT_SHIPPED" });
    const { sandbox } = server.app;
    const call = sandbox.refund.bind(sandbox);
    // Another change of the refund commits while the provider is called: the result's plan, made
    // from the refund as the request's unit left it, loses its version check and is made again.
    sandbox.refund = async (request) => {
      await server.app.db.prisma.refund.updateMany({ where: { order: { externalId: request.orderReference } }, data: { version: { increment: 1 } } });
      return call(request);
    };
    try {
      const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
        input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" },
      });
      expect(requested.requestRefund.userErrors).toEqual([]);
      await server.app.payments.drain();
    } finally {
      sandbox.refund = call;
    }
    const refund = await server.app.db.prisma.refund.findFirstOrThrow({ where: { order: { customer: { externalId: "c-moved-during-call" } } }, include: { transitions: true, paymentAttempts: true } });
    expect(refund.status).toBe("REFUNDED");
    expect(refund.transitions.filter((t) => t.action === "PAYMENT_SUCCEEDED")).toHaveLength(1);
    expect(refund.paymentAttempts.map((attempt) => attempt.status)).toEqual(["SUCCEEDED"]);
    const order = await server.app.db.prisma.order.findFirstOrThrow({ where: { customer: { externalId: "c-moved-during-call" } } });
    expect(sandbox.paidFor(order.externalId)).toBe(2100);
  });

  // A payment's total is taken refund by refund: several refunds of one payment in one batch are
  // granted in the batch's order, each on its own.
  /** A shipped order of `paid` fen, paid with the cart payment `reference` of 10 yuan, and its refund waiting for finance. */
  async function refundAwaitingFinance(reference: string, paid: number, index: number) {
    const customer = await shop.customer(`cart-buyer-${reference}-${index}`);
    const order = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } | null; userErrors: unknown[] } }>(UPSERT_ORDER, {
      input: {
        externalId: `${reference}-${index}`,
        customerExternalId: `cart-buyer-${reference}-${index}`,
        items: [{ sku: `SKU-${index}`, name: "商品", quantity: 1, unitPrice: paid }],
        paidAmount: paid,
        paidAt: new Date().toISOString(),
        shippingStatus: "SHIPPED",
        payment: { provider: "SANDBOX", reference, totalAmount: 1_000 },
      },
    });
    expect(order.upsertOrder.userErrors).toEqual([]);
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId: order.upsertOrder.order!.id, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
    const refundId = requested.requestRefund.refund!.id;
    for (const [client, action] of [[shop.staff.AGENT, "APPROVE"], [shop.staff.WAREHOUSE, "CONFIRM_NOT_RECEIVED"]] as const) {
      const moved = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action } });
      expect(moved.transitionRefund.userErrors).toEqual([]);
    }
    return refundId;
  }

  it("grants a batch's refunds of one payment in order: the first fits, the second does not, the third fits what is left", async () => {
    const reference = `cart-${kind}-1`;
    const first = await refundAwaitingFinance(reference, 600, 1);
    const second = await refundAwaitingFinance(reference, 600, 2);
    const third = await refundAwaitingFinance(reference, 300, 3);
    const batch = await shop.staff.FINANCE.request<BatchResult>(BATCH, { input: { refundIds: [first, second, third], action: "FINANCE_APPROVE" } });
    expect(batch.batchTransitionRefunds.userErrors).toEqual([]);
    const byId = new Map(batch.batchTransitionRefunds.results.map((result) => [result.refundId, result]));
    expect(byId.get(first)).toMatchObject({ ok: true, userErrors: [] });
    expect(byId.get(second)).toMatchObject({ ok: false, refund: null, userErrors: [{ code: "AMOUNT_EXCEEDS_PAYMENT" }] });
    expect(byId.get(third)).toMatchObject({ ok: true, userErrors: [] });
    await waitForStatus(shop.staff.FINANCE, first, "REFUNDED");
    await waitForStatus(shop.staff.FINANCE, third, "REFUNDED");
    // The refused one stays with finance, its amount never taken from the payment.
    await waitForStatus(shop.staff.FINANCE, second, "PENDING_FINANCE");
    const payment = await server.app.db.prisma.payment.findFirstOrThrow({ where: { reference } });
    expect(payment.reservedAmount).toBe(900);
  });

  it("takes a refund's amount from its payment once when finance approves it twice at once (the loser gives its reservation back)", async () => {
    const reference = `cart-${kind}-2`;
    // The payment has room for both: the loser, if it reserved before losing its version check, must give it back.
    const refundId = await refundAwaitingFinance(reference, 400, 1);
    const approve = () => shop.staff.FINANCE.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, action: "FINANCE_APPROVE" } });
    const codes = (await Promise.all([approve(), approve()])).map((answer) => answer.transitionRefund.userErrors[0]?.code ?? "OK");
    expect(codes.filter((code) => code === "OK")).toHaveLength(1);
    expect(["ACTION_NOT_ALLOWED_IN_STATUS", "REFUND_TERMINAL", "VERSION_CONFLICT"]).toContain(codes.find((code) => code !== "OK"));
    await waitForStatus(shop.staff.FINANCE, refundId, "REFUNDED");
    expect((await server.app.db.prisma.payment.findFirstOrThrow({ where: { reference } })).reservedAmount).toBe(400);
  });
});
