// Return policies and return addresses, end to end on both backends with the app's clock fixed:
// a return without a reason on day 8 after delivery refused with the policy's words, a quality
// problem on day 8 accepted, exempt goods refused, staff overriding with a recorded reason,
// Order.returnEligibility saying the same before; the default return address copied onto an
// approved return, shown to the customer and in its notification; bad input; other shops.
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { rawId } from "../support/ids.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer } from "../support/server.js";
import { PATIENCE_MS } from "../support/patience.js";

const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) { upsertOrder(input: $input) { order { id } userErrors { code message field } } }
`;
const SET_POLICY = /* GraphQL */ `
  mutation ($input: SetReturnPolicyInput!) {
    setReturnPolicy(input: $input) {
      returnPolicy { scope category skuPattern noReasonDays qualityDays exemption terms qualityReasonCodes }
      userErrors { code message field }
    }
  }
`;
const POLICIES = /* GraphQL */ `query { returnPolicies { scope category skuPattern noReasonDays qualityDays exemption terms qualityReasonCodes } }`;
const ELIGIBILITY = /* GraphQL */ `
  query ($id: ID!, $reasonCode: String) {
    order(id: $id) {
      returnEligibility(reasonCode: $reasonCode) {
        reasonClass eligible code message deadline
        items { orderItemId sku name category eligible code message deadline exemption policyScope terms }
      }
    }
  }
`;
const ADDRESS_FIELDS = "id label recipient phone province city district street postalCode requirements isDefault";
const CREATE_ADDRESS = /* GraphQL */ `
  mutation ($input: CreateReturnAddressInput!) { createReturnAddress(input: $input) { returnAddress { ${ADDRESS_FIELDS} } userErrors { code message field } } }
`;
const UPDATE_ADDRESS = /* GraphQL */ `
  mutation ($input: UpdateReturnAddressInput!) { updateReturnAddress(input: $input) { returnAddress { ${ADDRESS_FIELDS} } userErrors { code message field } } }
`;
const ADDRESSES = /* GraphQL */ `query { returnAddresses { ${ADDRESS_FIELDS} } }`;
const REFUND_RETURN = /* GraphQL */ `
  query ($id: ID!) {
    refund(id: $id) {
      status
      returnAddress { label recipient phone province city district street postalCode requirements }
      policyOverride { code reason }
      transitions { action actor { kind role } }
      notifications { message }
    }
  }
