// plugins/coupons: the rules as pure functions, then the plugin end to end over GraphQL — a
// coupon after a refund, the re-order coupon of a wrong-size return, one coupon per trigger
// whatever the redeliveries, and the shop's settings.
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { couponCode, isWrongSizeReturn, triggerKey } from "../../plugins/coupons/rules.js";
import { couponSettings } from "../../plugins/coupons/settings.js";
import type { HookDeliveryWorker } from "../../src/plugin/delivery-worker.js";
import type { AfterTransitionEvent } from "../../src/plugin/index.js";
import { pluginDb } from "../../src/plugin/plugin-db.js";
import { backends } from "../support/databases.js";
import {
  REQUEST_REFUND,
  type RequestRefundResult,
  TRANSITION_REFUND,
  type TransitionRefundResult,
  type UserErrorView,
} from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { statementsOf } from "../support/statements.js";
import { rawId } from "../support/ids.js";
import { PATIENCE_MS } from "../support/patience.js";

const DEFAULTS = couponSettings.parse({});
const DAY_MS = 24 * 60 * 60 * 1000;

describe("coupon rules", () => {
  it("has settings with sensible defaults, filled in around what a shop sets", () => {
    expect(DEFAULTS).toEqual({
      enabled: true,
      refundCoupon: { enabled: true, value: 1000, minimumSpend: 9900, validityDays: 30, onlyOnCareList: false },
      reorderCoupon: {
        enabled: true,
        value: 2000,
        minimumSpend: 0,
        validityDays: 30,
        onlyOnCareList: false,
        reasonCodes: ["ORDERED_BY_MISTAKE"],
        sizeKeywords: ["尺码", "码数", "尺寸", "大小", "偏大", "偏小", "size"],
      },
    });
    expect(couponSettings.parse({ refundCoupon: { value: 500 } }).refundCoupon).toEqual({ enabled: true, value: 500, minimumSpend: 9900, validityDays: 30, onlyOnCareList: false });
    for (const invalid of [
      { refundCoupon: { value: 0 } },
      { refundCoupon: { value: 20_000 } }, // more than its ¥99 minimum spend
      { reorderCoupon: { validityDays: 1.5 } },
      { reorderCoupon: { sizeKeywords: [""] } },
      { refundCoupon: { valeu: 500 } },
      { enabled: "no" },
    ]) {
      expect(couponSettings.safeParse(invalid).success, JSON.stringify(invalid)).toBe(false);
    }
  });

  it("calls a return wrong-size by its reason code or a size word in its description", () => {
    const rule = DEFAULTS.reorderCoupon;
    expect(isWrongSizeReturn({ reasonCode: "ORDERED_BY_MISTAKE", description: null }, rule)).toBe(true);
    expect(isWrongSizeReturn({ reasonCode: "OTHER", description: "尺码偏小，想换大一号" }, rule)).toBe(true);
    expect(isWrongSizeReturn({ reasonCode: "CHANGED_MIND", description: "Wrong SIZE, too tight" }, rule)).toBe(true);
    expect(isWrongSizeReturn({ reasonCode: "NOT_AS_DESCRIBED", description: "颜色与图片不符" }, rule)).toBe(false);
    expect(isWrongSizeReturn({ reasonCode: "CHANGED_MIND", description: null }, rule)).toBe(false);
    expect(isWrongSizeReturn({ reasonCode: "ORDERED_BY_MISTAKE", description: null }, { reasonCodes: [], sizeKeywords: [] })).toBe(false);
  });

  it("keys one coupon per refund and kind, and makes random readable codes", () => {
    expect(triggerKey("REFUND_COMPLETED", "r1")).toBe("refunded:r1");
    expect(triggerKey("REORDER", "r1")).toBe("reorder:r1");
    const codes = Array.from({ length: 2000 }, () => couponCode("REFUND_COMPLETED"));
    for (const code of codes) expect(code).toMatch(/^RF-[A-HJKMNP-Z2-9]{10}$/);
    expect(new Set(codes).size).toBe(codes.length);
    expect(couponCode("REORDER")).toMatch(/^RO-/);
  });
});

// --- end to end ----------------------------------------------------------------------------

