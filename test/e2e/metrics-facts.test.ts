// refundMetrics' per-refund facts and hourly order counts (src/services/refund-metrics-facts.ts)
// as the services keep them, through a sequence of real requests, staff transitions, payments,
// cancellations and order syncs on a moving clock, must equal what rebuildRefundMetricsFacts
// derives from the base rows — and so must the metrics computed from them.
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rebuildRefundMetricsFacts } from "../../src/services/refund-metrics-facts.js";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { REQUEST_REFUND, TRANSITION_REFUND, type RequestRefundResult, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";

const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message } } }
`;
const METRICS = /* GraphQL */ `
  query ($from: DateTime!, $to: DateTime!, $timeZone: String) {
    refundMetrics(from: $from, to: $to, timeZone: $timeZone) {
      orderCount refundCount refundedAmount { amount }
      handlingTime { count averageSeconds p50Seconds p90Seconds buckets { count } }
      manualHandlingTime { count averageSeconds p50Seconds p90Seconds buckets { count } }
      automation { resolvedCount automatedCount }
      firstResponse { count averageSeconds p50Seconds p90Seconds }
      repeatRequests { count } repurchase { endedCount repurchasedCount }
      trend { date orders refunds refundedAmount { amount } }
    }
  }
`;

const H = 3_600_000;
const D = 24 * H;

describe.each(backends)("refundMetrics facts kept by the services on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let now = new Date("2026-10-01T00:00:00Z");
  const at = (offsetMs: number) => (now = new Date(Date.parse("2026-10-01T00:00:00Z") + offsetMs));
  const refunds: Record<string, string> = {};
  const customers: Record<string, GraphQLClient> = {};

  const order = async (externalId: string, customer: string, paidAt: Date, shippingStatus = "SHIPPED") => {
    const result = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } | null; userErrors: unknown[] } }>(UPSERT_ORDER, {
      input: { externalId, customerExternalId: customer, items: [{ sku: "SKU-1", name: "商品", quantity: 1, unitPrice: 20000 }], paidAmount: 20000, paidAt: paidAt.toISOString(), shippingStatus },
    });
    expect(result.upsertOrder.userErrors).toEqual([]);
    return result.upsertOrder.order!.id;
  };
  const request = async (name: string, customer: string, orderId: string) => {
    const result = await customers[customer]!.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "LOGISTICS" } });
    expect(result.requestRefund.userErrors).toEqual([]);
    refunds[name] = result.requestRefund.refund!.id;
  };
  const act = async (client: GraphQLClient, name: string, action: string, note?: string) => {
    const result = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: refunds[name], action, note } });
    expect(result.transitionRefund.userErrors).toEqual([]);
  };

  beforeAll(async () => {
    server = await startTestServer(kind, { clock: () => now });
    shop = await setupShop(server);
    for (const name of ["A", "B", "C", "D"]) customers[name] = (await shop.customer(name)).client;

    // A: an automatic refund, then 10 days later a repeat request handled by three staff roles.
    const a1 = await order("A1", "A", new Date(now.getTime() - H), "NOT_SHIPPED");
    await request("RA1", "A", a1);
    await waitForStatus(shop.staff.AGENT, refunds.RA1!, "REFUNDED");
    at(10 * D);
    const a2 = await order("A2", "A", new Date(now.getTime() - H)); // paid 10 d after RA1 ended: RA1 repurchased
    await request("RA2", "A", a2);
    at(10 * D + 2 * H);
    await act(shop.staff.AGENT, "RA2", "APPROVE");
    at(11 * D);
    await act(shop.staff.WAREHOUSE, "RA2", "CONFIRM_NOT_RECEIVED");
    at(12 * D + 5 * H);
    await act(shop.staff.FINANCE, "RA2", "FINANCE_APPROVE");
    await waitForStatus(shop.staff.AGENT, refunds.RA2!, "REFUNDED");
    at(20 * D);
    await order("A3", "A", new Date(now.getTime() - 30 * 60_000)); // within 30 d of RA2's end

    // B: cancelled by the customer (a person, no staff); 40 days later a request that is no repeat, rejected.
    at(21 * D);
    const b1 = await order("B1", "B", new Date(now.getTime() - 2 * H));
    await request("RB1", "B", b1);
    at(21 * D + H);
    await act(customers.B!, "RB1", "CANCEL");
    at(61 * D);
    const b2 = await order("B2", "B", new Date(now.getTime() - H));
    await request("RB2", "B", b2);
    at(63 * D);
    await act(shop.staff.AGENT, "RB2", "REJECT", "not eligible");
    // An order sync moves B1's payment three hours earlier, to another hour.
    await order("B1", "B", new Date(Date.parse("2026-10-01T00:00:00Z") + 21 * D - 5 * H));

    // C: an order already paid 5 days after the moment its automatic refund ends.
    at(64 * D);
    const c1 = await order("C1", "C", new Date(now.getTime() - H), "NOT_SHIPPED");
    await order("C2", "C", new Date(now.getTime() + 5 * D));
    await request("RC1", "C", c1);
    await waitForStatus(shop.staff.AGENT, refunds.RC1!, "REFUNDED");

    // D: still waiting for review.
    const d1 = await order("D1", "D", new Date(now.getTime() - H));
    await request("RD1", "D", d1);
    at(65 * D);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const shopId = () => rawId(shop.shopId);
  const facts = () =>
    server.app.db.prisma.refund.findMany({
      where: { shopId: shopId() },
      select: { id: true, personActed: true, firstStaffResponseAt: true, repeatRequest: true, repurchased: true },
      orderBy: { id: "asc" },
    });
  // Hours an order moved out of keep a zero row; the rebuild writes none.
  const hours = () => server.app.db.prisma.orderPaidHour.findMany({ where: { shopId: shopId(), orders: { not: 0 } }, orderBy: { hour: "asc" } });
  const metrics = async (variables: Record<string, string> = {}) =>
    (await shop.staff.AGENT.request<{ refundMetrics: Record<string, any> }>(METRICS, { from: "2026-09-25T00:00:00Z", to: "2026-12-20T00:00:00Z", ...variables })).refundMetrics; // eslint-disable-line @typescript-eslint/no-explicit-any

  it("keeps the facts the base rows give, as the rebuild derives them", async () => {
    const kept = await facts();
    const byName = Object.fromEntries(Object.entries(refunds).map(([name, id]) => [name, kept.find((row) => row.id === rawId(id))!]));
    // The scenario reaches every fact both ways.
    expect(byName.RA1).toMatchObject({ personActed: false, firstStaffResponseAt: null, repeatRequest: false, repurchased: true });
    expect(byName.RA2).toMatchObject({ personActed: true, firstStaffResponseAt: new Date(Date.parse("2026-10-01T00:00:00Z") + 10 * D + 2 * H), repeatRequest: true, repurchased: true });
    expect(byName.RB1).toMatchObject({ personActed: true, firstStaffResponseAt: null, repeatRequest: false, repurchased: false });
    expect(byName.RB2).toMatchObject({ personActed: true, repeatRequest: false, repurchased: false });
    expect(byName.RC1).toMatchObject({ personActed: false, repurchased: true });
    expect(byName.RD1).toMatchObject({ personActed: false, repurchased: false });
    const keptHours = await hours();
    const keptMetrics = await metrics();

    await rebuildRefundMetricsFacts(server.app.db, shopId());
    expect(await facts()).toEqual(kept);
    expect(await hours()).toEqual(keptHours);
    expect(await metrics()).toEqual(keptMetrics);
    expect(keptMetrics).toMatchObject({ orderCount: 8, refundCount: 6, repeatRequests: { count: 1 }, repurchase: { endedCount: 5, repurchasedCount: 3 } });
  });

  it("splits orders and refunds into local days off the hour, with the period's ends inside hours, as the base rows do", async () => {
    // Eucla is UTC+8:45: no local midnight falls on a UTC hour, so every day reads minutes from Order.
    const period = { from: "2026-09-30T20:17:00Z", to: "2026-12-10T03:41:00Z", timeZone: "Australia/Eucla" };
    const m = await metrics(period);
    const expected = await server.app.db.query<{ date: string; orders: number; refunds: number }>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS date, sum(orders)::int AS orders, sum(refunds)::int AS refunds FROM (
         SELECT (("paidAt" AT TIME ZONE 'UTC') AT TIME ZONE $4)::date AS day, 1 AS orders, 0 AS refunds FROM "Order"
          WHERE "shopId" = $1 AND "paidAt" >= ($2::timestamptz AT TIME ZONE 'UTC') AND "paidAt" < ($3::timestamptz AT TIME ZONE 'UTC')
         UNION ALL
         SELECT (("createdAt" AT TIME ZONE 'UTC') AT TIME ZONE $4)::date, 0, 1 FROM "Refund"
          WHERE "shopId" = $1 AND "createdAt" >= ($2::timestamptz AT TIME ZONE 'UTC') AND "createdAt" < ($3::timestamptz AT TIME ZONE 'UTC')
       ) rows GROUP BY day ORDER BY day`,
      [shopId(), period.from, period.to, period.timeZone],
    );
    const busy = m.trend.filter((day: { orders: number; refunds: number }) => day.orders > 0 || day.refunds > 0);
    expect(busy.map(({ date, orders, refunds }: { date: string; orders: number; refunds: number }) => ({ date, orders, refunds }))).toEqual(expected);
    expect(m.orderCount).toBe(8);
    expect(m.trend[0].date).toBe("2026-10-01"); // 20:17 UTC is 05:02 the next local day
  });
});
