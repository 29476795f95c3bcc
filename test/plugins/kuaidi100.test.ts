// plugins/logistics with Kuaidi100 (快递100): the real plugin subscribes parcels with a Kuaidi100
// stand-in over HTTP (only its base URL changed), receives its signed pushes, polls it, and the
// customer's live subscription sees the return arrive.
import { randomBytes } from "node:crypto";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KUAIDI100_STATES, companyCodeFor, pollKuaidi100, pushSignature, querySignature } from "../../plugins/logistics/index.js";
import type { LogisticsContext } from "../../plugins/logistics/tracking.js";
import { pluginContexts } from "../../src/plugin/routes.js";
import { backends } from "../support/databases.js";
import { type Kuaidi100Trace, chinaTime, startKuaidi100 } from "../support/kuaidi100.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, tokenOf } from "../support/server.js";
import { collect, wsClient } from "../support/subscriptions.js";
import { eventually } from "../support/patience.js";

const UPDATE_SETTINGS = /* GraphQL */ `
  mutation ($input: UpdatePluginSettingsInput!) {
    updatePluginSettings(input: $input) { plugin { name settings secretsSet } userErrors { code message field } }
  }
`;
const RETURN_VIEW = /* GraphQL */ `
  query ($id: ID!) {
    refund(id: $id) {
      status version
      transitions { action actor { kind name } }
      returnShipment {
        carrier trackingNumber exception
        tracking { lastEvent lastMovementAt deliveredAt exception }
        carrierSubscription { provider company mode status returnCode message lastState }
      }
      replacementShipment {
        trackingNumber
        tracking { lastEvent deliveredAt }
        carrierSubscription { company status }
      }
    }
  }
`;
const UPSERT_ORDER = /* GraphQL */ `
  mutation ($input: UpsertOrderInput!) {
    upsertOrder(input: $input) { order { id items { id } } userErrors { code message field } }
  }
`;
const STATUS_CHANGED = /* GraphQL */ `
  subscription ($refundId: ID!, $afterVersion: Int) {
    refundStatusChanged(refundId: $refundId, afterVersion: $afterVersion) { from to action actor { kind name } }
  }
`;

interface Subscription {
  provider: string;
  company: string | null;
  mode: string;
  status: string;
  returnCode: string | null;
  message: string | null;
  lastState: string | null;
}
interface ReturnView {
  status: string;
  version: number;
  transitions: Array<{ action: string; actor: { kind: string; name: string | null } }>;
  returnShipment: {
    carrier: string;
    trackingNumber: string;
    exception: string | null;
    tracking: { lastEvent: string | null; lastMovementAt: string | null; deliveredAt: string | null; exception: string | null } | null;
    carrierSubscription: Subscription | null;
  } | null;
  replacementShipment: { trackingNumber: string; tracking: { lastEvent: string | null; deliveredAt: string | null } | null; carrierSubscription: { company: string; status: string } | null } | null;
}


const HOUR = 3600_000;
/** Scans newest first, as Kuaidi100 lists them, hours ago. */
const scans = (...items: Array<[hoursAgo: number, context: string]>): Kuaidi100Trace[] =>
  items.map(([hoursAgo, context]) => {
    const at = chinaTime(new Date(Date.now() - hoursAgo * HOUR));
    return { time: at, ftime: at, context };
  });

