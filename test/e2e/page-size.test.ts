// One page-size rule for every connection, over HTTP: `first`/`last` from 0 to 100 is served;
// above 100 or below 0 the whole operation is refused with extensions.code
// PAGE_SIZE_OUT_OF_RANGE before anything runs, instead of a shorter page than asked for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_PAGE_SIZE } from "../../src/limits/page-size.js";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, setupShop, startTestServer, tokenOf } from "../support/server.js";

interface Answer {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string; argument?: string; max?: number } }>;
  extensions?: { cost?: { requested: number; actual: number } };
}

describe.each(backends)("page sizes on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let orderIds: string[];

  async function post(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokenOf(shop.staff.AGENT)}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer;
  }

  function expectRefused(answer: Answer, argument: string) {
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: "PAGE_SIZE_OUT_OF_RANGE", argument, max: MAX_PAGE_SIZE });
    expect(answer.errors![0]!.message).toMatch(/0 to 100/);
  }

  beforeAll(async () => {
    server = await startTestServer(kind);
    shop = await setupShop(server);
    await shop.customer("pages-1");
    orderIds = [];
    for (let i = 0; i < 3; i += 1) orderIds.push(await shop.order("pages-1", { paidAmount: 1000 + i, shippingStatus: "SHIPPED" }));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("serves a page of exactly the maximum, and 0", async () => {
    expect(MAX_PAGE_SIZE).toBe(100);
    const full = await post(`query ($n: Int) { orders(first: $n) { edges { node { id } } pageInfo { hasNextPage } } }`, { n: MAX_PAGE_SIZE });
    expect(full.errors).toBeUndefined();
    expect(full.data).toEqual({ orders: { edges: expect.any(Array), pageInfo: { hasNextPage: false } } });
    expect((full.data!.orders as { edges: Array<{ node: { id: string } }> }).edges.map((edge) => edge.node.id).sort()).toEqual([...orderIds].sort());
    const last = await post(`{ refunds(last: 100) { edges { node { id } } } staffMembers(first: 0) { edges { node { id } } } }`);
    expect(last.errors).toBeUndefined();
    const two = await post(`{ orders(first: 2) { edges { node { id } } pageInfo { hasNextPage } } }`);
    expect(two.data).toEqual({ orders: { edges: [expect.anything(), expect.anything()], pageInfo: { hasNextPage: true } } });
  });

  it("refuses one more than the maximum with a clear error, as a literal or a variable, first or last", async () => {
    expectRefused(await post(`{ refunds(first: 101) { edges { node { id } } } }`), "first");
    expectRefused(await post(`{ refunds(first: 1000) { edges { node { id } } } }`), "first");
    expectRefused(await post(`query ($n: Int) { orders(last: $n) { edges { node { id } } } }`, { n: MAX_PAGE_SIZE + 1 }), "last");
  });

  it("refuses a negative size", async () => {
    expectRefused(await post(`{ refunds(first: -1) { edges { node { id } } } }`), "first");
    expectRefused(await post(`query ($n: Int) { staffMembers(last: $n) { edges { node { id } } } }`, { n: -5 }), "last");
  });

  it("holds for every kind of connection: nested, offset-paged, and inside a mutation's answer, which then changes nothing", async () => {
    expectRefused(await post(`{ customers(first: 1) { edges { node { refunds(first: 101) { edges { node { id } } } } } } }`), "first");
    expectRefused(await post(`{ productRefundStats(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", first: 101) { edges { node { sku } } } }`), "first");
    const mutation = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokenOf(shop.staff.INTEGRATION)}` },
      body: JSON.stringify({
        query: `mutation ($input: UpsertCustomerInput!) { upsertCustomer(input: $input) { customer { refunds(first: 500) { edges { node { id } } } } userErrors { code } } }`,
        variables: { input: { externalId: "pages-never", name: "Never" } },
      }),
    });
    expectRefused((await mutation.json()) as Answer, "first");
    const customers = await post(`{ customers(first: 100) { edges { node { externalId } } } }`);
    expect((customers.data!.customers as { edges: Array<{ node: { externalId: string } }> }).edges.map((edge) => edge.node.externalId)).toEqual(["pages-1"]);
  });

  it("takes nothing from the caller's budget for a refused page", async () => {
    const refused = await post(`{ refunds(first: 101) { edges { node { id } } } }`);
    expect(refused.extensions?.cost).toMatchObject({ actual: 0 });
  });
});
