// Performance is guarded by counting SQL statements, not by timing (timings are `npm run
// bench`'s): what a staff APPROVE and an automatic refund cost with the default plugins on, as
// users run them, counting everything they trigger (payment, hook deliveries, the plugins' own
// work), and a list page whose statements do not grow with its size. A transaction's COMMIT
// counts (Prisma reports it), its BEGIN does not. A change that adds a statement fails here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { type TestServer, type TestShop, requestShippedRefund, setupShop, startTestServer } from "../support/server.js";
import { statementsOf as countStatements } from "../support/statements.js";
import { rawId } from "../support/ids.js";
import { type WechatStandIn, startWechatStandIn } from "../support/wechat-pay-standin.js";

const APPROVE = /* GraphQL */ `
  mutation ($input: TransitionRefundInput!) { transitionRefund(input: $input) { refund { id status } userErrors { code } } }
`;
const REQUEST = /* GraphQL */ `
  mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { id status } userErrors { code } } }
`;
const PAGE = /* GraphQL */ `
  query ($first: Int!) {
    refunds(first: $first, orderBy: CREATED_AT_ASC) {
      edges { node { id status reason { code } order { id } customer { id } transitions { action actor { kind } } } }
    }
  }
`;

/**
 * Statements with the default plugins; each number is what the code sends today. The callers'
 * tokens were seen before, as on a running server: their check is answered from the process's
 * cache and costs none (one before the cache). Each unit of work that writes transitions ends
 * with one statement inserting them numbered in the shop's stream, its payment attempts too
 * (src/services/transition-sequence.ts): the insert, the number and the attempts cost one statement.
 * The hook deliveries a unit writes are inserted claimed by its process, their events read by
 * that insert (src/plugin/hook-facts.ts): delivered after the commit with no claim and no read.
 * The payment result plans from the refund as the request's unit left it: no read of it.
 */
const CEILING = {
  approve: 7,
  automaticRefund: 19,
};