describe("Kuaidi100 vocabulary", () => {
  it("maps what customers type to company codes, and states to tracking events", () => {
    expect(["顺丰", "顺丰速运", "SF", "sf express"].map(companyCodeFor)).toEqual(["shunfeng", "shunfeng", "shunfeng", "shunfeng"]);
    expect(["圆通", "中通快递", "韵达", "申通", "京东", "EMS", "中国邮政", "德邦"].map(companyCodeFor)).toEqual([
      "yuantong", "zhongtong", "yunda", "shentong", "jd", "ems", "youzhengguonei", "debangkuaidi",
    ]);
    expect(companyCodeFor("某某物流")).toBeNull();
    expect(Object.fromEntries(Object.entries(KUAIDI100_STATES).map(([state, { name, status }]) => [name, [state, status]]))).toMatchObject({
      在途: ["0", "IN_TRANSIT"], 揽收: ["1", "IN_TRANSIT"], 疑难: ["2", "EXCEPTION"], 签收: ["3", "DELIVERED"], 退签: ["4", "EXCEPTION"],
      派件: ["5", "IN_TRANSIT"], 清关: ["8", "IN_TRANSIT"], 拒签: ["14", "EXCEPTION"],
    });
    // The signatures as the docs define them: upper-case hex MD5 of the concatenation.
    expect(pushSignature("", "")).toBe("D41D8CD98F00B204E9800998ECF8427E");
    expect(pushSignature("a", "bc")).toBe("900150983CD24FB0D6963F7D28E17F72");
    expect(querySignature("a", "b", "c")).toBe("900150983CD24FB0D6963F7D28E17F72");
  });
});

