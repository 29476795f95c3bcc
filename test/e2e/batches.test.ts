// A console clears refunds in bulk: batchTransitionRefunds by ids or by filter, its stored
// report, refundBatchProgress over graphql-ws and SSE, idempotent resends, and a resent
// transitionRefund that answers its first answer.
import { randomBytes } from "node:crypto";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definePlugin } from "../../src/plugin/index.js";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, tokenOf } from "../support/server.js";
import { sseSubscribe } from "../support/sse.js";
import { collect, wsClient } from "../support/subscriptions.js";
import { rawId } from "../support/ids.js";

const BATCH = /* GraphQL */ `
  mutation ($input: BatchTransitionRefundsInput!) {
    batchTransitionRefunds(input: $input) {
      batch { id total succeeded failed amountTotal { amount } failuresByCode { code count } action durationMs items { refundId ok userErrors { code } } }
      results { refundId ok refund { id status approvedAmount { amount } } transition { action actor { kind role } } userErrors { code message field } }
      userErrors { code message field }
    }
  }
`;
const PROGRESS = /* GraphQL */ `
  subscription ($batchId: ID!) {
    refundBatchProgress(batchId: $batchId) { finished item { refundId ok userErrors { code } } batch { id succeeded failed } }
  }
`;
const BATCHES = /* GraphQL */ `query { refundBatches(first: 10) { edges { node { id total succeeded failed } } } }`;

interface BatchPayload {
  batch: { id: string; total: number; succeeded: number; failed: number; amountTotal: { amount: number }; failuresByCode: Array<{ code: string; count: number }>; items: Array<{ refundId: string; ok: boolean; userErrors: Array<{ code: string }> }> } | null;
  results: Array<{ refundId: string; ok: boolean; refund: { id: string; status: string; approvedAmount: { amount: number } | null } | null; transition: { action: string; actor: { kind: string; role: string } } | null; userErrors: Array<{ code: string; field: string[] }> }> | null;
  userErrors: Array<{ code: string; message: string; field: string[] }>;
}
type ProgressEvent = { refundBatchProgress: { finished: boolean; item: { refundId: string; ok: boolean; userErrors: Array<{ code: string }> } | null; batch: { id: string; succeeded: number; failed: number } } };

/** Holds unshipped refunds of 77.77 yuan for review, as a risk plugin would. */
const holdOdd = definePlugin({
  name: "hold-odd",
  version: "1.0.0",
  apiVersion: 1,
  hooks: {
    beforeTransition(event) {
      if (event.action === "CLASSIFY" && event.refund.requestedAmount === 7_777) return { holdForReview: { reason: "odd amount" } };
    },
  },
});

