// A console's page of 100 refunds with their order, customer, reason and history must cost a
// handful of SQL statements, not one per refund: counted, not timed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoShop } from "../../src/demo/demo-shop.js";
import { backends } from "../support/databases.js";
import { type TestServer, startTestServer } from "../support/server.js";
import { statementsOf } from "../support/statements.js";

const PAGE = /* GraphQL */ `
  query ($first: Int!, $after: String) {
    refunds(first: $first, after: $after) {
      edges {
        node {
          id status availableActions
          requestedAmount { formatted }
          reason { code label }
          customer { name }
          order { externalId paidAmount { amount } }
          transitions { from to action actor { kind } amount { amount } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

type Page = { refunds: { edges: Array<{ node: { id: string; transitions: unknown[] } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } };

describe.each(backends)("query cost on %s", (kind) => {
  let server: TestServer;
  let agentToken: string;

  let total: number;

  beforeAll(async () => {
    // No background sweep takes up the demo's timers (due on its simulated clock, in the past)
    // while it is seeded.
    server = await startTestServer(kind, { paymentSweepIntervalMs: 600_000, hookDelivery: { sweepIntervalMs: 600_000 }, timers: { sweepIntervalMs: 600_000 } });
    // A shop with over a hundred refunds and their histories, played by the demo seeder
    // through the services in-process (about 1,900 statements): seconds on an idle machine,
    // where as many requests over HTTP took half a minute on a loaded one.
    const demo = await seedDemoShop(server.app.db, { refunds: 101 });
    agentToken = demo.tokens.AGENT;
    total = await server.app.db.prisma.refund.count({ where: { shopId: demo.shopId } });
  });
  afterAll(() => server?.stop());

  it("answers a page of 100 refunds with their relations in a handful of statements", async () => {
    let first!: Page;
    const statements = await statementsOf(server.app, async () => {
      first = await server.client(agentToken).request<Page>(PAGE, { first: 100 });
    });
    expect(first.refunds.edges).toHaveLength(100);
    expect(first.refunds.edges.every((edge) => edge.node.transitions.length >= 2)).toBe(true);
    expect(first.refunds.pageInfo.hasNextPage).toBe(true);
    // Token lookup + the refunds with their relations; without batching this would be 500+.
    // Transactions' BEGIN/COMMIT are not counted: none is used by a read.
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(10);

    const second = await server.client(agentToken).request<Page>(PAGE, { first: 100, after: first.refunds.pageInfo.endCursor });
    expect(total).toBeGreaterThan(100);
    expect(second.refunds.edges).toHaveLength(total - 100);
    const ids = new Set([...first.refunds.edges, ...second.refunds.edges].map((edge) => edge.node.id));
    expect(ids.size).toBe(total);
  });
});