`;

interface UserErrorView {
  code: string;
  message: string;
  field: string[] | null;
}
interface EligibilityView {
  eligible: boolean;
  code: string | null;
  message: string;
  deadline: string | null;
}
type OrderEligibility = EligibilityView & { reasonClass: string; items: Array<EligibilityView & { orderItemId: string; sku: string; exemption: string | null; policyScope: string; terms: string }> };

const D = 24 * 60 * 60 * 1000;
const DELIVERED = Date.parse("2026-11-01T10:00:00Z");

describe.each(backends)("return policies and return addresses on %s", (kind) => {
  let server: TestServer;
  let now = new Date(DELIVERED);
  const onDay = (days: number) => (now = new Date(DELIVERED + days * D));

  beforeAll(async () => {
    server = await startTestServer(kind, { clock: () => now, plugins: ["notifications"] });
  });
  afterAll(() => server?.stop());

  let orders = 0;
  /** A customer's order with these items, delivered on day 0 (or not shipped). */
  async function order(shop: TestShop, customerRef: string, items: Array<{ sku: string; name: string; unitPrice: number; category?: string }>, shippingStatus = "DELIVERED") {
    orders += 1;
    const result = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string } | null; userErrors: UserErrorView[] } }>(UPSERT_ORDER, {
      input: {
        externalId: `rp-${orders}`,
        customerExternalId: customerRef,
        items: items.map((item) => ({ quantity: 1, ...item })),
        paidAmount: items.reduce((sum, item) => sum + item.unitPrice, 0),
        paidAt: new Date(DELIVERED - 2 * D).toISOString(),
        shippingStatus,
        ...(shippingStatus === "DELIVERED" && { deliveredAt: new Date(DELIVERED).toISOString() }),
      },
    });
    expect(result.upsertOrder.userErrors).toEqual([]);
    return result.upsertOrder.order!.id;
  }

  async function request(client: GraphQLClient, input: Record<string, unknown>) {
    return (await client.request<RequestRefundResult & { requestRefund: { userErrors: UserErrorView[] } }>(REQUEST_REFUND, { input })).requestRefund;
  }

  async function eligibility(client: GraphQLClient, orderId: string, reasonCode?: string) {
    return (await client.request<{ order: { returnEligibility: OrderEligibility } }>(ELIGIBILITY, { id: orderId, reasonCode })).order.returnEligibility;
  }

  async function setPolicy(client: GraphQLClient, input: Record<string, unknown>) {
    return (await client.request<{ setReturnPolicy: { returnPolicy: Record<string, unknown> | null; userErrors: UserErrorView[] } }>(SET_POLICY, { input })).setReturnPolicy;
  }

  async function refundsOf(orderId: string) {
    return server.app.db.prisma.refund.count({ where: { orderId: rawId(orderId) } });
  }

  const SEVEN_DAYS = "七天无理由退货：签收后 7 天内可无理由退货，质量问题 30 天内可退。";

  describe("the window and exempt goods", () => {
    let shop: TestShop;
    let customer: { id: string; client: GraphQLClient };
    const shirt = { sku: "TEE-RED-M", name: "红色T恤 M", unitPrice: 9900, category: "apparel" };

    beforeAll(async () => {
      onDay(0);
      shop = await setupShop(server);
      customer = await shop.customer("c1");
    });

    it("with a new shop's defaults: 7 days without a reason, 15 for quality problems, counted from delivery", async () => {
      expect((await shop.staff.AGENT.request<{ returnPolicies: unknown[] }>(POLICIES)).returnPolicies).toEqual([
        {
          scope: "DEFAULT",
          category: null,
          skuPattern: null,
          noReasonDays: 7,
          qualityDays: 15,
          exemption: null,
          terms: null,
          qualityReasonCodes: ["NOT_AS_DESCRIBED", "LOGISTICS"],
        },
      ]);
      const orderId = await order(shop, "c1", [shirt]);
      onDay(6);
      const open = await eligibility(customer.client, orderId);
      expect(open).toMatchObject({ reasonClass: "NO_REASON", eligible: true, code: null, deadline: new Date(DELIVERED + 7 * D).toISOString() });
      onDay(8);
      const closed = await eligibility(customer.client, orderId);
      expect(closed).toMatchObject({ eligible: false, code: "RETURN_WINDOW_CLOSED", deadline: new Date(DELIVERED + 7 * D).toISOString() });
      expect(closed.message).toContain("Returns without a reason within 7 days of delivery; quality problems within 15 days of delivery.");
      expect(await eligibility(customer.client, orderId, "NOT_AS_DESCRIBED")).toMatchObject({ reasonClass: "QUALITY", eligible: true, deadline: new Date(DELIVERED + 15 * D).toISOString() });
    });

    it("refuses a return without a reason on day 8 with the policy's words, and accepts a quality problem on day 8", async () => {
      onDay(0);
      const set = await setPolicy(shop.staff.SHOP_ADMIN, { qualityDays: 30, terms: SEVEN_DAYS });
      expect(set).toEqual({
        returnPolicy: { scope: "SHOP", category: null, skuPattern: null, noReasonDays: null, qualityDays: 30, exemption: null, terms: SEVEN_DAYS, qualityReasonCodes: ["NOT_AS_DESCRIBED", "LOGISTICS"] },
        userErrors: [],
      });
      const changedMind = await order(shop, "c1", [shirt]);
      const quality = await order(shop, "c1", [shirt]);
      const resent = await order(shop, "c1", [shirt]);
      onDay(6);
      const first = await request(customer.client, { orderId: resent, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", idempotencyKey: "resent-1" });
      expect(first.userErrors).toEqual([]);
      onDay(8);
      // A request resent with its key after the window closed answers the refund it made in time.
      const again = await request(customer.client, { orderId: resent, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", idempotencyKey: "resent-1" });
      expect([again.userErrors, again.refund?.id]).toEqual([[], first.refund!.id]);
      // Before the button: the same answer requestRefund gives.
      const before = await eligibility(customer.client, changedMind, "CHANGED_MIND");
      expect(before).toMatchObject({ eligible: false, code: "RETURN_WINDOW_CLOSED" });
      expect(before.items).toEqual([
        expect.objectContaining({ sku: "TEE-RED-M", eligible: false, code: "RETURN_WINDOW_CLOSED", policyScope: "SHOP", terms: SEVEN_DAYS, exemption: null }),
      ]);

      const refused = await request(customer.client, { orderId: changedMind, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND" });
      expect(refused.refund).toBeNull();
      expect(refused.userErrors).toEqual([
        {
          code: "RETURN_WINDOW_CLOSED",
          message: `红色T恤 M: the time to return it without a reason ended ${new Date(DELIVERED + 7 * D).toISOString()} (7 days from delivery): ${SEVEN_DAYS}`,
          field: ["input", "orderId"],
        },
      ]);
      expect(await refundsOf(changedMind)).toBe(0);
      // ORDERED_BY_MISTAKE is a return without a reason too.
      expect((await request(customer.client, { orderId: changedMind, type: "RETURN_AND_REFUND", reasonCode: "ORDERED_BY_MISTAKE" })).userErrors[0]!.code).toBe("RETURN_WINDOW_CLOSED");

      expect((await eligibility(customer.client, quality, "NOT_AS_DESCRIBED")).deadline).toBe(new Date(DELIVERED + 30 * D).toISOString());
      const accepted = await request(customer.client, { orderId: quality, type: "RETURN_AND_REFUND", reasonCode: "NOT_AS_DESCRIBED" });
      expect(accepted.userErrors).toEqual([]);
      expect(accepted.refund!.status).toBe("PENDING_REVIEW");
      onDay(31);
      expect((await request(customer.client, { orderId: await order(shop, "c1", [shirt]), type: "RETURN_AND_REFUND", reasonCode: "NOT_AS_DESCRIBED" })).userErrors[0]!.code).toBe(
        "RETURN_WINDOW_CLOSED",
      );
    });

    it("lets staff override the policy with a reason, recorded on the refund; a customer cannot", async () => {
      onDay(0);
      const orderId = await order(shop, "c1", [shirt]);
      onDay(8);
      const forbidden = await request(customer.client, { orderId, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", overridePolicy: { reason: "I want to" } });
      expect(forbidden.userErrors).toEqual([{ code: "FORBIDDEN", message: "Only staff (AGENT, SHOP_ADMIN) may override the return policy", field: ["input", "overridePolicy"] }]);
      const blank = await request(shop.staff.AGENT, { orderId, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", overridePolicy: { reason: "  " } });
      expect(blank.userErrors.map((error) => [error.code, error.field])).toEqual([["NOTE_REQUIRED", ["input", "overridePolicy", "reason"]]]);
      expect((await request(shop.staff.AGENT, { orderId, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND" })).userErrors[0]!.code).toBe("RETURN_WINDOW_CLOSED");
      expect(await refundsOf(orderId)).toBe(0);

      const overridden = await request(shop.staff.AGENT, { orderId, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", overridePolicy: { reason: "VIP customer, one day late: goodwill" } });
      expect(overridden.userErrors).toEqual([]);
      const refundId = overridden.refund!.id;
      const seenByStaff = await shop.staff.AGENT.request<{ refund: { policyOverride: unknown; transitions: Array<{ action: string; actor: { role: string } }> } }>(REFUND_RETURN, { id: refundId });
      expect(seenByStaff.refund.policyOverride).toEqual({ code: "RETURN_WINDOW_CLOSED", reason: "VIP customer, one day late: goodwill" });
      expect(seenByStaff.refund.transitions[0]).toEqual({ action: "REQUEST", actor: { kind: "USER", role: "AGENT" } });
      // The shop's reasons are its own: the customer sees its refund, not the override.
      const seenByCustomer = await customer.client.request<{ refund: { policyOverride: unknown } }>(REFUND_RETURN, { id: refundId });
      expect(seenByCustomer.refund.policyOverride).toBeNull();
    });

    it("refuses exempt goods without a quality problem (NOT_RETURNABLE), by SKU pattern; a category may have a longer window", async () => {
      onDay(0);
      const fresh = await setPolicy(shop.staff.SHOP_ADMIN, { skuPattern: "FRESH-*", exemption: "FRESH_FOOD", terms: "生鲜商品非质量问题不支持退货。" });
      expect(fresh.userErrors).toEqual([]);
      expect((await setPolicy(shop.staff.SHOP_ADMIN, { category: "furniture", noReasonDays: 30, qualityDays: 60 })).userErrors).toEqual([]);
      const apples = { sku: "FRESH-APPLE-5KG", name: "烟台苹果 5kg", unitPrice: 5900 };
      const sofa = { sku: "SOFA-1", name: "布艺沙发", unitPrice: 199900, category: "furniture" };
      const applesOrder = await order(shop, "c1", [apples]);
      const mixed = await order(shop, "c1", [sofa, apples]);
      const sofaOrder = await order(shop, "c1", [sofa]);
      onDay(1);

      const before = await eligibility(customer.client, applesOrder);
      expect(before).toMatchObject({ eligible: false, code: "NOT_RETURNABLE", deadline: null });
      expect(before.items).toEqual([expect.objectContaining({ sku: "FRESH-APPLE-5KG", exemption: "FRESH_FOOD", policyScope: "SKU", terms: "生鲜商品非质量问题不支持退货。" })]);
      const refused = await request(customer.client, { orderId: applesOrder, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" });
      expect(refused.userErrors).toEqual([
        { code: "NOT_RETURNABLE", message: "烟台苹果 5kg cannot be returned without a quality problem: 生鲜商品非质量问题不支持退货。", field: ["input", "orderId"] },
      ]);
      expect(await refundsOf(applesOrder)).toBe(0);
      // The whole order comes back only if every item may.
      const mixedView = await eligibility(customer.client, mixed);
      expect(mixedView.items.map((item) => [item.sku, item.eligible, item.code, item.policyScope]).sort()).toEqual([
        ["FRESH-APPLE-5KG", false, "NOT_RETURNABLE", "SKU"],
        ["SOFA-1", true, null, "CATEGORY"],
      ]);
      expect(mixedView).toMatchObject({ eligible: false, code: "NOT_RETURNABLE" });
      // A request of line items is judged by those items only: the sofa may go back without the apples.
      const itemOf = (sku: string) => mixedView.items.find((item) => item.sku === sku)!.orderItemId;
      const applesOnly = await request(customer.client, { orderId: mixed, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND", items: [{ orderItemId: itemOf("FRESH-APPLE-5KG"), quantity: 1 }] });
      expect(applesOnly.userErrors.map((error) => error.code)).toEqual(["NOT_RETURNABLE"]);
      const sofaOnly = await request(customer.client, { orderId: mixed, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND", items: [{ orderItemId: itemOf("SOFA-1"), quantity: 1 }] });
      expect(sofaOnly.userErrors).toEqual([]);
      expect(await refundsOf(mixed)).toBe(1);
      // A quality problem with fresh food is returnable.
      expect((await request(customer.client, { orderId: applesOrder, type: "REFUND_ONLY", reasonCode: "NOT_AS_DESCRIBED" })).userErrors).toEqual([]);

      onDay(20);
      const sofaView = await eligibility(customer.client, sofaOrder);
      expect(sofaView).toMatchObject({ eligible: true, deadline: new Date(DELIVERED + 30 * D).toISOString() });
      expect(sofaView.items[0]!.terms).toBe("Returns without a reason within 30 days of delivery; quality problems within 60 days of delivery.");
      expect((await request(customer.client, { orderId: sofaOrder, type: "RETURN_AND_REFUND", reasonCode: "CHANGED_MIND" })).userErrors).toEqual([]);
    });

    it("has no window before delivery: an order not shipped is still refunded at once, whenever", async () => {
      onDay(0);
      const orderId = await order(shop, "c1", [{ sku: "FRESH-PEAR", name: "梨", unitPrice: 3900 }], "NOT_SHIPPED");
      onDay(90);
      expect(await eligibility(customer.client, orderId)).toMatchObject({ eligible: true, code: null, deadline: null });
      const requested = await request(customer.client, { orderId, type: "REFUND_ONLY", reasonCode: "CHANGED_MIND" });
      expect(requested.userErrors).toEqual([]);
      expect(["REFUNDING", "REFUNDED"]).toContain(requested.refund!.status);
    });
  });

  describe("return addresses", () => {
    let shop: TestShop;
    let customer: { id: string; client: GraphQLClient };
    const shanghai = {
      label: "上海仓",
      recipient: "售后部 王磊",
      phone: "021-5555-0100",
      province: "上海市",
      city: "上海市",
      district: "青浦区",
      street: "华新镇华腾路 88 号 3 号库",
      postalCode: "201708",
      requirements: "吊牌完好、未穿着、配件齐全",
    };

    async function createAddress(client: GraphQLClient, input: Record<string, unknown>) {
      return (await client.request<{ createReturnAddress: { returnAddress: Record<string, unknown> | null; userErrors: UserErrorView[] } }>(CREATE_ADDRESS, { input })).createReturnAddress;
    }
    async function updateAddress(client: GraphQLClient, input: Record<string, unknown>) {
      return (await client.request<{ updateReturnAddress: { returnAddress: Record<string, unknown> | null; userErrors: UserErrorView[] } }>(UPDATE_ADDRESS, { input })).updateReturnAddress;
    }
    async function approvedReturn(type = "RETURN_AND_REFUND") {
      const orderId = await order(shop, "c2", [{ sku: "SHOE-42", name: "跑鞋 42码", unitPrice: 39900 }]);
      const requested = await request(customer.client, { orderId, type, reasonCode: "NOT_AS_DESCRIBED" });
      expect(requested.userErrors).toEqual([]);
      const approved = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: requested.refund!.id, action: "APPROVE" } });
      expect(approved.transitionRefund.userErrors).toEqual([]);
      return requested.refund!.id;
    }

    beforeAll(async () => {
      onDay(0);
      shop = await setupShop(server);
      customer = await shop.customer("c2");
    });

    it("gives an approved return the default address and its requirements: the customer sees it, and its notification carries it", async () => {
      const first = await createAddress(shop.staff.SHOP_ADMIN, shanghai);
      expect(first.userErrors).toEqual([]);
      expect(first.returnAddress).toMatchObject({ ...shanghai, isDefault: true });
      const second = await createAddress(shop.staff.SHOP_ADMIN, { label: "广州仓", recipient: "退货组", phone: "020-5555-0200", province: "广东省", city: "广州市", street: "白云区太和镇 1 号" });
      expect(second.returnAddress).toMatchObject({ isDefault: false, district: null, postalCode: null, requirements: null });
      expect((await shop.staff.WAREHOUSE.request<{ returnAddresses: Array<{ label: string }> }>(ADDRESSES)).returnAddresses.map((address) => address.label)).toEqual(["上海仓", "广州仓"]);

      const refundId = await approvedReturn();
      const { id: _id, isDefault: _default, ...snapshot } = first.returnAddress as Record<string, unknown>;
      const seen = await customer.client.request<{ refund: { status: string; returnAddress: unknown; notifications: Array<{ message: string }> } }>(REFUND_RETURN, { id: refundId });
      expect(seen.refund.status).toBe("AWAITING_RETURN");
      expect(seen.refund.returnAddress).toEqual(snapshot);

      // The message of the approval, written after commit by the plugin.
      const deadline = Date.now() + PATIENCE_MS;
      let message: string | undefined;
      while (!message && Date.now() < deadline) {
        const read = await customer.client.request<{ refund: { notifications: Array<{ message: string }> } }>(REFUND_RETURN, { id: refundId });
        message = read.refund.notifications.find((notification) => notification.message.includes("您的退货申请已通过"))?.message;
        if (!message) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(message).toContain("退货地址：售后部 王磊 021-5555-0100 上海市 上海市 青浦区 华新镇华腾路 88 号 3 号库 201708。退货要求：吊牌完好、未穿着、配件齐全。");

      // A later edit does not rewrite what the customer was told; the next approval gets the new default.
      const moved = await updateAddress(shop.staff.SHOP_ADMIN, { id: second.returnAddress!.id, isDefault: true });
      expect(moved.userErrors).toEqual([]);
      expect((await updateAddress(shop.staff.SHOP_ADMIN, { id: first.returnAddress!.id, street: "华新镇华腾路 99 号" })).returnAddress).toMatchObject({ street: "华新镇华腾路 99 号", isDefault: false });
      expect((await customer.client.request<{ refund: { returnAddress: unknown } }>(REFUND_RETURN, { id: refundId })).refund.returnAddress).toEqual(snapshot);
      const next = await customer.client.request<{ refund: { returnAddress: { label: string } } }>(REFUND_RETURN, { id: await approvedReturn() });
      expect(next.refund.returnAddress.label).toBe("广州仓");
      // Accepting an offer to return for a full refund is an approved return too.
      const offered = await order(shop, "c2", [{ sku: "SHOE-43", name: "跑鞋 43码", unitPrice: 39900 }]);
      const offerRefund = (await request(customer.client, { orderId: offered, type: "REFUND_ONLY", reasonCode: "NOT_AS_DESCRIBED" })).refund!.id;
      const offer = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, {
        input: { refundId: offerRefund, action: "OFFER_RESOLUTION", offerOptions: [{ kind: "RETURN_WITH_FULL_REFUND" }] },
      });
      const optionId = offer.transitionRefund.refund!.resolutionOptions[0]!.id;
      const accepted = await customer.client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId: offerRefund, action: "ACCEPT_OFFER", optionId } });
      expect(accepted.transitionRefund.userErrors).toEqual([]);
      const afterOffer = await customer.client.request<{ refund: { status: string; returnAddress: { label: string } } }>(REFUND_RETURN, { id: offerRefund });
      expect([afterOffer.refund.status, afterOffer.refund.returnAddress.label]).toEqual(["AWAITING_RETURN", "广州仓"]);
      // A refund with nothing to send back has no address.
      const refundOnly = await customer.client.request<{ refund: { status: string; returnAddress: unknown } }>(REFUND_RETURN, { id: await approvedReturn("REFUND_ONLY") });
      expect(refundOnly.refund).toMatchObject({ status: "AWAITING_WAREHOUSE", returnAddress: null });
    });

    it("makes exactly one of five concurrent first addresses the default", async () => {
      const fresh = await setupShop(server);
      const created = await Promise.all(Array.from({ length: 5 }, (_, index) => createAddress(fresh.staff.SHOP_ADMIN, { ...shanghai, label: `仓 ${index}` })));
      expect(created.flatMap((result) => result.userErrors)).toEqual([]);
      const listed = (await fresh.staff.SHOP_ADMIN.request<{ returnAddresses: Array<{ isDefault: boolean }> }>(ADDRESSES)).returnAddresses;
      expect(listed.map((address) => address.isDefault).sort()).toEqual([false, false, false, false, true]);
    });

    it("refuses bad addresses and a second default or none, writing nothing", async () => {
      const before = (await shop.staff.SHOP_ADMIN.request<{ returnAddresses: unknown[] }>(ADDRESSES)).returnAddresses;
      const refused = async (promise: Promise<{ returnAddress: unknown; userErrors: UserErrorView[] }>, code: string, field: string[]) => {
        const result = await promise;
        expect(result.returnAddress).toBeNull();
        expect(result.userErrors.map((error) => [error.code, error.field])).toEqual([[code, field]]);
      };
      const { phone: _phone, ...noPhone } = shanghai;
      await refused(createAddress(shop.staff.SHOP_ADMIN, { ...noPhone, phone: "" }), "RETURN_ADDRESS_INCOMPLETE", ["input", "phone"]);
      await refused(createAddress(shop.staff.SHOP_ADMIN, { ...shanghai, street: "   " }), "RETURN_ADDRESS_INCOMPLETE", ["input", "street"]);
      await refused(createAddress(shop.staff.SHOP_ADMIN, { ...shanghai, requirements: "x".repeat(501) }), "RETURN_ADDRESS_INCOMPLETE", ["input", "requirements"]);
      await refused(createAddress(shop.staff.SHOP_ADMIN, { ...shanghai, isDefault: true }), "RETURN_ADDRESS_DEFAULT", ["input", "isDefault"]);
      const current = before[0] as { id: string };
      await refused(updateAddress(shop.staff.SHOP_ADMIN, { id: current.id, isDefault: false }), "RETURN_ADDRESS_DEFAULT", ["input", "isDefault"]);
      await refused(updateAddress(shop.staff.SHOP_ADMIN, { id: current.id, recipient: "" }), "RETURN_ADDRESS_INCOMPLETE", ["input", "recipient"]);
      expect((await shop.staff.SHOP_ADMIN.request<{ returnAddresses: unknown[] }>(ADDRESSES)).returnAddresses).toEqual(before);
      // A shop's first address is its default.
      const empty = await setupShop(server);
      await refused(createAddress(empty.staff.SHOP_ADMIN, { ...shanghai, isDefault: false }), "RETURN_ADDRESS_DEFAULT", ["input", "isDefault"]);
      expect((await empty.staff.SHOP_ADMIN.request<{ returnAddresses: unknown[] }>(ADDRESSES)).returnAddresses).toEqual([]);
    });

    it("keeps addresses and policies to the shop's admin and staff: other roles, customers and other shops cannot read or change them", async () => {
      const [address] = (await shop.staff.SHOP_ADMIN.request<{ returnAddresses: Array<{ id: string; street: string }> }>(ADDRESSES)).returnAddresses;
      for (const client of [shop.staff.AGENT, shop.staff.WAREHOUSE, customer.client]) {
        expect((await createAddress(client, shanghai)).userErrors[0]!.code).toBe("FORBIDDEN");
        expect((await updateAddress(client, { id: address!.id, street: "x" })).userErrors[0]!.code).toBe("FORBIDDEN");
        expect((await setPolicy(client, { noReasonDays: 30 })).userErrors[0]!.code).toBe("FORBIDDEN");
      }
      for (const query of [ADDRESSES, POLICIES]) {
        await expect(customer.client.request(query)).rejects.toThrow(/FORBIDDEN|needs one of the roles/);
      }
      const node = `query ($id: ID!) { node(id: $id) { ... on ReturnAddress { street } } }`;
      expect((await customer.client.request<{ node: unknown }>(node, { id: address!.id })).node).toBeNull();

      const other = await setupShop(server);
      expect((await updateAddress(other.staff.SHOP_ADMIN, { id: address!.id, street: "被改了" })).userErrors.map((error) => error.code)).toEqual(["NOT_FOUND"]);
      expect((await other.staff.SHOP_ADMIN.request<{ node: unknown }>(node, { id: address!.id })).node).toBeNull();
      expect((await other.staff.AGENT.request<{ returnAddresses: unknown[] }>(ADDRESSES)).returnAddresses).toEqual([]);
      expect((await setPolicy(other.staff.SHOP_ADMIN, { noReasonDays: 3, qualityDays: 3 })).userErrors).toEqual([]);
      expect((await shop.staff.AGENT.request<{ returnPolicies: Array<{ noReasonDays: number }> }>(POLICIES)).returnPolicies[0]!.noReasonDays).toBe(7);
      expect((await shop.staff.AGENT.request<{ returnAddresses: Array<{ street: string }> }>(ADDRESSES)).returnAddresses[0]!.street).toBe(address!.street);
    });
  });

  describe("bad policies", () => {
    it("refuses each with a stable code and writes nothing", async () => {
      const shop = await setupShop(server);
      const cases: Array<[Record<string, unknown>, string, string[]]> = [
        [{ noReasonDays: 0 }, "INVALID_RETURN_WINDOW", ["input", "noReasonDays"]],
        [{ noReasonDays: -7 }, "INVALID_RETURN_WINDOW", ["input", "noReasonDays"]],
        [{ qualityDays: 100_000 }, "INVALID_RETURN_WINDOW", ["input", "qualityDays"]],
        [{ noReasonDays: 30, qualityDays: 15 }, "INVALID_RETURN_WINDOW", ["input", "qualityDays"]],
        [{ category: "food", exemption: "PERISHABLE" }, "UNKNOWN_EXEMPTION_KIND", ["input", "exemption"]],
        [{ skuPattern: "", exemption: "DIGITAL" }, "INVALID_SKU_PATTERN", ["input", "skuPattern"]],
        [{ skuPattern: "**", exemption: "DIGITAL" }, "INVALID_SKU_PATTERN", ["input", "skuPattern"]],
        [{ skuPattern: "EBOOK *", exemption: "DIGITAL" }, "INVALID_SKU_PATTERN", ["input", "skuPattern"]],
        [{ category: "food", skuPattern: "F-*" }, "INVALID_INPUT", ["input"]],
        [{ qualityReasonCodes: ["NOT_AS_DESCRIBED", "BROKEN_PROMISE"] }, "UNKNOWN_REASON_CODE", ["input", "qualityReasonCodes"]],
        [{ category: "food", qualityReasonCodes: ["LOGISTICS"] }, "INVALID_INPUT", ["input", "qualityReasonCodes"]],
      ];
      for (const [input, code, field] of cases) {
        const result = await setPolicy(shop.staff.SHOP_ADMIN, input);
        expect([result.returnPolicy, result.userErrors.map((error) => [error.code, error.field])], JSON.stringify(input)).toEqual([null, [[code, field]]]);
      }
      expect((await shop.staff.SHOP_ADMIN.request<{ returnPolicies: Array<{ scope: string }> }>(POLICIES)).returnPolicies.map((policy) => policy.scope)).toEqual(["DEFAULT"]);
      expect(await server.app.db.prisma.returnPolicy.count({ where: { shopId: rawId(shop.shopId) } })).toBe(0);
    });
  });
});
