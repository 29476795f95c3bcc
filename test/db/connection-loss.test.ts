// PostgreSQL kills the server's connections while it serves (a restart, a failover, an
// idle-killing proxy, `pg_terminate_backend`): the process must log and replace them, answer
// the next requests, and lose nothing that it acknowledged. An error left unhandled would
// fail this file through vitest's unhandled-error report.
import pg from "pg";
import { type MockInstance, afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { createTestDatabase, postgresAvailable, testDatabaseUrl } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { withServer } from "../support/postgres-server.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";

describe.runIf(postgresAvailable)("connections killed by PostgreSQL", () => {
  let server: TestServer;
  let shop: TestShop;
  let databaseName: string;
  // The pool's warning for each lost connection, and the workers' errors for work cut off by a
  // kill, are what this file causes on purpose: kept here and checked, not printed.
  const printed: string[] = [];
  let quiet: MockInstance[] = [];

  beforeAll(async () => {
    const keep = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
    quiet = [vi.spyOn(console, "warn").mockImplementation(keep), vi.spyOn(console, "error").mockImplementation(keep)];
    // A payment call cut off by the kill is retried once its claim expires.
    server = await startTestServer("postgres", { paymentClaimMs: 500 });
    shop = await setupShop(server);
    const [row] = await server.app.db.query<{ name: string }>("SELECT current_database() AS name");
    databaseName = row!.name;
  });
  afterAll(async () => {
    await server?.stop();
    for (const spy of quiet) spy.mockRestore();
  });

  /** Terminates every backend of the server's database; resolves once they are gone. */
  async function killConnections(): Promise<number> {
    return withServer(testDatabaseUrl!, async (admin) => {
      // Chosen first, terminated after: in one WHERE the planner may call pg_terminate_backend
      // before it filters by database.
      const killed = await admin.query<{ pid: number }>(
        `WITH chosen AS MATERIALIZED (SELECT pid FROM pg_stat_activity WHERE datname = $1)
         SELECT pid FROM chosen WHERE pg_terminate_backend(pid)`,
        [databaseName],
      );
      for (;;) {
        const left = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1)", [
          killed.rows.map((row) => row.pid),
        ]);
        if (left.rows[0]!.n === 0) return killed.rowCount ?? 0;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
  }

  async function refundOf(customerExternalId: string, shippingStatus: "NOT_SHIPPED" | "SHIPPED") {
    const customer = await shop.customer(customerExternalId);
    const orderId = await shop.order(customerExternalId, { paidAmount: 5000, shippingStatus });
    return customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND", idempotencyKey: `${customerExternalId}-1` },
    });
  }

  it("replaces idle connections that were killed and serves the next requests", async () => {
    await refundOf("c-before-kill", "SHIPPED");
    expect(await killConnections()).toBeGreaterThan(0);

    // Requests, the payment worker and the plugin-free background sweeps all go on.
    const after = await refundOf("c-after-kill", "NOT_SHIPPED");
    expect(after.requestRefund.userErrors).toEqual([]);
    await waitForStatus(shop.staff.AGENT, after.requestRefund.refund!.id, "REFUNDED");
    expect(printed.some((line) => /a connection was lost and will be replaced/.test(line)), printed.join("\n")).toBe(true);
  });

  it("answers every request while connections are killed under load, and keeps each acknowledged refund exactly once", async () => {
    const customers = Array.from({ length: 12 }, (_, index) => `c-load-${index}`);
    const load = Promise.all(
      customers.map(async (externalId, index) => {
        await new Promise((resolve) => setTimeout(resolve, index * 15));
        try {
          return { externalId, refundId: (await refundOf(externalId, "NOT_SHIPPED")).requestRefund.refund?.id ?? null };
        } catch (error) {
          // A request whose connection died answers with an error (no hang, no crash): the
          // driver's, or SERVICE_UNAVAILABLE when the pool could not reach the database at all.
          expect(String(error)).toMatch(/Unexpected error|terminat|Connection|SERVICE_UNAVAILABLE/i);
          return { externalId, refundId: null };
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    await killConnections();
    const outcomes = await load;

    // Retrying a failed request with its idempotency key never makes a second refund.
    for (const outcome of outcomes.filter((candidate) => candidate.refundId === null)) {
      const order = await server.app.db.prisma.order.findFirst({ where: { customer: { externalId: outcome.externalId } } });
      if (!order) continue; // the request died before the order was stored: nothing to keep
      const customer = await server.app.db.prisma.customer.findFirstOrThrow({ where: { externalId: outcome.externalId } });
      const refunds = await server.app.db.prisma.refund.count({ where: { customerId: customer.id } });
      expect(refunds).toBeLessThanOrEqual(1);
    }
    for (const outcome of outcomes.filter((candidate) => candidate.refundId !== null)) {
      await waitForStatus(shop.staff.AGENT, outcome.refundId!, "REFUNDED");
    }
    const stored = await server.app.db.query<{ externalId: string; refunds: number; transitions: number; payments: number }>(
      `SELECT c."externalId", count(DISTINCT r.id)::int AS refunds, count(DISTINCT t.id)::int AS transitions,
              count(DISTINCT p.id)::int AS payments
         FROM "Customer" c JOIN "Refund" r ON r."customerId" = c.id
         LEFT JOIN "RefundTransition" t ON t."refundId" = r.id
         LEFT JOIN "PaymentRefundAttempt" p ON p."refundId" = r.id
        WHERE c."externalId" LIKE 'c-load-%' GROUP BY c."externalId"`,
    );
    const acknowledged = outcomes.filter((outcome) => outcome.refundId !== null).map((outcome) => outcome.externalId);
    for (const externalId of acknowledged) {
      // REQUEST, CLASSIFY, PAYMENT_SUCCEEDED; one payment attempt.
      expect(stored.find((row) => row.externalId === externalId)).toMatchObject({ refunds: 1, transitions: 3, payments: 1 });
    }
    expect(acknowledged.length).toBeGreaterThan(0);
  });

  it("closes every connection before close() resolves, so dropping the database right after hurts no one", async () => {
    const testDb = await createTestDatabase("postgres");
    const name = new URL(testDb.options.databaseUrl!).pathname.slice(1);
    const db = await openDatabase({ ...testDb.options, poolSize: 6 });
    // Connected beforehand, as the test harness's drop is, so that it looks right after close().
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    try {
      // Fill the pool: parallel statements each hold a connection for a moment.
      await Promise.all(Array.from({ length: 6 }, () => db.query("SELECT pg_sleep(0.05)")));
      await db.close();
      const left = await admin.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1", [name]);
      expect(left.rows[0]!.n).toBe(0);
    } finally {
      await admin.end();
      await testDb.drop();
    }
  });
});
