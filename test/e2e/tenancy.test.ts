// Shops are tenants: one shop's token can neither read nor change another shop's refunds, a
// customer's token sees only that customer's refunds, and a platform admin sees every shop.
// Anything not visible looks exactly like something that does not exist.
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import {
  REQUEST_REFUND,
  type RequestRefundResult,
  TRANSITION_REFUND,
  type TransitionRefundResult,
  type UserErrorView,
} from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer } from "../support/server.js";
import { rawId } from "../support/ids.js";

const VISIBLE = /* GraphQL */ `
  query ($refundId: ID!, $orderId: ID!, $customerId: ID!, $shopId: ID!, $transitionId: ID!, $reasonTagId: ID!) {
    refund(id: $refundId) { id }
    order(id: $orderId) { id }
    refundNode: node(id: $refundId) { id ... on Refund { status } }
    orderNode: node(id: $orderId) { id }
    customerNode: node(id: $customerId) { id }
    shopNode: node(id: $shopId) { id }
    transitionNode: node(id: $transitionId) { id }
    reasonTagNode: node(id: $reasonTagId) { id }
  }
`;
type Visible = Record<"refund" | "order" | "refundNode" | "orderNode" | "customerNode" | "shopNode" | "transitionNode" | "reasonTagNode", { id: string } | null>;

const LIST = /* GraphQL */ `
  query ($filter: RefundFilter) { refunds(first: 100, filter: $filter) { edges { node { id } } } }
`;
const NODES = /* GraphQL */ `
  query ($ids: [ID!]!) { nodes(ids: $ids) { id } }
`;
const SHOPS = /* GraphQL */ `{ shops { id } }`;
const MY_REFUNDS = /* GraphQL */ `
  query ($refundId: ID!) { refund(id: $refundId) { customer { id refunds(first: 100) { edges { node { id } } } } order { refunds { id } } } }
`;
const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message field } } }
`;
const UPSERT_CUSTOMER = /* GraphQL */ `
  mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { id } userErrors { code message field } } }
`;
const CREATE_API_TOKEN = /* GraphQL */ `
  mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token apiToken { id } userErrors { code message field } } }
