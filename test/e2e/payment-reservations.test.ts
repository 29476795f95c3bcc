// A payment's total is taken refund by refund: several refunds of one payment in one batch are
// granted in the batch's order, each on its own — those that fit go on to REFUNDING, only those
// that do not are refused with AMOUNT_EXCEEDS_PAYMENT.
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

describe.each(backends)("payment reservations on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

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