const COUPON_FIELDS = /* GraphQL */ `
  fragment CouponFields on Coupon {
    code kind value { amount currency formatted } minimumSpend { amount formatted } expiresAt createdAt
  }
`;
const REFUND_COUPONS = /* GraphQL */ `
  ${COUPON_FIELDS}
  query ($id: ID!) { refund(id: $id) { status coupons { ...CouponFields } } }
`;
const CUSTOMER_COUPONS = /* GraphQL */ `
  ${COUPON_FIELDS}
  query ($id: ID!) { node(id: $id) { ... on Customer { coupons { ...CouponFields } } } }
`;
const UPDATE_SETTINGS = /* GraphQL */ `
  mutation ($input: UpdatePluginSettingsInput!) {
    updatePluginSettings(input: $input) { plugin { name settings } userErrors { code message field } }
  }
`;

interface CouponView {
  code: string;
  kind: string;
  value: { amount: number; currency: string; formatted: string };
  minimumSpend: { amount: number; formatted: string };
  expiresAt: string;
  createdAt: string;
}

describe.each(backends)("coupons plugin on %s", (kind) => {
  let server: TestServer;
  let shop: TestShop;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["coupons"], hookDelivery: { retryBaseMs: 50 } });
    shop = await setupShop(server);
  });
  afterAll(() => server?.stop());

  async function request(client: GraphQLClient, input: Record<string, unknown>) {
    const result = await client.request<RequestRefundResult>(REQUEST_REFUND, { input });
    expect(result.requestRefund.userErrors).toEqual([]);
    return result.requestRefund.refund!;
  }

  async function act(client: GraphQLClient, refundId: string, input: Record<string, unknown>) {
    const result = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, ...input } });
    expect(result.transitionRefund.userErrors).toEqual([]);
    return result.transitionRefund.refund!;
  }

  async function refundCoupons(client: GraphQLClient, refundId: string): Promise<CouponView[]> {
    return (await client.request<{ refund: { coupons: CouponView[] } }>(REFUND_COUPONS, { id: refundId })).refund.coupons;
  }

  async function customerCoupons(client: GraphQLClient, customerId: string): Promise<CouponView[]> {
    return (await client.request<{ node: { coupons: CouponView[] } }>(CUSTOMER_COUPONS, { id: customerId })).node.coupons;
  }

  /** Polls Refund.coupons over GraphQL until it holds `count` coupons. */
  async function waitForCoupons(client: GraphQLClient, refundId: string, count: number, timeoutMs = PATIENCE_MS): Promise<CouponView[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const coupons = await refundCoupons(client, refundId);
      if (coupons.length >= count) return coupons;
      if (Date.now() > deadline) throw new Error(`refund ${refundId} has ${coupons.length} coupons, not ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Waits until every after-hook queued for the refund has run: for checks that nothing came. */
  async function hooksSettled(refundId: string, timeoutMs = PATIENCE_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await server.app.db.prisma.pluginDelivery.count({ where: { refundId: rawId(refundId), status: { not: "DELIVERED" } } })) > 0) {
      if (Date.now() > deadline) throw new Error("after-hooks still pending");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function updateSettings(target: TestShop, settings: unknown) {
    const result = await target.staff.SHOP_ADMIN.request<{
      updatePluginSettings: { plugin: { settings: Record<string, unknown> } | null; userErrors: UserErrorView[] };
    }>(UPDATE_SETTINGS, { input: { plugin: "coupons", settings } });
    return result.updatePluginSettings;
  }

  async function unshippedRefund(target: TestShop, externalId: string, paidAmount = 8900) {
    const customer = await target.customer(externalId);
    const orderId = await target.order(externalId, { paidAmount, shippingStatus: "NOT_SHIPPED", itemName: "纯棉T恤" });
    const refund = await request(customer.client, { orderId, type: "RETURN_AND_REFUND", reasonCode: "ORDERED_BY_MISTAKE" });
    await waitForStatus(customer.client, refund.id, "REFUNDED");
    return { customer, refund };
  }

  /** A delivered order returned for `reasonCode`, approved and shipped back by the customer. */
  async function shippedBackReturn(externalId: string, reasonCode: string, description: string, target: TestShop = shop, known?: { id: string; client: GraphQLClient }) {
    const customer = known ?? (await target.customer(externalId));
    const orderId = await target.order(externalId, { paidAmount: 39900, shippingStatus: "DELIVERED", itemName: "跑步鞋 42码" });
    const refund = await request(customer.client, { orderId, type: "RETURN_AND_REFUND", reasonCode, description });
    expect((await act(target.staff.AGENT, refund.id, { action: "APPROVE" })).status).toBe("AWAITING_RETURN");
    const shipped = await act(customer.client, refund.id, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "SF Express", trackingNumber: "SF1234567890" });
    expect(shipped.status).toBe("RETURN_IN_TRANSIT");
    return { customer, refundId: refund.id };
  }

  it("gives the 89-yuan unshipped auto-refund exactly one coupon, on the refund and on the customer", async () => {
    const { customer, refund } = await unshippedRefund(shop, "c-coupon");
    const [coupon, ...more] = await waitForCoupons(customer.client, refund.id, 1);
    await hooksSettled(refund.id);
    expect(more).toEqual([]);
    expect(coupon).toMatchObject({
      kind: "REFUND_COMPLETED",
      value: { amount: 1000, currency: "CNY", formatted: "¥10.00" },
      minimumSpend: { amount: 9900, formatted: "¥99.00" },
    });
    expect(coupon!.code).toMatch(/^RF-[A-Z2-9]{10}$/);
    expect(Date.parse(coupon!.expiresAt) - Date.parse(coupon!.createdAt)).toBe(30 * DAY_MS);
    expect(await refundCoupons(customer.client, refund.id)).toEqual([coupon]);
    expect(await customerCoupons(customer.client, customer.id)).toEqual([coupon]);
    expect(await customerCoupons(shop.staff.AGENT, customer.id)).toEqual([coupon]);
  });

  it("reads the coupons of a page of refunds and their customers in one statement each", async () => {
    for (let i = 0; i < 3; i += 1) {
      const { customer, refund } = await unshippedRefund(shop, `c-page-${i}`);
      await waitForCoupons(customer.client, refund.id, 1);
      await hooksSettled(refund.id);
    }
    await server.app.payments.drain();
    const count = (query: string) => statementsOf(server.app, () => shop.staff.AGENT.request(query));
    const plain = await count(`query { refunds(first: 50) { edges { node { id customer { id } } } } }`);
    const withCoupons = await count(`query { refunds(first: 50) { edges { node { coupons { code } customer { coupons { code } } } } } }`);
    expect(withCoupons.length - plain.length, withCoupons.join("\n")).toBeLessThanOrEqual(2);
  });

  it("gives a wrong-size return the re-order coupon when it ships back, and the refund coupon once refunded", async () => {
    const { customer, refundId } = await shippedBackReturn("c-size", "ORDERED_BY_MISTAKE", "尺码偏小，想退货");
    const [reorder] = await waitForCoupons(customer.client, refundId, 1);
    expect(reorder).toMatchObject({ kind: "REORDER", value: { amount: 2000, formatted: "¥20.00" }, minimumSpend: { amount: 0 } });
    expect(reorder!.code).toMatch(/^RO-/);

    await act(shop.staff.WAREHOUSE, refundId, { action: "RECEIVE_RETURN" });
    await act(shop.staff.WAREHOUSE, refundId, { action: "PASS_INSPECTION" });
    await act(shop.staff.FINANCE, refundId, { action: "FINANCE_APPROVE" });
    await waitForStatus(customer.client, refundId, "REFUNDED");
    const coupons = await waitForCoupons(customer.client, refundId, 2);
    await hooksSettled(refundId);
    expect(coupons.map((c) => c.kind).sort()).toEqual(["REFUND_COMPLETED", "REORDER"]);
    expect((await customerCoupons(customer.client, customer.id)).map((c) => c.code).sort()).toEqual(coupons.map((c) => c.code).sort());
  });

  it("reads a size problem from the description whatever the reason, and gives other returns none", async () => {
    const bySize = await shippedBackReturn("c-size-text", "CHANGED_MIND", "Size 42 is too small");
    expect((await waitForCoupons(bySize.customer.client, bySize.refundId, 1)).map((c) => c.kind)).toEqual(["REORDER"]);

    const colour = await shippedBackReturn("c-colour", "NOT_AS_DESCRIBED", "颜色与图片不符");
    await hooksSettled(colour.refundId);
    expect(await refundCoupons(colour.customer.client, colour.refundId)).toEqual([]);
  });

  it("creates no second coupon when the same delivery runs again, one after the other or at once", async () => {
    const { customer, refund } = await unshippedRefund(shop, "c-redeliver");
    const [coupon] = await waitForCoupons(customer.client, refund.id, 1);
    await hooksSettled(refund.id);
    const prisma = server.app.db.prisma;
    const refunded = await prisma.refundTransition.findFirstOrThrow({ where: { refundId: rawId(refund.id), toStatus: "REFUNDED" } });
    const delivery = await prisma.pluginDelivery.findUniqueOrThrow({ where: { plugin_transitionId: { plugin: "coupons", transitionId: refunded.id } } });
    expect(delivery).toMatchObject({ status: "DELIVERED", attempts: 1 });

    // As after a crash between the hook's work and the DELIVERED mark: the worker runs it again.
    await prisma.pluginDelivery.update({ where: { id: delivery.id }, data: { status: "PENDING", lockedUntil: null, availableAt: new Date() } });
    await (server.app.services.hookDeliveries as HookDeliveryWorker).deliver([delivery.id]);
    expect(await prisma.pluginDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: "DELIVERED", attempts: 2 });
    expect(await refundCoupons(customer.client, refund.id)).toEqual([coupon]);

    // Hooks racing for a trigger that has no coupon yet (the worker's claim normally keeps a
    // delivery to one process): the unique triggerKey lets exactly one insert through.
    await prisma.coupon.deleteMany({ where: { refundId: rawId(refund.id) } });
    const plugin = server.app.plugins.plugins.get("coupons")!;
    const row = await prisma.refund.findUniqueOrThrow({ where: { id: rawId(refund.id) } });
    const event = {
      refund: row,
      transition: { ...refunded, action: refunded.action, from: refunded.fromStatus, to: refunded.toStatus, actor: { kind: refunded.actorKind } },
    } as unknown as AfterTransitionEvent;
    const ctx = { shopId: row.shopId, settings: DEFAULTS, db: pluginDb(prisma, plugin, row.shopId), idempotencyKey: `coupons:${refunded.id}`, attempt: 3 };
    await Promise.all(Array.from({ length: 5 }, () => plugin.hooks!.afterTransition!(event, ctx)));
    const [reissued, ...duplicates] = await refundCoupons(customer.client, refund.id);
    expect(duplicates).toEqual([]);
    expect(reissued).toMatchObject({ kind: "REFUND_COMPLETED", value: { amount: 1000 } });
    expect(reissued!.code).not.toBe(coupon!.code);
    expect(await customerCoupons(customer.client, customer.id)).toEqual([reissued]);
  });

  it("gives a shop that turned coupons off none, and another shop's terms its own coupons", async () => {
    const off = await setupShop(server);
    expect((await updateSettings(off, { enabled: false })).userErrors).toEqual([]);
    const { customer, refund } = await unshippedRefund(off, "c-off");
    await hooksSettled(refund.id);
    expect(await refundCoupons(customer.client, refund.id)).toEqual([]);
    expect(await customerCoupons(off.staff.AGENT, customer.id)).toEqual([]);

    const custom = await setupShop(server);
    const updated = await updateSettings(custom, { refundCoupon: { value: 500, minimumSpend: 5000, validityDays: 7 } });
    expect(updated.userErrors).toEqual([]);
    expect(updated.plugin!.settings).toMatchObject({ enabled: true, refundCoupon: { enabled: true, value: 500, minimumSpend: 5000, validityDays: 7, onlyOnCareList: false } });
    const other = await unshippedRefund(custom, "c-custom");
    const [coupon] = await waitForCoupons(other.customer.client, other.refund.id, 1);
    expect(coupon).toMatchObject({ value: { amount: 500 }, minimumSpend: { amount: 5000 } });
    expect(Date.parse(coupon!.expiresAt) - Date.parse(coupon!.createdAt)).toBe(7 * DAY_MS);
  });

  it("gives the re-order coupon only to customers on the care list when the shop says so", async () => {
    const caring = await setupShop(server);
    expect((await updateSettings(caring, { reorderCoupon: { onlyOnCareList: true } })).userErrors).toEqual([]);
    // On the list: an earlier refund of theirs ended (the shop's default 30 days).
    const returning = await unshippedRefund(caring, "c-cared");
    const cared = await shippedBackReturn("c-cared", "ORDERED_BY_MISTAKE", "尺码偏小", caring, returning.customer);
    expect((await waitForCoupons(cared.customer.client, cared.refundId, 1)).map((c) => c.kind)).toEqual(["REORDER"]);
    // Not on it: a first-time customer's wrong-size return earns nothing here.
    const first = await shippedBackReturn("c-first", "ORDERED_BY_MISTAKE", "尺码偏小", caring);
    await hooksSettled(first.refundId);
    expect(await refundCoupons(first.customer.client, first.refundId)).toEqual([]);
  });

  it("refuses invalid settings with INVALID_INPUT", async () => {
    for (const settings of [{ refundCoupon: { value: -100 } }, { refundCoupon: { value: 20_000 } }, { reorderCoupon: { validityDays: 0 } }, { coupon: true }]) {
      const result = await updateSettings(shop, settings);
      expect(result.plugin).toBeNull();
      expect(result.userErrors).toEqual([{ code: "INVALID_INPUT", message: expect.stringMatching(/^Invalid settings: /), field: ["input", "settings"] }]);
    }
  });
});

