// refundMetrics and the orders list checked against figures computed by hand from a small
// fixed data set: customers, orders, a sub-reason and one automatic refund go through the API
// (the app's clock fixed, so the refund lands on a known day); the back-dated history that
// spans days (staff handling, rejections, a cancellation, an overdue review) is written
// directly, as the unit of work would have recorded it, then refundMetrics' facts rebuilt from it.
import { ClientError, type GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Prisma } from "../../src/generated/prisma/client.js";
import { rebuildRefundMetricsFacts } from "../../src/services/refund-metrics-facts.js";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";

const METRICS = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!, $timeZone: String) {
    refundMetrics(from: $from, to: $to, timeZone: $timeZone) {
      from to timeZone orderCount refundCount refundRate
      refundedAmount { amount currency }
      reasons { reason { code } count share }
      parentReasons { reason { code } count share }
      handlingTime { ...Handling }
      manualHandlingTime { ...Handling }
      automation { resolvedCount automatedCount share }
      firstResponse { count averageSeconds p50Seconds p90Seconds }
      deadlineBreaches { count byStatus { status count } }
      repeatRequests { count rate }
      repurchase { endedCount repurchasedCount rate }
      industry { industryRefundRate difference }
      trend { date orders refunds refundRate refundedAmount { amount } }
      forecast { method library parameters { name value } input horizonDays points { date refundRate standardError } unavailableReason }
    }
  }
  fragment Handling on HandlingTimeStats { count averageSeconds p50Seconds p90Seconds buckets { key minHours maxHours count share } }
`;
const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message } } }
`;
const CREATE_TAG = /* GraphQL */ `
  mutation ($input: CreateReasonTagInput!) { createReasonTag(input: $input) { reasonTag { id } userErrors { code } } }
`;
const REASON_TAGS = /* GraphQL */ `query { reasonTags { id code } }`;
const SETTINGS = /* GraphQL */ `
  mutation ($input: UpdateShopSettingsInput!) {
    updateShopSettings(input: $input) { shop { timeZone industryRefundRate } userErrors { code field } }
  }
`;
const ORDERS = /* GraphQL */ `
  query ($filter: OrderFilter, $first: Int) { orders(first: $first, filter: $filter) { edges { node { externalId } } } }
`;

type Metrics = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const rawId = (id: string) => Buffer.from(id, "base64").toString("utf8").split(":").slice(1).join(":");
const at = (iso: string) => new Date(iso);
const H = 3_600_000;
const D = 24 * H;

// Asia/Shanghai is UTC+8: the period is the local days 11-01, 11-02 and 11-03.
const FROM = "2026-10-31T16:00:00.000Z";
const TO = "2026-11-03T16:00:00.000Z";

