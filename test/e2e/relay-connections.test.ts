// The connections added beside unbounded lists, and the staff `orders` filter: the same rows
// as the lists, in the same order, page by page with no gap and no repeat; scoped to the
// caller's shop and role like the lists.
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { eventually } from "../support/patience.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";

interface Page {
  edges: Array<{ cursor: string; node: { id: string } & Record<string, unknown> }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Every node of a connection, read `size` at a time through `after` (`filter` for `orders`). */
async function readAll(client: GraphQLClient, field: string, size: number, filter?: Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 50; pages += 1) {
    const answer: Record<string, Page> = await client.request(
      filter
        ? `query ($after: String, $filter: OrderFilter) { ${field}(first: ${size}, after: $after, filter: $filter) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`
        : `query ($after: String) { ${field}(first: ${size}, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`,
      { after, ...(filter && { filter }) },
    );
    const page = answer[field]!;
    expect(page.edges.length).toBeLessThanOrEqual(size);
    ids.push(...page.edges.map((edge) => edge.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
  throw new Error(`${field} did not end`);
}

const errorCode = (error: unknown) => (error as { response?: { errors?: Array<{ extensions?: { code?: string } }> } }).response?.errors?.[0]?.extensions?.code;

describe.each(backends)("connections beside lists on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let other: TestShop;
  let ming: { id: string; client: GraphQLClient };
  let mingOrders: string[];
  let liOrder: string;
  let refundId: string;

  beforeAll(async () => {
    // Coupons and notifications: Customer.couponsConnection and Refund.notificationsConnection.
    server = await startTestServer(kind, { plugins: ["coupons", "notifications"] });
    shop = await setupShop(server);
    other = await setupShop(server);
    ming = await shop.customer("conn-ming");
    await shop.customer("conn-li");
    mingOrders = [];
    for (const n of [1, 2, 3]) mingOrders.push(await shop.order("conn-ming", { externalId: `MING-ORDER-${n}`, paidAmount: 5000, shippingStatus: "SHIPPED" }));
    liOrder = await shop.order("conn-li", { externalId: "LI-ORDER-1", paidAmount: 5000, shippingStatus: "NOT_SHIPPED" });
    await other.customer("conn-ming");
    await other.order("conn-ming", { externalId: "MING-ORDER-9", paidAmount: 5000, shippingStatus: "SHIPPED" });

    // Two refunds on one order (the first cancelled, which frees its amount), one with a history.
    const request = () => ming.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId: mingOrders[0], type: "REFUND_ONLY", reasonCode: "LOGISTICS", amount: 1000 } });
    const first = (await request()).requestRefund.refund!;
    const cancelled = await ming.client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: first.id, action: "CANCEL" } });
    expect(cancelled.transitionRefund.userErrors).toEqual([]);
    refundId = (await request()).requestRefund.refund!.id;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("filters staff orders by customer and by part of the external id, within the shop", async () => {
    const agent = shop.staff.AGENT;
    const byCustomer = await readAll(agent, "orders", 2, { customerId: ming.id });
    expect(byCustomer.sort()).toEqual([...mingOrders].sort());
    expect((await readAll(agent, "orders", 10, { search: "ming-order-2" }))).toEqual([mingOrders[1]]);
    expect((await readAll(agent, "orders", 10, { search: "ORDER-1" })).sort()).toEqual([mingOrders[0], liOrder].sort());
    expect(await readAll(agent, "orders", 10, { customerId: refundId })).toEqual([]);
    // Another shop's agent naming this shop's customer finds none of its orders.
    expect(await readAll(other.staff.AGENT, "orders", 10, { customerId: ming.id })).toEqual([]);
    await expect(ming.client.request(`{ orders(first: 1) { edges { node { id } } } }`)).rejects.toSatisfy((error) => errorCode(error) === "FORBIDDEN");
  });

  it("pages the shop's API tokens and audit entries as the deprecated lists answer them, for the shop admin only", async () => {
    const admin = shop.staff.SHOP_ADMIN;
    const lists = await admin.request<{ apiTokens: Array<{ id: string }>; auditEntries: Array<{ id: string }> }>(`{ apiTokens { id } auditEntries(first: 200) { id } }`);
    expect(lists.apiTokens.length).toBeGreaterThanOrEqual(7);
    expect(await readAll(admin, "apiTokensConnection", 3)).toEqual(lists.apiTokens.map((token) => token.id));
    expect(await readAll(admin, "auditEntriesConnection", 2)).toEqual(lists.auditEntries.map((entry) => entry.id));
    const foreign = await other.staff.SHOP_ADMIN.request<{ apiTokensConnection: Page }>(`{ apiTokensConnection(first: 100) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`);
    expect(foreign.apiTokensConnection.edges.map((edge) => edge.node.id)).not.toContain(lists.apiTokens[0]!.id);
    for (const field of ["apiTokensConnection", "auditEntriesConnection"]) {
      await expect(shop.staff.AGENT.request(`{ ${field}(first: 1) { edges { node { id } } } }`)).rejects.toSatisfy((error) => errorCode(error) === "FORBIDDEN");
      await expect(other.staff.SHOP_ADMIN.request(`query ($shopId: ID) { ${field}(first: 1, shopId: $shopId) { edges { node { id } } } }`, { shopId: shop.shopId })).rejects.toSatisfy(
        (error) => errorCode(error) === "NOT_FOUND",
      );
    }
  });

  it("pages shops: every shop for a platform admin, its own for anyone else", async () => {
    const all = await readAll(server.admin, "shopsConnection", 1);
    expect(all).toEqual(expect.arrayContaining([shop.shopId, other.shopId]));
    expect(new Set(all).size).toBe(all.length);
    expect(await readAll(shop.staff.AGENT, "shopsConnection", 10)).toEqual([shop.shopId]);
    expect(await readAll(ming.client, "shopsConnection", 10)).toEqual([shop.shopId]);
  });

  it("pages an order's refunds and a refund's transitions as the lists answer them", async () => {
    const read = await ming.client.request<{
      order: { refunds: Array<{ id: string }>; refundsConnection: Page };
      refund: { transitions: Array<{ id: string }>; transitionsConnection: Page; first: Page };
    }>(
      `query ($orderId: ID!, $refundId: ID!) {
        order(id: $orderId) { refunds { id } refundsConnection(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }
        refund(id: $refundId) {
          transitions { id }
          transitionsConnection(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
          first: transitionsConnection(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
        }
      }`,
      { orderId: mingOrders[0], refundId },
    );
    expect(read.order.refunds).toHaveLength(2);
    expect(read.order.refundsConnection.edges.map((edge) => edge.node.id)).toEqual(read.order.refunds.map((refund) => refund.id));
    expect(read.refund.transitions.length).toBeGreaterThanOrEqual(2);
    expect(read.refund.transitionsConnection.edges.map((edge) => edge.node.id)).toEqual(read.refund.transitions.map((transition) => transition.id));
    expect(read.refund.first.edges.map((edge) => edge.node.id)).toEqual([read.refund.transitions[0]!.id]);
    expect(read.refund.first.pageInfo.hasNextPage).toBe(true);
  });

  it("pages a refund's notifications and a customer's coupons as the deprecated lists answer them", async () => {
    const zhao = await shop.customer("conn-zhao");
    const refundIds: string[] = [];
    for (const n of [1, 2, 3]) {
      // Unshipped: refunded with no human touch, and each refund earns a coupon.
      const orderId = await shop.order("conn-zhao", { paidAmount: 5000 + n, shippingStatus: "NOT_SHIPPED" });
      const requested = await zhao.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" } });
      expect(requested.requestRefund.userErrors).toEqual([]);
      refundIds.push(requested.requestRefund.refund!.id);
    }
    for (const id of refundIds) await waitForStatus(zhao.client, id, "REFUNDED");
    await server.app.settle();
    const LISTS = `query ($customerId: ID!, $refundId: ID!) { node(id: $customerId) { ... on Customer { coupons { code } } } refund(id: $refundId) { notifications { id } } }`;
    type Lists = { node: { coupons: Array<{ code: string }> }; refund: { notifications: Array<{ id: string }> } };
    const lists = await eventually(
      () => zhao.client.request<Lists>(LISTS, { customerId: zhao.id, refundId: refundIds[0] }),
      (read) => read.node.coupons.length === 3 && read.refund.notifications.length >= 2,
    );

    /** Every node of a nested connection, `size` at a time through `after`. */
    const pages = async (query: string, variables: Record<string, unknown>, pick: (answer: never) => { edges: Array<{ node: Record<string, string> }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } }, key: string) => {
      const read: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 20; page += 1) {
        const connection = pick(await zhao.client.request<never>(query, { ...variables, after }));
        expect(connection.edges.length).toBeLessThanOrEqual(1);
        read.push(...connection.edges.map((edge) => edge.node[key]!));
        if (!connection.pageInfo.hasNextPage) return read;
        after = connection.pageInfo.endCursor;
      }
      throw new Error("the connection did not end");
    };
    const coupons = await pages(
      `query ($id: ID!, $after: String) { node(id: $id) { ... on Customer { couponsConnection(first: 1, after: $after) { edges { node { code } } pageInfo { hasNextPage endCursor } } } } }`,
      { id: zhao.id },
      (answer: { node: { couponsConnection: never } }) => answer.node.couponsConnection,
      "code",
    );
    expect(coupons).toEqual(lists.node.coupons.map((coupon) => coupon.code));
    const notifications = await pages(
      `query ($id: ID!, $after: String) { refund(id: $id) { notificationsConnection(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
      { id: refundIds[0] },
      (answer: { refund: { notificationsConnection: never } }) => answer.refund.notificationsConnection,
      "id",
    );
    expect(notifications).toEqual(lists.refund.notifications.map((notification) => notification.id));

    // Another shop's staff see none of them.
    const foreign = await other.staff.AGENT.request<{ node: null }>(`query ($id: ID!) { node(id: $id) { ... on Customer { couponsConnection(first: 5) { edges { node { code } } } } } }`, { id: zhao.id });
    expect(foreign.node).toBeNull();
  });
});