describe.each(backends)("SQL statements on %s, default plugins on", (kind) => {
  let server: TestServer;
  let shop: TestShop;
  let wechat: WechatStandIn;

  beforeAll(async () => {
    wechat = await startWechatStandIn();
    // A sweep's own statements are never counted (test/support/statements.ts); the sweeps are
    // also slowed so that the work a request sets off is done by its own dispatch, not taken
    // over by a sweep, which would make a count smaller than what the request costs. The
    // WeChat Pay provider is loaded too (it has no hooks): orders with no payment still go to
    // the sandbox.
    server = await startTestServer(kind, {
      plugins: ["crm-risk", "coupons", "logistics", "notifications", "wechat-pay"],
      paymentApiUrls: { WECHAT_PAY: wechat.url },
      paymentSweepIntervalMs: 600_000,
      hookDelivery: { sweepIntervalMs: 600_000 },
      timers: { sweepIntervalMs: 600_000 },
      appWebhooks: { sweepIntervalMs: 600_000 },
    });
    shop = await setupShop(server);
    // Caches warm, as on a running server: the shop's settings are read once per process, and
    // so is each token.
    await requestShippedRefund(shop, "warm-up");
    for (const client of Object.values(shop.staff)) await client.request(`{ __typename }`);
    await server.app.settle();
  });
  afterAll(async () => {
    await server?.stop();
    await wechat?.close();
  });

  /** Statements the server sends for `work` and everything it sets off after commit. */
  const statementsOf = (work: () => Promise<unknown>) => countStatements(server.app, work);

  it("checks a token seen before with no statement, and one seen for the first time with one", async () => {
    const customer = await shop.customer("token-check");
    const first = await statementsOf(() => customer.client.request(`{ __typename }`));
    expect(first.length, first.join("\n")).toBe(1);
    expect(first[0]).toMatch(/FROM "public"\."ApiToken"/);
    expect(await statementsOf(() => customer.client.request(`{ __typename }`))).toEqual([]);
  });

  it(`a staff APPROVE with its hook deliveries takes at most ${CEILING.approve}`, async () => {
    const { refundId } = await requestShippedRefund(shop, "approve");
    const statements = await statementsOf(async () => {
      const result = await shop.staff.AGENT.request<{ transitionRefund: { userErrors: unknown[] } }>(APPROVE, { input: { refundId, action: "APPROVE" } });
      expect(result.transitionRefund.userErrors).toEqual([]);
    });
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(CEILING.approve);
  });

  it(`an automatic refund with its payment and hook deliveries takes at most ${CEILING.automaticRefund}`, async () => {
    const customer = await shop.customer("automatic");
    const orderId = await shop.order("automatic", { paidAmount: 5_000, shippingStatus: "NOT_SHIPPED" });
    await customer.client.request(`{ __typename }`); // the customer's app has been used before
    let refundId = "";
    const statements = await statementsOf(async () => {
      const result = await customer.client.request<{ requestRefund: { refund: { id: string } } }>(REQUEST, {
        input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" },
      });
      refundId = result.requestRefund.refund.id;
    });
    const refund = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(refundId) } });
    expect(refund.status).toBe("REFUNDED");
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(CEILING.automaticRefund);
  });

  /** A customer's shipped order of one item, and that item's id. */
  async function shippedOrder(customerExternalId: string) {
    const customer = await shop.customer(customerExternalId);
    const orderId = await shop.order(customerExternalId, { paidAmount: 15_900, shippingStatus: "SHIPPED" });
    const order = await shop.staff.AGENT.request<{ order: { items: Array<{ id: string }> } }>(`query ($id: ID!) { order(id: $id) { items { id } } }`, { id: orderId });
    return { customer, orderId, orderItemId: order.order.items[0]!.id };
  }

  it("a request of line items costs one statement more than a request of the whole order (the items' insert)", async () => {
    const counts: number[] = [];
    for (const byItem of [false, true]) {
      const { customer, orderId, orderItemId } = await shippedOrder(`request-items-${byItem}`);
      const statements = await statementsOf(async () => {
        const result = await customer.client.request<{ requestRefund: { userErrors: unknown[] } }>(REQUEST, {
          input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", ...(byItem && { items: [{ orderItemId, quantity: 1 }] }) },
        });
        expect(result.requestRefund.userErrors).toEqual([]);
      });
      counts.push(statements.length);
    }
    expect(counts[1]).toBe(counts[0]! + 1);
  });

  it("PASS_INSPECTION with per-item results costs one statement more than without (the items' update); APPROVE costs the same", async () => {
    const approves: number[] = [];
    const inspections: number[] = [];
    for (const byItem of [false, true]) {
      const { customer, orderId, orderItemId } = await shippedOrder(`inspect-items-${byItem}`);
      const requested = await customer.client.request<{ requestRefund: { refund: { id: string; items: Array<{ id: string }> } } }>(
        `mutation ($input: RequestRefundInput!) { requestRefund(input: $input) { refund { id items { id } } } }`,
        { input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", ...(byItem && { items: [{ orderItemId, quantity: 1 }] }) } },
      );
      const { id: refundId, items } = requested.requestRefund.refund;
      const act = async (client: typeof customer.client, input: Record<string, unknown>) => {
        const result = await client.request<{ transitionRefund: { userErrors: unknown[] } }>(APPROVE, { input: { refundId, ...input } });
        expect(result.transitionRefund.userErrors).toEqual([]);
      };
      approves.push((await statementsOf(() => act(shop.staff.AGENT, { action: "APPROVE" }))).length);
      await act(customer.client, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF", trackingNumber: `SF-${byItem}` });
      await act(shop.staff.WAREHOUSE, { action: "RECEIVE_RETURN" });
      const itemResults = byItem ? { itemResults: items.map((item) => ({ refundItemId: item.id, passedQuantity: 1 })) } : {};
      inspections.push((await statementsOf(() => act(shop.staff.WAREHOUSE, { action: "PASS_INSPECTION", ...itemResults }))).length);
    }
    expect(approves[1]).toBe(approves[0]);
    expect(inspections[1]).toBe(inspections[0]! + 1);
  });

  it(`a staff APPROVE of a return, carrying the shop's default return address, takes at most ${CEILING.approve} too`, async () => {
    const created = await shop.staff.SHOP_ADMIN.request<{ createReturnAddress: { userErrors: unknown[] } }>(
      `mutation ($input: CreateReturnAddressInput!) { createReturnAddress(input: $input) { userErrors { code } } }`,
      { input: { label: "仓", recipient: "售后", phone: "021-5555-0100", province: "上海市", city: "上海市", street: "华腾路 88 号", requirements: "吊牌完好" } },
    );
    expect(created.createReturnAddress.userErrors).toEqual([]);
    const customer = await shop.customer("return");
    const orderId = await shop.order("return", { paidAmount: 15900, shippingStatus: "SHIPPED" });
    // The request reads the shop's policies again (the address changed them): the cache is warm after.
    const requested = await customer.client.request<{ requestRefund: { refund: { id: string } } }>(REQUEST, { input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "NOT_AS_DESCRIBED" } });
    const refundId = requested.requestRefund.refund.id;
    const statements = await statementsOf(async () => {
      const result = await shop.staff.AGENT.request<{ transitionRefund: { refund: { status: string }; userErrors: unknown[] } }>(APPROVE, { input: { refundId, action: "APPROVE" } });
      expect(result.transitionRefund).toEqual({ refund: { id: refundId, status: "AWAITING_RETURN" }, userErrors: [] });
    });
    const refund = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(refundId) } });
    expect(refund.returnAddress).toMatchObject({ recipient: "售后", requirements: "吊牌完好" });
    expect(statements.length, statements.join("\n")).toBeLessThanOrEqual(CEILING.approve);
  });

  it("an exchange's APPROVE stays within APPROVE's ceiling; SHIP_REPLACEMENT costs what RECEIVE_RETURN does (one write of its own: the parcel's insert, the receipt's update)", async () => {
    const customerExternalId = "exchange-cost";
    const customer = await shop.customer(customerExternalId);
    const placed = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string; items: Array<{ id: string }> } } }>(
      `mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id items { id } } } }`,
      {
        input: {
          externalId: "exchange-cost-order",
          customerExternalId,
          items: [{ sku: "RUN-42", name: "shoes", quantity: 1, unitPrice: 15_900, variants: [{ sku: "RUN-43", unitPrice: 15_900 }] }],
          paidAmount: 15_900,
          paidAt: new Date().toISOString(),
          shippingStatus: "SHIPPED",
        },
      },
    );
    const { id: orderId, items } = placed.upsertOrder.order;
    const requested = await customer.client.request<{ requestRefund: { refund: { id: string } } }>(REQUEST, {
      input: { orderId, type: "EXCHANGE", reasonCode: "ORDERED_BY_MISTAKE", items: [{ orderItemId: items[0]!.id, quantity: 1, exchangeSku: "RUN-43" }] },
    });
    const refundId = requested.requestRefund.refund.id;
    const act = async (client: typeof customer.client, input: Record<string, unknown>) => {
      const result = await client.request<{ transitionRefund: { userErrors: unknown[] } }>(APPROVE, { input: { refundId, ...input } });
      expect(result.transitionRefund.userErrors).toEqual([]);
    };
    const approve = await statementsOf(() => act(shop.staff.AGENT, { action: "APPROVE" }));
    expect(approve.length).toBeLessThanOrEqual(CEILING.approve);
    await act(customer.client, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF", trackingNumber: "SF-EXCHANGE-COST" });
    const receive = await statementsOf(() => act(shop.staff.WAREHOUSE, { action: "RECEIVE_RETURN" }));
    await act(shop.staff.WAREHOUSE, { action: "PASS_INSPECTION" });
    const ship = await statementsOf(() => act(shop.staff.WAREHOUSE, { action: "SHIP_REPLACEMENT", carrier: "SF", trackingNumber: "SF-REPLACEMENT-COST" }));
    expect(ship.length).toBe(receive.length);
    expect(receive.filter((sql) => /UPDATE "public"\."ReturnShipment"/.test(sql))).toHaveLength(1);
    // Its one write (the notifications plugin's read of the message joins the parcel too).
    expect(ship.filter((sql) => /^\s*(INSERT|UPDATE|DELETE)\b.*"ReplacementShipment"/s.test(sql))).toEqual([expect.stringMatching(/^INSERT INTO "public"\."ReplacementShipment"/)]);
  });

  it("answers a list page in the same number of statements for 5 refunds and for 50", async () => {
    for (let index = 0; index < 50; index += 1) await requestShippedRefund(shop, `page-${index}`);
    const small = await statementsOf(() => shop.staff.AGENT.request(PAGE, { first: 5 }));
    const large = await statementsOf(() => shop.staff.AGENT.request(PAGE, { first: 50 }));
    expect(large.length, `5 refunds:\n${small.join("\n")}\n\n50 refunds:\n${large.join("\n")}`).toBe(small.length);
    expect(small.length).toBeLessThanOrEqual(6);
  });
  it("an automatic refund through a real provider (the WeChat Pay stand-in) takes at most 2 statements more than through the sandbox", async () => {
    // Last: setting the account changes the shop's configuration, which every process's caches
    // drop (the counts of the tests above assume warm caches).
    const SET_ACCOUNT = `mutation ($input: SetPaymentAccountInput!) { setPaymentAccount(input: $input) { userErrors { code message } } }`;
    await shop.staff.SHOP_ADMIN.request(SET_ACCOUNT, { input: { provider: "WECHAT_PAY", account: wechat.account } });
    // Each refund by a customer of its own: a repeat requester may be held for review (crm-risk).
    let transactions = 0;
    const wechatOrder = async (customerExternalId: string) => {
      const transactionId = `4200000${(transactions += 1)}${Date.now()}`;
      wechat.addTransaction(transactionId, 5_000);
      const result = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } } }>(
        `mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } } }`,
        {
          input: {
            externalId: `wx-${transactionId}`,
            customerExternalId,
            items: [{ sku: "SKU-1", name: "商品", quantity: 1, unitPrice: 5_000 }],
            paidAmount: 5_000,
            paidAt: new Date().toISOString(),
            shippingStatus: "NOT_SHIPPED",
            payment: { provider: "WECHAT_PAY", reference: transactionId, totalAmount: 5_000 },
          },
        },
      );
      return result.upsertOrder.order.id;
    };
    const automatic = async (customerExternalId: string, order: (customerExternalId: string) => Promise<string>) => {
      const customer = await shop.customer(customerExternalId);
      const orderId = await order(customerExternalId);
      let refundId = "";
      const statements = await statementsOf(async () => {
        const result = await customer.client.request<{ requestRefund: { refund: { id: string } } }>(REQUEST, { input: { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" } });
        refundId = result.requestRefund.refund.id;
      });
      expect((await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(refundId) } })).status).toBe("REFUNDED");
      return statements.length;
    };
    await automatic("wechat-warm-up", wechatOrder); // the shop's account read once, as on a running server
    const sandbox = await automatic("through-sandbox", (id) => shop.order(id, { paidAmount: 5_000, shippingStatus: "NOT_SHIPPED" }));
    const throughWechat = await automatic("through-wechat", wechatOrder);
    expect(throughWechat).toBeLessThanOrEqual(sandbox + 2);
  });
});