describe.each(backends)("refundMetrics on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let customerClient: GraphQLClient;
  let now = at("2026-11-02T09:00:00Z");
  const orders: Record<string, string> = {};

  const metrics = async (variables: Record<string, unknown> = {}, client: GraphQLClient = shop.staff.AGENT) =>
    (await client.request<{ refundMetrics: Metrics }>(METRICS, { from: FROM, to: TO, ...variables })).refundMetrics;

  beforeAll(async () => {
    server = await startTestServer(kind, { clock: () => now });
    shop = await setupShop(server);
    const prisma = server.app.db.prisma;
    const shopId = rawId(shop.shopId);
    const customers: Record<string, string> = {};
    for (const name of ["A", "B", "C"]) {
      const created = await shop.customer(name);
      customers[name] = rawId(created.id);
      if (name === "A") customerClient = created.client;
    }
    const order = async (name: string, customer: string, paidAt: string, shippingStatus = "DELIVERED", paidAmount = 30000) => {
      const result = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } | null; userErrors: unknown[] } }>(UPSERT_ORDER, {
        input: { externalId: name, customerExternalId: customer, items: [{ sku: "SKU-1", name: "商品", quantity: 1, unitPrice: paidAmount }], paidAmount, paidAt, shippingStatus },
      });
      orders[name] = rawId(result.upsertOrder.order!.id);
    };
    await order("O0", "A", "2026-09-30T00:00:00Z");
    await order("O1", "A", "2026-10-31T15:59:59.999Z"); // local 10-31 23:59:59.999: before the period
    await order("O2", "A", "2026-10-31T16:00:00Z"); // local 11-01 00:00
    await order("O3", "B", "2026-11-01T15:59:59Z"); // local 11-01 23:59:59
    await order("O4", "B", "2026-11-01T16:00:00Z"); // local 11-02 00:00
    await order("O5", "C", "2026-11-02T03:00:00Z");
    await order("O9", "A", "2026-11-02T08:00:00Z", "NOT_SHIPPED", 5000);
    await order("O6", "C", "2026-11-03T10:00:00Z");
    await order("O10", "B", "2026-11-03T01:00:00Z", "SHIPPED");
    await order("O11", "C", "2026-11-03T02:00:00Z");
    await order("O7", "A", "2026-11-03T16:00:00Z"); // local 11-04 00:00: after the period

    const created = await shop.staff.SHOP_ADMIN.request<{ reasonTags: Array<{ id: string; code: string }> }>(REASON_TAGS);
    const tags = Object.fromEntries(created.reasonTags.map((tag) => [tag.code, rawId(tag.id)]));
    const notAsDescribed = created.reasonTags.find((tag) => tag.code === "NOT_AS_DESCRIBED")!.id;
    const sub = await shop.staff.SHOP_ADMIN.request<{ createReasonTag: { reasonTag: { id: string } } }>(CREATE_TAG, {
      input: { code: "COLOR_DIFFERENT", label: "色差", parentId: notAsDescribed },
    });
    tags.COLOR_DIFFERENT = rawId(sub.createReasonTag.reasonTag.id);

    // The automatic path through the API, at the fixed "now": request → REFUNDING → REFUNDED, 0 s.
    const requested = await customerClient.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId: Buffer.from(`Order:${orders.O9}`).toString("base64"), type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" },
    });
    await waitForStatus(shop.staff.AGENT, requested.requestRefund.refund!.id, "REFUNDED"); // R8

    type Step = [offsetMs: number, action: string, to: string, actor: "SYSTEM" | "CUSTOMER" | "AGENT" | "WAREHOUSE" | "FINANCE"];
    const insert = async (r: { customer: string; order: string; reason: string; createdAt: string; steps: Step[]; refunded?: number; slaDueAt?: string }) => {
      const createdAt = at(r.createdAt);
      const last = r.steps[r.steps.length - 1]!;
      const terminal = ["REFUNDED", "REJECTED", "CANCELLED"].includes(last[2]);
      const refund = await prisma.refund.create({
        data: {
          shopId, orderId: orders[r.order]!, customerId: customers[r.customer]!, reasonTagId: tags[r.reason]!,
          type: "REFUND_ONLY", status: last[2] as Prisma.RefundCreateManyInput["status"], requestedAmount: 10000,
          refundedAmount: r.refunded ?? 0, approvedAmount: r.refunded ?? null, currency: "CNY", version: r.steps.length + 1,
          createdAt, updatedAt: new Date(createdAt.getTime() + last[0]), resolvedAt: terminal ? new Date(createdAt.getTime() + last[0]) : null,
          slaDueAt: r.slaDueAt ? at(r.slaDueAt) : null,
        },
      });
      const rows: Prisma.RefundTransitionCreateManyInput[] = [
        { shopId, refundId: refund.id, version: 1, fromStatus: null, toStatus: "REQUESTED", action: "REQUEST", actorKind: "USER", actorRole: "CUSTOMER", createdAt },
      ];
      let from = "REQUESTED";
      r.steps.forEach(([offset, action, to, actor], index) => {
        rows.push({
          shopId, refundId: refund.id, version: index + 2, fromStatus: from as never, toStatus: to as never, action,
          actorKind: actor === "SYSTEM" ? "SYSTEM" : "USER", actorRole: actor === "SYSTEM" ? null : actor, createdAt: new Date(createdAt.getTime() + offset),
        });
        from = to;
      });
      await prisma.refundTransition.createMany({ data: rows });
    };
    // R0: 30 days and 1 minute before R1, so R1 is not a repeat.
    await insert({ customer: "A", order: "O0", reason: "OTHER", createdAt: "2026-10-01T15:59:00Z", refunded: 10000, steps: [[1000, "CLASSIFY", "REFUNDING", "SYSTEM"], [5000, "PAYMENT_SUCCEEDED", "REFUNDED", "SYSTEM"]] });
    // R1: automatic, 30 s, at the first instant of the period.
    await insert({ customer: "A", order: "O2", reason: "ORDERED_BY_MISTAKE", createdAt: FROM, refunded: 10000, steps: [[1000, "CLASSIFY", "REFUNDING", "SYSTEM"], [30_000, "PAYMENT_SUCCEEDED", "REFUNDED", "SYSTEM"]] });
    // R2: refund-only through agent, warehouse and finance: first response 2 h, handled in 2 d 1 h.
    await insert({
      customer: "B", order: "O3", reason: "COLOR_DIFFERENT", createdAt: "2026-11-01T15:59:59Z", refunded: 20000,
      steps: [[1000, "CLASSIFY", "PENDING_REVIEW", "SYSTEM"], [2 * H, "APPROVE", "AWAITING_WAREHOUSE", "AGENT"], [D, "CONFIRM_NOT_RECEIVED", "PENDING_FINANCE", "WAREHOUSE"], [2 * D, "FINANCE_APPROVE", "REFUNDING", "FINANCE"], [2 * D + H, "PAYMENT_SUCCEEDED", "REFUNDED", "SYSTEM"]],
    });
    // R3: rejected after 5 days; B asked one second before (R2): a repeat.
    await insert({ customer: "B", order: "O4", reason: "NOT_AS_DESCRIBED", createdAt: "2026-11-01T16:00:00Z", steps: [[1000, "CLASSIFY", "PENDING_REVIEW", "SYSTEM"], [5 * D, "REJECT", "REJECTED", "AGENT"]] });
    // R4: cancelled by the customer after an hour: a person acted, but no staff.
    await insert({ customer: "C", order: "O5", reason: "CHANGED_MIND", createdAt: "2026-11-02T04:00:00Z", steps: [[1000, "CLASSIFY", "PENDING_REVIEW", "SYSTEM"], [H, "CANCEL", "CANCELLED", "CUSTOMER"]] });
    // R7: 8 days, first response after a day.
    await insert({
      customer: "C", order: "O5", reason: "OTHER", createdAt: "2026-11-02T06:00:00Z", refunded: 15000,
      steps: [[1000, "CLASSIFY", "PENDING_REVIEW", "SYSTEM"], [D, "APPROVE", "AWAITING_WAREHOUSE", "AGENT"], [3 * D, "CONFIRM_NOT_RECEIVED", "PENDING_FINANCE", "WAREHOUSE"], [7 * D, "FINANCE_APPROVE", "REFUNDING", "FINANCE"], [8 * D, "PAYMENT_SUCCEEDED", "REFUNDED", "SYSTEM"]],
    });
    // R5: still in review, its 5-minute deadline long passed.
    await insert({ customer: "C", order: "O6", reason: "LOGISTICS", createdAt: "2026-11-03T12:00:00Z", slaDueAt: "2026-11-03T12:05:00Z", steps: [[1000, "CLASSIFY", "PENDING_REVIEW", "SYSTEM"]] });
    // R6: at `to` exactly, so outside the period (and overdue too).
    await insert({ customer: "A", order: "O7", reason: "LOGISTICS", createdAt: TO, slaDueAt: "2026-11-03T16:05:00Z", steps: [[1000, "CLASSIFY", "PENDING_REVIEW", "SYSTEM"]] });
    // Written in bulk around the services: refundMetrics' per-refund facts are derived from the rows, as any bulk writer does.
    await rebuildRefundMetricsFacts(server.app.db, shopId);
    now = at("2026-11-20T00:00:00Z");
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("counts orders, refunds, the rate and the amount of the period", async () => {
    const m = await metrics();
    expect(m.timeZone).toBe("Asia/Shanghai");
    expect(m.orderCount).toBe(8); // O2 O3 O4 O5 O9 O6 O10 O11
    expect(m.refundCount).toBe(7); // R1 R2 R3 R4 R7 R8 R5
    expect(m.refundRate).toBeCloseTo(7 / 8, 10);
    expect(m.refundedAmount).toEqual({ amount: 10000 + 20000 + 15000 + 5000, currency: "CNY" });
  });

  it("shares reasons by tag and by parent tag", async () => {
    const m = await metrics();
    expect(m.reasons.map((r: Metrics) => [r.reason.code, r.count])).toEqual([
      ["ORDERED_BY_MISTAKE", 2], ["CHANGED_MIND", 1], ["COLOR_DIFFERENT", 1], ["LOGISTICS", 1], ["NOT_AS_DESCRIBED", 1], ["OTHER", 1],
    ]);
    expect(m.reasons[0].share).toBeCloseTo(2 / 7, 10);
    expect(m.parentReasons.map((r: Metrics) => [r.reason.code, r.count])).toEqual([
      ["NOT_AS_DESCRIBED", 2], ["ORDERED_BY_MISTAKE", 2], ["CHANGED_MIND", 1], ["LOGISTICS", 1], ["OTHER", 1],
    ]);
    expect(m.parentReasons.reduce((sum: number, r: Metrics) => sum + r.share, 0)).toBeCloseTo(1, 10);
  });

  it("measures handling time, all and by people, with percentiles and buckets", async () => {
    const m = await metrics();
    // Ended: R8 0 s, R1 30 s, R4 1 h, R2 2 d 1 h, R3 5 d, R7 8 d.
    expect(m.handlingTime).toMatchObject({ count: 6, averageSeconds: 1_303_230 / 6, p50Seconds: 90_000, p90Seconds: 561_600 });
    expect(m.handlingTime.buckets.map((b: Metrics) => [b.key, b.minHours, b.maxHours, b.count])).toEqual([
      ["UNDER_24H", 0, 24, 3], ["ONE_TO_THREE_DAYS", 24, 72, 1], ["THREE_TO_SEVEN_DAYS", 72, 168, 1], ["OVER_SEVEN_DAYS", 168, null, 1],
    ]);
    expect(m.handlingTime.buckets[0].share).toBeCloseTo(0.5, 10);
    // A person acted on R4 (the customer), R2, R3 and R7.
    expect(m.manualHandlingTime).toMatchObject({ count: 4, averageSeconds: 325_800, p50Seconds: 304_200, p90Seconds: 613_440 });
    expect(m.manualHandlingTime.buckets.map((b: Metrics) => b.count)).toEqual([1, 1, 1, 1]);
    expect(m.automation).toEqual({ resolvedCount: 6, automatedCount: 2, share: 2 / 6 });
  });

  it("measures the first staff response, deadline breaches, repeats and repurchases", async () => {
    const m = await metrics();
    // R2 2 h, R7 1 d, R3 5 d; R4 was only cancelled by its customer, R5 waits.
    expect(m.firstResponse).toEqual({ count: 3, averageSeconds: 175_200, p50Seconds: 86_400, p90Seconds: 362_880 });
    expect(m.deadlineBreaches).toEqual({ count: 1, byStatus: [{ status: "PENDING_REVIEW", count: 1 }] });
    // R3 (R2 a second before), R7 (R4), R5 (R4, R7), R8 (R1); not R1 (R0 30 d 1 min before).
    expect(m.repeatRequests).toEqual({ count: 4, rate: 4 / 7 });
    // R1 → O9, R4 → O6, R8 → O7; not R2, R3 (B's O10 came before), R7.
    expect(m.repurchase).toEqual({ endedCount: 6, repurchasedCount: 3, rate: 0.5 });
  });

  it("draws the daily trend on the shop's local days, and on another zone's when asked", async () => {
    const m = await metrics();
    expect(m.trend.map((d: Metrics) => [d.date, d.orders, d.refunds, d.refundedAmount.amount])).toEqual([
      ["2026-11-01", 2, 2, 30000],
      ["2026-11-02", 3, 4, 20000],
      ["2026-11-03", 3, 1, 0],
    ]);
    expect(m.trend[1].refundRate).toBeCloseTo(4 / 3, 10);
    const utc = await metrics({ timeZone: "UTC" });
    expect(utc.timeZone).toBe("UTC");
    expect(utc.trend.map((d: Metrics) => [d.date, d.orders, d.refunds])).toEqual([
      ["2026-10-31", 1, 1],
      ["2026-11-01", 2, 2],
      ["2026-11-02", 2, 3],
      ["2026-11-03", 3, 1],
    ]);
    // The totals do not depend on the zone: the period is two instants.
    expect(utc.refundCount).toBe(7);
    expect(utc.orderCount).toBe(8);
  });

  it("compares with the industry figure: a default for a new shop, which a shop admin sets or clears", async () => {
    const preset = (await metrics()).industry;
    expect(preset.industryRefundRate).toBe(0.05);
    expect(preset.difference).toBeCloseTo(0.875 - 0.05, 10);
    const forbidden = await shop.staff.AGENT.request<{ updateShopSettings: Metrics }>(SETTINGS, { input: { industryRefundRate: 0.5 } });
    expect(forbidden.updateShopSettings.userErrors[0].code).toBe("FORBIDDEN");
    const bad = await shop.staff.SHOP_ADMIN.request<{ updateShopSettings: Metrics }>(SETTINGS, { input: { industryRefundRate: 1.5, timeZone: "Mars/Olympus_Mons" } });
    expect(bad.updateShopSettings.userErrors[0]).toMatchObject({ code: "INVALID_INPUT", field: ["input", "timeZone"] });
    const set = await shop.staff.SHOP_ADMIN.request<{ updateShopSettings: Metrics }>(SETTINGS, { input: { industryRefundRate: 0.5 } });
    expect(set.updateShopSettings).toEqual({ shop: { timeZone: "Asia/Shanghai", industryRefundRate: 0.5 }, userErrors: [] });
    expect((await metrics()).industry).toEqual({ industryRefundRate: 0.5, difference: 0.375 });
    const cleared = await shop.staff.SHOP_ADMIN.request<{ updateShopSettings: Metrics }>(SETTINGS, { input: { industryRefundRate: null } });
    expect(cleared.updateShopSettings.shop.industryRefundRate).toBeNull();
    expect((await metrics()).industry).toEqual({ industryRefundRate: null, difference: null });

    // The shop's zone is the default zone of its metrics.
    await shop.staff.SHOP_ADMIN.request(SETTINGS, { input: { timeZone: "UTC" } });
    const inUtc = await metrics();
    expect(inUtc.timeZone).toBe("UTC");
    expect(inUtc.trend[0].date).toBe("2026-10-31");
    await shop.staff.SHOP_ADMIN.request(SETTINGS, { input: { timeZone: "Asia/Shanghai" } });
  });

  it("forecasts 14 days of refund rate by a named method, showing its inputs", async () => {
    const short = await metrics();
    expect(short.forecast).toMatchObject({ horizonDays: 14, points: [], input: [1, 4 / 3, 1 / 3] });
    expect(short.forecast.unavailableReason).toMatch(/at least 12 days/);

    const long = await metrics({ from: "2026-10-13T16:00:00Z" }); // local 10-14 .. 11-03: 21 days
    expect(long.trend).toHaveLength(21);
    expect(long.forecast.method).toMatch(/ARIMA\(0,2,2\).*Holt/);
    expect(long.forecast.library).toBe("arima@0.2.8");
    expect(long.forecast.parameters).toEqual(expect.arrayContaining([{ name: "p", value: "0" }, { name: "d", value: "2" }, { name: "q", value: "2" }]));
    expect(long.forecast.input).toEqual(long.trend.map((d: Metrics) => d.refundRate));
    expect(long.forecast.unavailableReason).toBeNull();
    expect(long.forecast.points.map((p: Metrics) => p.date)).toEqual(
      Array.from({ length: 14 }, (_, i) => new Date(Date.UTC(2026, 10, 4 + i)).toISOString().slice(0, 10)),
    );
    for (const point of long.forecast.points) {
      expect(point.refundRate).toBeGreaterThanOrEqual(0);
      expect(point.refundRate).toBeLessThanOrEqual(1);
      expect(Number.isFinite(point.standardError)).toBe(true);
    }
  });

  it("answers zeros and empty lists for an empty period, never null", async () => {
    const zeroHandling = {
      count: 0, averageSeconds: 0, p50Seconds: 0, p90Seconds: 0,
      buckets: [
        { key: "UNDER_24H", minHours: 0, maxHours: 24, count: 0, share: 0 },
        { key: "ONE_TO_THREE_DAYS", minHours: 24, maxHours: 72, count: 0, share: 0 },
        { key: "THREE_TO_SEVEN_DAYS", minHours: 72, maxHours: 168, count: 0, share: 0 },
        { key: "OVER_SEVEN_DAYS", minHours: 168, maxHours: null, count: 0, share: 0 },
      ],
    };
    const expectEmpty = (m: Metrics) =>
      expect(m).toMatchObject({
        orderCount: 0, refundCount: 0, refundRate: 0, refundedAmount: { amount: 0, currency: "CNY" },
        reasons: [], parentReasons: [], handlingTime: zeroHandling, manualHandlingTime: zeroHandling,
        automation: { resolvedCount: 0, automatedCount: 0, share: 0 },
        firstResponse: { count: 0, averageSeconds: 0, p50Seconds: 0, p90Seconds: 0 },
        deadlineBreaches: { count: 0, byStatus: [] }, repeatRequests: { count: 0, rate: 0 },
        repurchase: { endedCount: 0, repurchasedCount: 0, rate: 0 },
      });
    const instant = await metrics({ from: FROM, to: FROM });
    expectEmpty(instant);
    expect(instant.trend).toEqual([]);
    expect(instant.forecast.points).toEqual([]);
    const quiet = await metrics({ from: "2025-01-01T16:00:00Z", to: "2025-01-03T16:00:00Z" });
    expectEmpty(quiet);
    expect(quiet.trend).toEqual([
      { date: "2025-01-02", orders: 0, refunds: 0, refundRate: 0, refundedAmount: { amount: 0 } },
      { date: "2025-01-03", orders: 0, refunds: 0, refundRate: 0, refundedAmount: { amount: 0 } },
    ]);
  });

  it("refuses bad input and customers with a stable code", async () => {
    const codeOf = async (variables: Record<string, unknown>, client: GraphQLClient = shop.staff.AGENT) => {
      try {
        await client.request(METRICS, { from: FROM, to: TO, ...variables });
      } catch (error) {
        return (error as ClientError).response.errors?.[0]?.extensions?.code;
      }
      return "OK";
    };
    expect(await codeOf({ from: TO, to: FROM })).toBe("INVALID_INPUT");
    expect(await codeOf({ from: "2025-01-01T00:00:00Z", to: "2026-01-02T00:00:01Z" })).toBe("INVALID_INPUT");
    expect(await codeOf({ from: "2025-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" })).toBe("OK"); // 366 days
    expect(await codeOf({ timeZone: "Mars/Olympus_Mons" })).toBe("INVALID_INPUT");
    expect(await codeOf({}, customerClient)).toBe("FORBIDDEN");
    expect(await codeOf({}, server.client())).toBe("UNAUTHENTICATED");
  });

  it("lists the shop's orders for staff by paid period, shipping status and refunds", async () => {
    const list = async (filter: Record<string, unknown>, client: GraphQLClient = shop.staff.AGENT) =>
      (await client.request<{ orders: { edges: Array<{ node: { externalId: string } }> } }>(ORDERS, { filter, first: 100 })).orders.edges.map((e) => e.node.externalId);
    expect(await list({ paidAfter: FROM, paidBefore: TO })).toEqual(["O6", "O11", "O10", "O9", "O5", "O4", "O3", "O2"]);
    expect(await list({ paidAfter: FROM, paidBefore: TO, hasRefunds: false })).toEqual(["O11", "O10"]);
    expect(await list({ paidAfter: FROM, paidBefore: TO, hasRefunds: true })).toEqual(["O6", "O9", "O5", "O4", "O3", "O2"]);
    expect(await list({ shippingStatuses: ["SHIPPED"] })).toEqual(["O10"]);
    expect(await list({ shippingStatuses: ["NOT_SHIPPED"], hasRefunds: true })).toEqual(["O9"]);
    await expect(list({}, customerClient)).rejects.toMatchObject({ response: { errors: [{ extensions: { code: "FORBIDDEN" } }] } });
  });
});