describe.each(backends)("Kuaidi100 carrier source on %s", (kind) => {
  let server: TestServer;
  let kuaidi100: Awaited<ReturnType<typeof startKuaidi100>>;
  let shop: TestShop;
  let ctx: LogisticsContext;
  const saved = { ...process.env };
  let customers = 0;

  beforeAll(async () => {
    kuaidi100 = await startKuaidi100();
    server = await startTestServer(kind, { plugins: ["logistics"], hookDelivery: { retryBaseMs: 50 } });
    // Only the base URLs change: Kuaidi100's hosts become the stand-in, the platform's public
    // address the test server's.
    process.env.KUAIDI100_POLL_URL = kuaidi100.url;
    process.env.KUAIDI100_AUTONUMBER_URL = kuaidi100.url;
    process.env.PUBLIC_BASE_URL = server.url.replace(/\/graphql$/, "");
    shop = await configuredShop({ key: "KEY-A-0001", customer: "CUSTOMER-A" });
    ctx = pluginContexts(server.app.services, server.app.plugins)(server.app.plugins.plugins.get("logistics")!) as LogisticsContext;
  });
  afterAll(async () => {
    for (const name of ["KUAIDI100_POLL_URL", "KUAIDI100_AUTONUMBER_URL", "PUBLIC_BASE_URL"]) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await server?.stop();
    await kuaidi100?.close();
  });

  async function configuredShop(account: { key: string; customer: string; mode?: "PUSH" | "POLL" }): Promise<TestShop> {
    const target = await setupShop(server);
    kuaidi100.addAccount(account);
    const result = await target.staff.SHOP_ADMIN.request<{ updatePluginSettings: { plugin: { settings: Record<string, unknown>; secretsSet: string[] }; userErrors: unknown[] } }>(
      UPDATE_SETTINGS,
      { input: { plugin: "logistics", settings: { kuaidi100: account } } },
    );
    expect(result.updatePluginSettings.userErrors).toEqual([]);
    // The key and customer are written, never answered.
    expect(result.updatePluginSettings.plugin.settings.kuaidi100).toEqual({ mode: account.mode ?? "PUSH" });
    expect(result.updatePluginSettings.plugin.secretsSet).toEqual(["kuaidi100.key", "kuaidi100.customer"]);
    return target;
  }

  /** A return on its way back with the carrier the customer typed. */
  async function shipReturn(target: TestShop, carrier: string, trackingNumber = `SF${randomBytes(5).toString("hex").toUpperCase()}`) {
    const externalId = `c-k100-${++customers}`;
    const customer = await target.customer(externalId);
    const orderId = await target.order(externalId, { paidAmount: 39900, shippingStatus: "DELIVERED", itemName: "跑步鞋 42码" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "RETURN_AND_REFUND", reasonCode: "ORDERED_BY_MISTAKE" } });
    const refundId = requested.requestRefund.refund!.id;
    const act = async (client: GraphQLClient, input: Record<string, unknown>) => {
      const result = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, ...input } });
      expect(result.transitionRefund.userErrors).toEqual([]);
    };
    await act(target.staff.AGENT, { action: "APPROVE" });
    await act(customer.client, { action: "SUBMIT_RETURN_SHIPMENT", carrier, trackingNumber });
    return { refundId, trackingNumber, customer };
  }

  const view = async (refundId: string, client: GraphQLClient = shop.staff.AGENT) => (await client.request<{ refund: ReturnView }>(RETURN_VIEW, { id: refundId })).refund;
  const subscribed = (refundId: string, client?: GraphQLClient) =>
    eventually(() => view(refundId, client), (refund) => !!refund.returnShipment?.carrierSubscription && refund.returnShipment.carrierSubscription.status !== "PENDING");

  it("subscribes a return shipped as 顺丰; a 签收 push moves it to INSPECTING, seen live by the customer; 退签 flags it", async () => {
    const { refundId, trackingNumber, customer } = await shipReturn(shop, "顺丰");
    const seen = await subscribed(refundId);
    expect(seen.returnShipment!.carrierSubscription).toEqual({ provider: "KUAIDI100", company: "shunfeng", mode: "PUSH", status: "SUBSCRIBED", returnCode: "200", message: "提交成功", lastState: null });
    // Kuaidi100 got the fields its subscription API requires.
    const subscription = kuaidi100.subscriptionOf(trackingNumber);
    expect(subscription).toMatchObject({ company: "shunfeng", number: trackingNumber, key: "KEY-A-0001", resultv2: "1" });
    expect(subscription.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(subscription.callbackurl).toMatch(new RegExp(`^${process.env.PUBLIC_BASE_URL}/plugins/logistics/kuaidi100\\?subscription=[0-9a-f-]{36}$`));
    // The customer sees none of it.
    expect((await view(refundId, customer.client)).returnShipment!.carrierSubscription).toBeNull();

    const ws = wsClient(server.url, tokenOf(customer.client));
    const live = collect<{ refundStatusChanged: { from: string; to: string; action: string; actor: { kind: string; name: string } } }>(ws, STATUS_CHANGED, {
      refundId,
      // From the version it has now: whatever happens after, even before the stream is up.
      afterVersion: seen.version,
    });
    try {
      const inTransit = await kuaidi100.push(trackingNumber, { state: "0", data: scans([3, "【深圳转运中心】已发出"], [20, "顺丰速运 已收取快件"]) });
      expect(inTransit).toMatchObject({ status: 200, body: { result: true, returnCode: "200", message: "成功" } });
      expect((await view(refundId)).returnShipment!.tracking).toMatchObject({ lastEvent: "IN_TRANSIT: 在途 【深圳转运中心】已发出", deliveredAt: null, exception: null });

      const signedFor = await kuaidi100.push(trackingNumber, { state: "3", data: scans([1, "已签收，签收人：仓库"], [3, "【深圳转运中心】已发出"]) });
      expect(signedFor.body).toEqual({ result: true, returnCode: "200", message: "成功" });
      const [event] = await live.waitFor(1);
      expect(event!.refundStatusChanged).toEqual({ from: "RETURN_IN_TRANSIT", to: "INSPECTING", action: "RECEIVE_RETURN", actor: { kind: "PLUGIN", name: "logistics" } });
    } finally {
      live.unsubscribe();
      await ws.dispose();
    }
    const arrived = await view(refundId);
    expect(arrived.status).toBe("INSPECTING");
    expect(arrived.returnShipment!.tracking!.deliveredAt).not.toBeNull();
    expect(arrived.returnShipment!.carrierSubscription).toMatchObject({ status: "ENDED", lastState: "签收" });

    // A replay of the same push, and an older one, change nothing.
    const before = await view(refundId);
    const again = await kuaidi100.push(trackingNumber, { state: "3", data: scans([1, "已签收，签收人：仓库"]) });
    expect(again.body.result).toBe(true);
    const older = await kuaidi100.post(kuaidi100.subscriptionOf(trackingNumber).callbackurl, kuaidi100.pushBody(kuaidi100.subscriptionOf(trackingNumber), { state: "0", data: scans([5, "运输中"]) }));
    expect(older.body.result).toBe(true);
    expect(await view(refundId)).toEqual(before);

    // 退签 of another return flags it for staff, and the refund stays where it was.
    const refused = await shipReturn(shop, "SF Express");
    await subscribed(refused.refundId);
    await kuaidi100.push(refused.trackingNumber, { state: "4", data: scans([2, "收件人拒收，快件退回"]) });
    const flagged = await view(refused.refundId);
    expect(flagged.status).toBe("RETURN_IN_TRANSIT");
    expect(flagged.returnShipment!.exception).toBe("CARRIER_EXCEPTION");
    expect(flagged.returnShipment!.tracking!.lastEvent).toBe("EXCEPTION: 退签 收件人拒收，快件退回");
    expect(flagged.returnShipment!.carrierSubscription!.lastState).toBe("退签");
  });

  it("tracks an exchange's replacement parcel the same way: subscribed when it ships, delivered on 签收", async () => {
    const externalId = `c-k100-${++customers}`;
    const customer = await shop.customer(externalId);
    const placed = await shop.staff.INTEGRATION.request<{ upsertOrder: { order: { id: string; items: Array<{ id: string }> } } }>(UPSERT_ORDER, {
      input: {
        externalId: `o-${externalId}`,
        customerExternalId: externalId,
        items: [{ sku: "RUN-42", name: "跑步鞋 42码", quantity: 1, unitPrice: 39900, variants: [{ sku: "RUN-43", unitPrice: 39900 }] }],
        paidAmount: 39900,
        paidAt: new Date().toISOString(),
        shippingStatus: "DELIVERED",
      },
    });
    const order = placed.upsertOrder.order;
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId: order.id, type: "EXCHANGE", reasonCode: "ORDERED_BY_MISTAKE", items: [{ orderItemId: order.items[0]!.id, quantity: 1, exchangeSku: "RUN-43" }] },
    });
    const refundId = requested.requestRefund.refund!.id;
    const act = async (client: GraphQLClient, input: Record<string, unknown>) => {
      const result = await client.request<TransitionRefundResult>(TRANSITION_REFUND, { input: { refundId, ...input } });
      expect(result.transitionRefund.userErrors, String(input.action)).toEqual([]);
    };
    await act(shop.staff.AGENT, { action: "APPROVE" });
    await act(customer.client, { action: "SUBMIT_RETURN_SHIPMENT", carrier: "顺丰", trackingNumber: `SF${randomBytes(5).toString("hex").toUpperCase()}` });
    await act(shop.staff.WAREHOUSE, { action: "RECEIVE_RETURN" });
    await act(shop.staff.WAREHOUSE, { action: "PASS_INSPECTION" });
    const replacement = `ZT${randomBytes(5).toString("hex").toUpperCase()}`;
    await act(shop.staff.WAREHOUSE, { action: "SHIP_REPLACEMENT", carrier: "中通快递", trackingNumber: replacement });

    const seen = await eventually(() => view(refundId), (refund) => refund.replacementShipment?.carrierSubscription?.status === "SUBSCRIBED");
    expect(seen.status).toBe("EXCHANGED");
    expect(seen.replacementShipment!.carrierSubscription).toEqual({ company: "zhongtong", status: "SUBSCRIBED" });
    expect(kuaidi100.subscriptionOf(replacement)).toMatchObject({ company: "zhongtong", key: "KEY-A-0001" });

    const pushed = await kuaidi100.push(replacement, { state: "3", data: scans([1, "您的快件已签收"], [6, "派件中"]) });
    expect(pushed.body).toEqual({ result: true, returnCode: "200", message: "成功" });
    const delivered = await view(refundId);
    expect(delivered.replacementShipment!.tracking).toMatchObject({ lastEvent: "DELIVERED: 签收 您的快件已签收", deliveredAt: expect.any(String) });
    expect(delivered.replacementShipment!.carrierSubscription!.status).toBe("ENDED");
    expect(delivered.status).toBe("EXCHANGED");
  });

  it("refuses a push with a wrong or missing sign, for no subscription, for another shop's parcel, with a malformed param or an unknown state; nothing changes", async () => {
    const { refundId, trackingNumber } = await shipReturn(shop, "圆通");
    await subscribed(refundId);
    const mine = kuaidi100.subscriptionOf(trackingNumber);
    const other = await configuredShop({ key: "KEY-B-0002", customer: "CUSTOMER-B" });
    const theirs = await shipReturn(other, "圆通");
    await subscribed(theirs.refundId, other.staff.AGENT);
    const theirSubscription = kuaidi100.subscriptionOf(theirs.trackingNumber);
    const before = await view(refundId);
    const delivered = { state: "3", data: scans([1, "已签收"]) };
    const signed = kuaidi100.pushBody(mine, delivered);

    const attempts: Array<[string, Promise<{ status: number; body: { result: boolean; code?: string } }>]> = [
      ["wrong sign", kuaidi100.post(mine.callbackurl, { param: signed.param, sign: signed.sign.replace(/^./, (c) => (c === "A" ? "B" : "A")) })],
      ["lower-case sign", kuaidi100.post(mine.callbackurl, { param: signed.param, sign: signed.sign.toLowerCase() })],
      ["no sign", kuaidi100.post(mine.callbackurl, { param: signed.param })],
      ["no subscription", kuaidi100.post(mine.callbackurl.replace(/subscription=.*$/, "subscription=00000000-0000-4000-8000-000000000000"), signed)],
      // Another shop's parcel: its own push, sent to this callback (its salt is not this one's)…
      ["their push here", kuaidi100.post(mine.callbackurl, kuaidi100.pushBody(theirSubscription, delivered))],
      // …and this parcel's push sent to theirs, signed with their salt but naming this number.
      ["this number there", kuaidi100.post(theirSubscription.callbackurl, kuaidi100.pushBody({ ...theirSubscription, number: trackingNumber }, delivered))],
      ["malformed param", kuaidi100.post(mine.callbackurl, { param: "{not json", sign: pushSignature("{not json", mine.salt) })],
      ["param without state", kuaidi100.post(mine.callbackurl, { param: '{"status":"polling","lastResult":{"nu":"X"}}', sign: pushSignature('{"status":"polling","lastResult":{"nu":"X"}}', mine.salt) })],
      ["unknown state", kuaidi100.post(mine.callbackurl, kuaidi100.pushBody(mine, { state: "99", data: scans([1, "?"]) }))],
    ];
    const answers = Object.fromEntries(await Promise.all(attempts.map(async ([name, answer]) => [name, await answer] as const)));
    expect(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, [answer.status, answer.body.result, answer.body.code]]))).toEqual({
      "wrong sign": [401, false, "SIGNATURE_INVALID"],
      "lower-case sign": [401, false, "SIGNATURE_INVALID"],
      "no sign": [401, false, "SIGNATURE_INVALID"],
      "no subscription": [404, false, "UNKNOWN_SUBSCRIPTION"],
      "their push here": [401, false, "SIGNATURE_INVALID"],
      "this number there": [409, false, "TRACKING_NUMBER_MISMATCH"],
      "malformed param": [400, false, "MALFORMED_PARAM"],
      "param without state": [400, false, "MALFORMED_PARAM"],
      "unknown state": [422, false, "UNKNOWN_STATE"],
    });
    expect(await view(refundId)).toEqual(before);
    expect((await view(theirs.refundId, other.staff.AGENT)).status).toBe("RETURN_IN_TRANSIT");
  });

  it("asks Kuaidi100 which company an unknown name is, and shows staff a refused subscription with Kuaidi100's reason", async () => {
    const detected = `YT${randomBytes(5).toString("hex").toUpperCase()}`;
    kuaidi100.detects(detected, "yuantong");
    const known = await shipReturn(shop, "小区门口的快递点", detected);
    expect((await subscribed(known.refundId)).returnShipment!.carrierSubscription).toMatchObject({ company: "yuantong", status: "SUBSCRIBED" });

    const unknown = await shipReturn(shop, "某某物流");
    expect((await subscribed(unknown.refundId)).returnShipment!.carrierSubscription).toMatchObject({ company: null, status: "REFUSED", returnCode: "UNKNOWN_CARRIER" });

    kuaidi100.refuseNext({ returnCode: "601", message: "POLL:KEY已过期" });
    const expired = await shipReturn(shop, "中通");
    expect((await subscribed(expired.refundId)).returnShipment!.carrierSubscription).toMatchObject({ company: "zhongtong", status: "REFUSED", returnCode: "601", message: "POLL:KEY已过期" });
    // Refused, not retried: the delivery is done. (The subscription's row is written inside the
    // hook; the delivery is marked done just after it returns, so it is waited for.)
    const deliveries = await eventually(
      () => server.app.db.prisma.pluginDelivery.findMany({ where: { refundId: Buffer.from(expired.refundId, "base64").toString().split(":")[1] } }),
      (rows) => rows.every((delivery) => delivery.status !== "PENDING"),
    );
    expect(deliveries.map((delivery) => delivery.status)).toEqual(["DELIVERED"]);
  });

  it("polls Kuaidi100's real-time query for a shop without a public callback, signed MD5(param + key + customer)", async () => {
    const polling = await configuredShop({ key: "KEY-P-0003", customer: "CUSTOMER-P", mode: "PUSH" });
    // A console changes the mode without sending the credentials it was never shown: they stay.
    const switched = await polling.staff.SHOP_ADMIN.request<{ updatePluginSettings: { plugin: { settings: Record<string, unknown>; secretsSet: string[] }; userErrors: unknown[] } }>(
      UPDATE_SETTINGS,
      { input: { plugin: "logistics", settings: { kuaidi100: { mode: "POLL" } } } },
    );
    expect(switched.updatePluginSettings).toMatchObject({ plugin: { settings: { kuaidi100: { mode: "POLL" } }, secretsSet: ["kuaidi100.key", "kuaidi100.customer"] }, userErrors: [] });
    const { refundId, trackingNumber } = await shipReturn(polling, "韵达");
    const seen = await subscribed(refundId, polling.staff.AGENT);
    expect(seen.returnShipment!.carrierSubscription).toMatchObject({ company: "yunda", mode: "POLL", status: "POLLING" });
    expect(kuaidi100.subscriptions.some((sub) => sub.number === trackingNumber)).toBe(false);

    kuaidi100.setParcel("yunda", trackingNumber, "3", scans([1, "快件已签收"], [9, "派件中"]));
    const shopId = Buffer.from(polling.shopId, "base64").toString().split(":")[1]!;
    const summary = await pollKuaidi100(ctx, { shopId });
    expect(summary).toEqual({ polled: 1, changed: 1 });
    const query = kuaidi100.queries.at(-1)!;
    expect(query.customer).toBe("CUSTOMER-P");
    expect(query.sign).toBe(querySignature(query.param, "KEY-P-0003", "CUSTOMER-P"));
    expect(JSON.parse(query.param)).toMatchObject({ com: "yunda", num: trackingNumber });
    const arrived = await view(refundId, polling.staff.AGENT);
    expect(arrived.status).toBe("INSPECTING");
    expect(arrived.returnShipment!.carrierSubscription).toMatchObject({ status: "ENDED", lastState: "签收" });
    // Nothing left to ask about.
    expect(await pollKuaidi100(ctx, { shopId, now: new Date(Date.now() + 2 * HOUR) })).toEqual({ polled: 0, changed: 0 });
  });
});