`;

type Payload = { userErrors: UserErrorView[] } & Record<string, unknown>;

/** One customer's refund, with the ids around it that a token might try to reach. */
interface Owned {
  shop: TestShop;
  customerExternalId: string;
  customerId: string;
  client: GraphQLClient;
  orderId: string;
  refundId: string;
  transitionId: string;
  reasonTagId: string;
}


const STAFF = ["SHOP_ADMIN", "AGENT", "WAREHOUSE", "FINANCE", "INTEGRATION"] as const;

describe.each(backends)("tenancy on %s", (kind) => {
  let server: TestServer;
  let shopA: TestShop;
  let shopB: TestShop;
  let alice: Owned; // shop A
  let bob: Owned; // shop A
  let carol: Owned; // shop B

  beforeAll(async () => {
    server = await startTestServer(kind);
    shopA = await setupShop(server, "shop A");
    shopB = await setupShop(server, "shop B");
    alice = await owned(shopA, "alice");
    bob = await owned(shopA, "bob");
    carol = await owned(shopB, "carol");
  });
  afterAll(() => server?.stop());

  async function owned(shop: TestShop, customerExternalId: string): Promise<Owned> {
    const customer = await shop.customer(customerExternalId);
    const orderId = await shop.order(customerExternalId, { externalId: `order-of-${customerExternalId}`, paidAmount: 10_000, shippingStatus: "DELIVERED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "NOT_AS_DESCRIBED", amount: 5000, description: `${customerExternalId}'s scarf` },
    });
    expect(requested.requestRefund.userErrors).toEqual([]);
    const refundId = requested.requestRefund.refund!.id;
    const refund = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(refundId) }, include: { transitions: true } });
    return {
      shop,
      customerExternalId,
      customerId: customer.id,
      client: customer.client,
      orderId,
      refundId,
      transitionId: Buffer.from(`RefundTransition:${refund.transitions[0]!.id}`).toString("base64"),
      reasonTagId: Buffer.from(`ReasonTag:${refund.reasonTagId}`).toString("base64"),
    };
  }

  const visible = (client: GraphQLClient, target: Owned) =>
    client.request<Visible>(VISIBLE, {
      refundId: target.refundId,
      orderId: target.orderId,
      customerId: target.customerId,
      shopId: target.shop.shopId,
      transitionId: target.transitionId,
      reasonTagId: target.reasonTagId,
    });
  const listed = async (client: GraphQLClient, filter?: Record<string, unknown>) =>
    (await client.request<{ refunds: { edges: Array<{ node: { id: string } }> } }>(LIST, { filter })).refunds.edges.map((edge) => edge.node.id).sort();
  const transition = (client: GraphQLClient, input: Record<string, unknown>): Promise<Payload> =>
    client.request<TransitionRefundResult>(TRANSITION_REFUND, { input }).then((r) => r.transitionRefund as unknown as Payload);
  const request = (client: GraphQLClient, input: Record<string, unknown>): Promise<Payload> =>
    client.request<RequestRefundResult>(REQUEST_REFUND, { input }).then((r) => r.requestRefund as unknown as Payload);
  const mutate = (client: GraphQLClient, document: string, field: string, input: Record<string, unknown>): Promise<Payload> =>
    client.request<Record<string, Payload>>(document, { input }).then((r) => r[field]!);

  /** Every table's row count and the full rows of every refund: what "nothing written" means. */
  async function database() {
    const p = server.app.db.prisma;
    return {
      counts: [
        await p.shop.count(),
        await p.apiToken.count(),
        await p.customer.count(),
        await p.order.count(),
        await p.orderItem.count(),
        await p.refund.count(),
        await p.refundTransition.count(),
        await p.resolutionOption.count(),
        await p.returnShipment.count(),
        await p.paymentRefundAttempt.count(),
      ],
      refunds: await p.refund.findMany({ orderBy: { id: "asc" }, include: { transitions: true } }),
      orders: await p.order.findMany({ orderBy: { id: "asc" }, include: { items: true } }),
      customers: await p.customer.findMany({ orderBy: { id: "asc" } }),
    };
  }

  async function expectRefused(send: () => Promise<Payload>, code: string, field: string[] | null) {
    const before = await database();
    const payload = await send();
    expect(payload.userErrors).toEqual([{ code, field, message: expect.stringMatching(/\S/) }]);
    for (const [key, value] of Object.entries(payload)) if (key !== "userErrors") expect(value, `payload.${key}`).toBeNull();
    expect(await database()).toEqual(before);
  }

  it("hides another shop's refunds, orders, customers and shop from every role of a shop", async () => {
    for (const role of STAFF) {
      const staff = shopA.staff[role];
      expect(await visible(staff, carol), role).toEqual({
        refund: null,
        order: null,
        refundNode: null,
        orderNode: null,
        customerNode: null,
        shopNode: null,
        transitionNode: null,
        reasonTagNode: null,
      });
      // Its own shop's are there, through the same fields.
      const own = await visible(staff, alice);
      for (const [field, value] of Object.entries(own)) expect(value, `${role} ${field}`).not.toBeNull();

      const list = await listed(staff);
      expect(list, role).toEqual([alice.refundId, bob.refundId].sort());
      expect(await listed(staff, { customerId: carol.customerId }), role).toEqual([]);
      expect(await listed(staff, { search: "carol" }), role).toEqual([]);
      expect(await listed(staff, { search: "order-of-carol" }), role).toEqual([]);
      expect(await staff.request<{ shops: Array<{ id: string }> }>(SHOPS), role).toEqual({ shops: [{ id: shopA.shopId }] });
      // A batch lookup answers null for what cannot be seen, and still answers the rest.
      expect(await staff.request(NODES, { ids: [alice.refundId, carol.refundId, carol.orderId] }), role).toEqual({
        nodes: [{ id: alice.refundId }, null, null],
      });
    }
  });

  it("refuses every change to another shop's refunds, orders and customers with NOT_FOUND, writing nothing", async () => {
    for (const [role, input] of [
      ["AGENT", { action: "APPROVE" }],
      ["AGENT", { action: "APPROVE", expectedVersion: 2 }],
      ["AGENT", { action: "REJECT", note: "not ours, but let's try" }],
      ["AGENT", { action: "OFFER_RESOLUTION", offerOptions: [{ kind: "KEEP_ITEM_WITH_COMPENSATION", amount: 1 }] }],
      ["SHOP_ADMIN", { action: "APPROVE", amount: 1 }],
      ["SHOP_ADMIN", { action: "CANCEL" }],
      ["WAREHOUSE", { action: "CONFIRM_NOT_RECEIVED" }],
      ["FINANCE", { action: "FINANCE_APPROVE" }],
    ] as const) {
      await expectRefused(() => transition(shopA.staff[role], { refundId: carol.refundId, ...input }), "NOT_FOUND", ["input", "refundId"]);
    }
    for (const role of ["SHOP_ADMIN", "AGENT", "INTEGRATION"] as const) {
      await expectRefused(() => request(shopA.staff[role], { orderId: carol.orderId, type: "REFUND_ONLY", reasonCode: "OTHER", amount: 1 }), "NOT_FOUND", ["input", "orderId"]);
    }
    await expectRefused(() => request(alice.client, { orderId: carol.orderId, type: "REFUND_ONLY", reasonCode: "OTHER" }), "NOT_FOUND", ["input", "orderId"]);

    const order = {
      shopId: shopB.shopId,
      externalId: "order-of-carol",
      customerExternalId: "carol",
      items: [{ sku: "HIJACK", name: "x", quantity: 1, unitPrice: 1 }],
      paidAmount: 1,
      paidAt: new Date().toISOString(),
      shippingStatus: "NOT_SHIPPED",
    };
    for (const role of ["INTEGRATION", "SHOP_ADMIN"] as const) {
      await expectRefused(() => mutate(shopA.staff[role], UPSERT_ORDER, "upsertOrder", order), "NOT_FOUND", ["input", "shopId"]);
      await expectRefused(() => mutate(shopA.staff[role], UPSERT_ORDER, "upsertOrder", { ...order, externalId: "new-order" }), "NOT_FOUND", ["input", "shopId"]);
      await expectRefused(() => mutate(shopA.staff[role], UPSERT_CUSTOMER, "upsertCustomer", { shopId: shopB.shopId, externalId: "carol", name: "Renamed" }), "NOT_FOUND", ["input", "shopId"]);
    }
    // Without shopId it is shop A's own sync, where carol is no customer: still nothing of shop B's is reached.
    await expectRefused(() => mutate(shopA.staff.INTEGRATION, UPSERT_ORDER, "upsertOrder", { ...order, shopId: undefined }), "NOT_FOUND", ["input", "customerExternalId"]);

    await expectRefused(() => mutate(shopA.staff.SHOP_ADMIN, CREATE_API_TOKEN, "createApiToken", { shopId: shopB.shopId, role: "AGENT" }), "NOT_FOUND", ["input", "shopId"]);
    await expectRefused(() => mutate(shopA.staff.SHOP_ADMIN, CREATE_API_TOKEN, "createApiToken", { role: "CUSTOMER", customerId: carol.customerId }), "NOT_FOUND", ["input", "customerId"]);

    // Carol's refund is untouched and still where she left it.
    const { refund } = await carol.client.request<{ refund: { status: string; version: number } | null }>(`query ($id: ID!) { refund(id: $id) { status version } }`, { id: carol.refundId });
    expect(refund).toEqual({ status: "PENDING_REVIEW", version: 2 });
  });

  it("keeps idempotency keys per shop: another shop's key neither returns nor blocks its refund", async () => {
    const key = `shared-key-${Date.now()}`;
    const fromA = await request(shopA.staff.AGENT, { orderId: alice.orderId, type: "REFUND_ONLY", reasonCode: "OTHER", amount: 100, idempotencyKey: key });
    expect(fromA.userErrors).toEqual([]);
    const fromB = await request(shopB.staff.AGENT, { orderId: carol.orderId, type: "REFUND_ONLY", reasonCode: "OTHER", amount: 100, idempotencyKey: key });
    expect(fromB.userErrors).toEqual([]);
    const [a, b] = [fromA.refund as { id: string }, fromB.refund as { id: string }];
    expect(b.id).not.toBe(a.id);
    expect(await listed(shopB.staff.AGENT)).toEqual([carol.refundId, b.id].sort());
    // Cancel both again so the other tests see the refunds they expect.
    for (const [client, id] of [[alice.client, a.id], [carol.client, b.id]] as const) {
      expect((await transition(client, { refundId: id, action: "CANCEL" })).userErrors).toEqual([]);
    }
  });

  it("shows a customer only its own refunds, while the shop's staff see them all", async () => {
    expect(await visible(alice.client, bob)).toEqual({
      refund: null,
      order: null,
      refundNode: null,
      orderNode: null,
      customerNode: null,
      shopNode: { id: shopA.shopId }, // its own shop
      transitionNode: null,
      reasonTagNode: { id: bob.reasonTagId }, // the shop's reason tags are public to its customers
    });
    expect(await visible(alice.client, carol)).toMatchObject({ refund: null, refundNode: null, orderNode: null, customerNode: null, shopNode: null });
    const mine = await visible(alice.client, alice);
    for (const [field, value] of Object.entries(mine)) expect(value, field).not.toBeNull();

    const aliceRefunds = (await listed(alice.client)).filter((id) => id === alice.refundId || id === bob.refundId || id === carol.refundId);
    expect(aliceRefunds).toEqual([alice.refundId]);
    expect(await listed(alice.client, { customerId: bob.customerId })).toEqual([]);
    expect(await listed(alice.client, { search: "bob" })).toEqual([]);
    expect(await alice.client.request(NODES, { ids: [bob.refundId, alice.refundId, bob.orderId] })).toEqual({
      nodes: [null, { id: alice.refundId }, null],
    });
    // Related lists reached from its own refund are its own too.
    const related = await alice.client.request<{ refund: { customer: { id: string; refunds: { edges: Array<{ node: { id: string } }> } }; order: { refunds: Array<{ id: string }> } } }>(MY_REFUNDS, {
      refundId: alice.refundId,
    });
    expect(related.refund.customer.id).toBe(alice.customerId);
    expect(related.refund.customer.refunds.edges.every((edge) => edge.node.id !== bob.refundId)).toBe(true);
    expect(related.refund.order.refunds.map((r) => r.id)).not.toContain(bob.refundId);

    // Alice cannot cancel Bob's refund, nor request one on Bob's order.
    await expectRefused(() => transition(alice.client, { refundId: bob.refundId, action: "CANCEL" }), "NOT_FOUND", ["input", "refundId"]);
    await expectRefused(() => transition(alice.client, { refundId: carol.refundId, action: "CANCEL" }), "NOT_FOUND", ["input", "refundId"]);
    await expectRefused(() => request(alice.client, { orderId: bob.orderId, type: "REFUND_ONLY", reasonCode: "OTHER", amount: 1 }), "NOT_FOUND", ["input", "orderId"]);

    // Staff of the shop see both customers' refunds; Bob still sees his own.
    for (const role of STAFF) {
      for (const target of [alice, bob]) {
        const seen = await visible(shopA.staff[role], target);
        expect(seen.refund, `${role} sees ${target.customerExternalId}`).toEqual({ id: target.refundId });
        expect(seen.customerNode).toEqual({ id: target.customerId });
      }
    }
    const bobsView = await visible(bob.client, bob);
    expect(bobsView.refundNode).toEqual({ id: bob.refundId, status: "PENDING_REVIEW" });
  });

  it("lets a platform admin see and reach both shops", async () => {
    const all = await listed(server.admin);
    for (const target of [alice, bob, carol]) {
      expect(all).toContain(target.refundId);
      const seen = await visible(server.admin, target);
      for (const [field, value] of Object.entries(seen)) expect(value, `${target.customerExternalId} ${field}`).not.toBeNull();
    }
    expect(await listed(server.admin, { customerId: carol.customerId })).toContain(carol.refundId);
    expect(await listed(server.admin, { customerId: carol.customerId })).not.toContain(alice.refundId);
    const { shops } = await server.admin.request<{ shops: Array<{ id: string }> }>(SHOPS);
    expect(shops.map((s) => s.id)).toEqual(expect.arrayContaining([shopA.shopId, shopB.shopId]));
    expect(await server.admin.request(NODES, { ids: [alice.refundId, carol.refundId] })).toEqual({
      nodes: [{ id: alice.refundId }, { id: carol.refundId }],
    });
  });
});