describe.each(backends)("refund batches on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let otherShop: TestShop;
  let customer: Awaited<ReturnType<TestShop["customer"]>>;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: [holdOdd] });
    [shop, otherShop] = [await setupShop(server), await setupShop(server)];
    customer = await shop.customer("batch-customer");
  });
  afterAll(() => server?.stop());

  const batch = (client: GraphQLClient, input: Record<string, unknown>) =>
    client.request<{ batchTransitionRefunds: BatchPayload }>(BATCH, { input }).then((result) => result.batchTransitionRefunds);

  /** `count` refunds in PENDING_REVIEW (ten requests at a time). */
  async function pendingReviews(count: number, options: { shippingStatus?: "SHIPPED" | "DELIVERED" | "NOT_SHIPPED"; type?: string; amount?: number } = {}) {
    const ids: string[] = [];
    for (let start = 0; start < count; start += 10) {
      const chunk = await Promise.all(
        Array.from({ length: Math.min(10, count - start) }, async () => {
          const orderId = await shop.order("batch-customer", { paidAmount: options.amount ?? 12_000, shippingStatus: options.shippingStatus ?? "SHIPPED" });
          const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
            input: { orderId, type: options.type ?? "REFUND_ONLY", reasonCode: "LOGISTICS" },
          });
          expect(requested.requestRefund.refund!.status).toBe("PENDING_REVIEW");
          return requested.requestRefund.refund!.id;
        }),
      );
      ids.push(...chunk);
    }
    return ids;
  }

  async function rowCounts() {
    const [row] = await server.app.db.query<Record<string, number>>(
      `SELECT (SELECT count(*)::int FROM "RefundTransition") AS transitions, (SELECT count(*)::int FROM "RefundBatch") AS batches,
              (SELECT count(*)::int FROM "RefundBatchItem") AS items, (SELECT count(*)::int FROM "PaymentRefundAttempt") AS attempts`,
    );
    return row!;
  }

  it("approves 47 of 50 when 3 were rejected first, and its report and progress stream say the same", async () => {
    const ids = await pendingReviews(50);
    for (const id of ids.slice(10, 13)) {
      const rejected = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: id, action: "REJECT", note: "photos show wear" } });
      expect(rejected.transitionRefund.userErrors).toEqual([]);
    }

    const result = await batch(shop.staff.AGENT, { refundIds: ids, action: "APPROVE", note: "sale-day sweep", idempotencyKey: `sweep-${randomBytes(4).toString("hex")}` });
    expect(result.userErrors).toEqual([]);
    expect(result.results!.map((item) => item.refundId)).toEqual(ids);
    const failed = result.results!.filter((item) => !item.ok);
    expect(failed.map((item) => item.refundId)).toEqual(ids.slice(10, 13));
    expect(failed.map((item) => item.userErrors[0]!.code)).toEqual(["REFUND_TERMINAL", "REFUND_TERMINAL", "REFUND_TERMINAL"]);
    for (const item of result.results!.filter((candidate) => candidate.ok)) {
      expect(item.refund).toMatchObject({ status: "AWAITING_WAREHOUSE", approvedAmount: { amount: 12_000 } });
      expect(item.transition).toMatchObject({ action: "APPROVE", actor: { kind: "USER", role: "AGENT" } });
    }
    expect(result.batch).toMatchObject({ total: 50, succeeded: 47, failed: 3, amountTotal: { amount: 47 * 12_000 }, failuresByCode: [{ code: "REFUND_TERMINAL", count: 3 }] });
    expect(result.batch!.items.filter((item) => !item.ok).map((item) => item.refundId)).toEqual(ids.slice(10, 13));

    // The history agrees: one APPROVE per approved refund, none for the rejected ones.
    const [approvals] = await server.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "RefundTransition" WHERE action = 'APPROVE' AND note = 'sale-day sweep'`);
    expect(approvals!.n).toBe(47);

    // The stored report: listed for the shop, not for another shop.
    const listed = await shop.staff.SHOP_ADMIN.request<{ refundBatches: { edges: Array<{ node: { id: string; succeeded: number } }> } }>(BATCHES);
    expect(listed.refundBatches.edges.map((edge) => edge.node)).toContainEqual({ id: result.batch!.id, total: 50, succeeded: 47, failed: 3 });
    const foreign = await otherShop.staff.SHOP_ADMIN.request<{ refundBatches: { edges: unknown[] } }>(BATCHES);
    expect(foreign.refundBatches.edges).toEqual([]);

    // Progress: each item, then the summary, then complete — over graphql-ws and SSE alike.
    const ws = wsClient(server.url, tokenOf(shop.staff.AGENT));
    try {
      const stream = collect<ProgressEvent>(ws, PROGRESS, { batchId: result.batch!.id });
      const events = await stream.waitFor(51);
      await stream.ended;
      expect(events.slice(0, 50).map((event) => [event.refundBatchProgress.item!.refundId, event.refundBatchProgress.item!.ok])).toEqual(
        result.results!.map((item) => [item.refundId, item.ok]),
      );
      expect(events[50]!.refundBatchProgress).toMatchObject({ finished: true, item: null, batch: { id: result.batch!.id, succeeded: 47, failed: 3 } });
    } finally {
      await ws.dispose();
    }
    const sse = await sseSubscribe<ProgressEvent>(server.url, tokenOf(shop.staff.AGENT), PROGRESS, { batchId: result.batch!.id });
    const sseEvents = await sse.waitFor(51);
    expect(sseEvents.filter((event) => event.refundBatchProgress.item && !event.refundBatchProgress.item.ok)).toHaveLength(3);
    expect((await sse.ended).completed).toBe(true);

    // Another shop cannot follow it: refused like a batch that does not exist.
    const refused = await sseSubscribe<ProgressEvent>(server.url, tokenOf(otherShop.staff.AGENT), PROGRESS, { batchId: result.batch!.id });
    await refused.ended;
    expect(refused.results[0]!.errors![0]!.extensions!.code).toBe("NOT_FOUND");
  });

  it("refuses 51 refunds, an empty batch and both ids and filter, changing nothing", async () => {
    const ids = await pendingReviews(3);
    const before = await rowCounts();
    const tooMany = [...ids, ...Array.from({ length: 48 }, (_, index) => Buffer.from(`Refund:00000000-0000-4000-8000-${String(index).padStart(12, "0")}`).toString("base64"))];
    expect(tooMany).toHaveLength(51);
    expect((await batch(shop.staff.AGENT, { refundIds: tooMany, action: "APPROVE" })).userErrors).toEqual([
      expect.objectContaining({ code: "BATCH_TOO_LARGE", field: ["input", "refundIds"] }),
    ]);
    expect((await batch(shop.staff.AGENT, { refundIds: [], action: "APPROVE" })).userErrors[0]!.code).toBe("BATCH_EMPTY");
    expect((await batch(shop.staff.AGENT, { refundIds: ids, filter: { statuses: ["PENDING_REVIEW"] }, action: "APPROVE" })).userErrors[0]!.code).toBe("INVALID_INPUT");
    expect((await batch(shop.staff.AGENT, { refundIds: [ids[0], ids[0]], action: "APPROVE" })).userErrors[0]!.code).toBe("INVALID_INPUT");
    expect((await batch(shop.staff.AGENT, { filter: { search: "no order is called this" }, action: "APPROVE" })).userErrors[0]!.code).toBe("BATCH_EMPTY");
    // An action the role may never take, and a role that may not batch at all.
    expect((await batch(shop.staff.WAREHOUSE, { refundIds: ids, action: "APPROVE" })).userErrors[0]!.code).toBe("ACTION_NOT_PERMITTED");
    expect((await batch(customer.client, { refundIds: ids, action: "CANCEL" })).userErrors[0]!.code).toBe("FORBIDDEN");
    expect(await rowCounts()).toEqual(before);
    const statuses = await server.app.db.prisma.refund.findMany({ where: { id: { in: ids.map((id) => rawId(id)) } } });
    expect(statuses.map((refund) => refund.status)).toEqual(["PENDING_REVIEW", "PENDING_REVIEW", "PENDING_REVIEW"]);
  });

  it("fails only the foreign and unknown ids of a batch, and acts on the rest", async () => {
    const [own] = await pendingReviews(1);
    const foreignCustomer = await otherShop.customer("foreign");
    const foreignOrder = await otherShop.order("foreign", { paidAmount: 5_000, shippingStatus: "SHIPPED" });
    const foreign = (await foreignCustomer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId: foreignOrder, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } })).requestRefund.refund!.id;
    const result = await batch(shop.staff.AGENT, { refundIds: [foreign, own, "not-an-id"], action: "APPROVE" });
    expect(result.results!.map((item) => [item.ok, item.userErrors[0]?.code ?? null])).toEqual([
      [false, "NOT_FOUND"],
      [true, null],
      [false, "NOT_FOUND"],
    ]);
    const untouched = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(foreign) } });
    expect(untouched).toMatchObject({ status: "PENDING_REVIEW", version: 2 });
  });

  it("runs a batch sent twice with one key once, also when both arrive at once", async () => {
    const ids = await pendingReviews(4);
    const key = `twice-${randomBytes(4).toString("hex")}`;
    const first = await batch(shop.staff.AGENT, { refundIds: ids.slice(0, 2), action: "APPROVE", idempotencyKey: key });
    const again = await batch(shop.staff.AGENT, { refundIds: ids.slice(0, 2), action: "APPROVE", idempotencyKey: key });
    expect(again.batch!.id).toBe(first.batch!.id);
    expect(again.results!.map((item) => [item.refundId, item.ok, item.refund?.status])).toEqual(first.results!.map((item) => [item.refundId, item.ok, item.refund?.status]));

    const racingKey = `race-${randomBytes(4).toString("hex")}`;
    const raced = await Promise.all([1, 2, 3].map(() => batch(shop.staff.AGENT, { refundIds: ids.slice(2), action: "APPROVE", idempotencyKey: racingKey })));
    expect(new Set(raced.map((result) => result.batch!.id)).size).toBe(1);
    for (const result of raced) expect(result.results!.every((item) => item.ok)).toBe(true);
    const [row] = await server.app.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "RefundTransition" WHERE action = 'APPROVE' AND "refundId" = ANY($1)`,
      [ids.map((id) => rawId(id))],
    );
    expect(row!.n).toBe(4);
  });

  it("acts by filter on exactly the unshipped refund-only requests in PENDING_REVIEW", async () => {
    // Held for review by the plugin: unshipped, refund only, in PENDING_REVIEW.
    const held = await pendingReviews(3, { shippingStatus: "NOT_SHIPPED", amount: 7_777 });
    // Decoys: shipped ones in review, and an unshipped one refunded at once.
    const shipped = await pendingReviews(2, { shippingStatus: "SHIPPED" });
    const orderId = await shop.order("batch-customer", { paidAmount: 3_000, shippingStatus: "NOT_SHIPPED" });
    await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });

    const result = await batch(shop.staff.AGENT, {
      filter: { statuses: ["PENDING_REVIEW"], types: ["REFUND_ONLY"], shippingStatuses: ["NOT_SHIPPED"] },
      action: "APPROVE",
    });
    expect(result.userErrors).toEqual([]);
    expect(result.results!.map((item) => item.refundId).sort()).toEqual([...held].sort());
    expect(result.results!.every((item) => item.ok)).toBe(true);
    const stillInReview = await server.app.db.prisma.refund.count({
      where: { id: { in: shipped.map((id) => rawId(id)) }, status: "PENDING_REVIEW" },
    });
    expect(stillInReview).toBe(2);
  });

  it("answers a resent transitionRefund with its first answer instead of a version conflict", async () => {
    const [refundId, other] = await pendingReviews(2);
    const key = `approve-${randomBytes(4).toString("hex")}`;
    const send = (id: string) => shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: id, action: "APPROVE", idempotencyKey: key } });
    const first = await send(refundId!);
    const resent = await send(refundId!);
    expect(first.transitionRefund.userErrors).toEqual([]);
    expect(resent.transitionRefund.userErrors).toEqual([]);
    expect(resent.transitionRefund.transition).toEqual(first.transitionRefund.transition);
    expect(resent.transitionRefund.refund!.version).toBe(first.transitionRefund.refund!.version);
    // The same key for another refund is a mistake, not a replay.
    expect((await send(other!)).transitionRefund.userErrors[0]!.code).toBe("IDEMPOTENCY_KEY_REUSED");
    // Sent five times at once: applied once, and every answer is that one transition.
    const [third] = await pendingReviews(1);
    const raceKey = `race-${randomBytes(4).toString("hex")}`;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: third, action: "APPROVE", idempotencyKey: raceKey } })),
    );
    for (const answer of answers) expect(answer.transitionRefund.userErrors).toEqual([]);
    expect(new Set(answers.map((answer) => answer.transitionRefund.transition!.version)).size).toBe(1);
  });
});
