// A console's page of 100 refunds with their order, customer, reason and history must cost a
// handful of SQL statements, not one per refund: counted, not timed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestRefund } from "../../src/services/request-refund.js";
import { backends } from "../support/databases.js";
import { type TestServer, setupShop, startTestServer, tokenOf } from "../support/server.js";

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

  beforeAll(async () => {
    server = await startTestServer(kind);
    const shop = await setupShop(server);
    agentToken = tokenOf(shop.staff.AGENT);
    const shopId = Buffer.from(shop.shopId, "base64").toString().split(":")[1]!;
    const viewer = { tokenId: "setup", role: "SHOP_ADMIN" as const, shopId, customerId: null, label: "setup" };
    for (let index = 0; index < 105; index += 1) {
      const customerExternalId = `cost-${index % 20}`;
      if (index < 20) await shop.customer(customerExternalId);
      const orderId = await shop.order(customerExternalId, { paidAmount: 5000 + index, shippingStatus: index % 3 === 0 ? "NOT_SHIPPED" : "SHIPPED" });
      await requestRefund(server.app.services, viewer, {
        orderId: Buffer.from(orderId, "base64").toString().split(":")[1]!,
        type: "REFUND_ONLY",
        reasonCode: index % 2 ? "LOGISTICS" : "CHANGED_MIND",
      });
    }
    await server.app.payments.drain();
  });
  afterAll(() => server?.stop());

  it("answers a page of 100 refunds with their relations in a handful of statements", async () => {
    const statements: string[] = [];
    const stop = server.app.db.onQuery((sql) => statements.push(sql));
    const first = await server.client(agentToken).request<Page>(PAGE, { first: 100 });
    stop();
    expect(first.refunds.edges).toHaveLength(100);
    expect(first.refunds.edges.every((edge) => edge.node.transitions.length >= 2)).toBe(true);
    expect(first.refunds.pageInfo.hasNextPage).toBe(true);
    // Token lookup + the refunds with their relations; without batching this would be 500+.
    // Transactions' BEGIN/COMMIT are not counted: none is used by a read.
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(10);

    const second = await server.client(agentToken).request<Page>(PAGE, { first: 100, after: first.refunds.pageInfo.endCursor });
    expect(second.refunds.edges).toHaveLength(5);
    const ids = new Set([...first.refunds.edges, ...second.refunds.edges].map((edge) => edge.node.id));
    expect(ids.size).toBe(105);
  });
});
