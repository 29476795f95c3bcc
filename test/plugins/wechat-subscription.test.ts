// plugins/notifications' channel WECHAT_SUBSCRIPTION: the real plugin sends WeChat subscription
// messages (订阅消息) to a WeChat stand-in over HTTP (only the base URL changed), after commit,
// from its durable after-hook; staff read each message's status and WeChat's answer.
import { randomBytes } from "node:crypto";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessToken, fitFieldValue } from "../../plugins/notifications/wechat.js";
import type { PluginDb } from "../../src/plugin/index.js";
import { pluginContexts } from "../../src/plugin/routes.js";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { startWechat } from "../support/wechat.js";
import { eventually } from "../support/patience.js";

const UPDATE_SETTINGS = /* GraphQL */ `
  mutation ($input: UpdatePluginSettingsInput!) {
    updatePluginSettings(input: $input) { plugin { name settings secretsSet } userErrors { code message field } }
  }
`;
const UPSERT_CUSTOMER = /* GraphQL */ `
  mutation ($input: UpsertCustomerInput!) {
    upsertCustomer(input: $input) { customer { id wechatOpenId } userErrors { code message field } }
  }
`;
const NOTIFICATIONS = /* GraphQL */ `
  query ($id: ID!) {
    refund(id: $id) {
      status
      notifications { channel message status attempts lastError failureCode providerAnswer sentAt }
    }
  }
`;
interface NotificationView {
  channel: string;
  message: string;
  status: string;
  attempts: number | null;
  lastError: string | null;
  failureCode: string | null;
  providerAnswer: string | null;
  sentAt: string | null;
}
type NotificationsResult = { refund: { status: string; notifications: NotificationView[] } };


const TEMPLATE_ID = "refund-approved-tpl-0001";
/** The fields of WeChat's public template 退款通知 as a shop picked it: amount, order, status, note, time. */
const FIELDS = { amount1: "{{amount}}", character_string2: "{{orderRef}}", phrase3: "{{status}}", thing4: "{{note}}", time5: "{{time}}" };
const rawId = (globalId: string) => Buffer.from(globalId, "base64").toString("utf8").split(":")[1]!;

describe("WeChat field values", () => {
  it("cuts each value to its kind's length and never sends an empty one", () => {
    expect(fitFieldValue("thing4", "规则“未发货：立即退款”已匹配，订单未发货", "无")).toBe("规则“未发货：立即退款”已匹配，订单未…");
    expect(fitFieldValue("phrase3", "仓库确认中啦", "无")).toBe("仓库确认中");
    expect(fitFieldValue("thing4", "  ", "无")).toBe("无");
    expect(fitFieldValue("amount1", "¥89.00", "-")).toBe("¥89.00");
  });
});

describe.each(backends)("WeChat subscription messages on %s", (kind) => {
  let server: TestServer;
  let wechat: Awaited<ReturnType<typeof startWechat>>;
  const saved = process.env.WECHAT_API_URL;
  let customers = 0;

  beforeAll(async () => {
    wechat = await startWechat();
    process.env.WECHAT_API_URL = wechat.url;
    server = await startTestServer(kind, { plugins: ["notifications"], hookDelivery: { retryBaseMs: 50 } });
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.WECHAT_API_URL;
    else process.env.WECHAT_API_URL = saved;
    await server?.stop();
    await wechat?.close();
  });

  /** A shop whose mini-program sends the 退款通知 template when a refund is approved automatically. */
  async function wechatShop(overrides: { secret?: string; templateId?: string } = {}) {
    const appId = `wx${randomBytes(8).toString("hex")}`;
    wechat.addApp({ appId, secret: "app-secret-0123456789", templates: { [TEMPLATE_ID]: Object.keys(FIELDS) } });
    const shop = await setupShop(server);
    const result = await shop.staff.SHOP_ADMIN.request<{ updatePluginSettings: { plugin: { settings: Record<string, unknown>; secretsSet: string[] }; userErrors: unknown[] } }>(UPDATE_SETTINGS, {
      input: {
        plugin: "notifications",
        settings: {
          wechatSubscription: {
            appId,
            appSecret: overrides.secret ?? "app-secret-0123456789",
            page: "pages/refund/detail",
            templates: { "CLASSIFY:REFUNDING": { templateId: overrides.templateId ?? TEMPLATE_ID, fields: FIELDS } },
          },
        },
      },
    });
    expect(result.updatePluginSettings.userErrors).toEqual([]);
    // The secret is written, never answered.
    expect(result.updatePluginSettings.plugin.settings.wechatSubscription).not.toHaveProperty("appSecret");
    expect(result.updatePluginSettings.plugin.secretsSet).toEqual(["wechatSubscription.appSecret"]);
    return { shop, appId };
  }

  /** An unshipped 89-yuan order refunded at once, by a customer with this openid (or none). */
  async function automaticRefund(shop: TestShop, openId: string | null) {
    const externalId = `c-wx-${++customers}`;
    const customer = await shop.customer(externalId);
    if (openId) {
      const upserted = await shop.staff.INTEGRATION.request<{ upsertCustomer: { customer: { wechatOpenId: string }; userErrors: unknown[] } }>(UPSERT_CUSTOMER, {
        input: { externalId, name: `Customer ${externalId}`, wechatOpenId: openId },
      });
      expect(upserted.upsertCustomer).toEqual({ customer: { id: expect.any(String), wechatOpenId: openId }, userErrors: [] });
    }
    const orderExternalId = `ORD-${randomBytes(3).toString("hex").toUpperCase()}`;
    const orderId = await shop.order(externalId, { externalId: orderExternalId, paidAmount: 8900, shippingStatus: "NOT_SHIPPED" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, { input: { orderId, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" } });
    const refundId = requested.requestRefund.refund!.id;
    await waitForStatus(customer.client, refundId, "REFUNDED");
    return { refundId, orderExternalId, customer };
  }

  const openId = () => `o${randomBytes(14).toString("base64url").slice(0, 27)}`;
  const wechatRow = async (client: GraphQLClient, refundId: string, done: (row: NotificationView) => boolean) =>
    (
      await eventually(
        () => client.request<NotificationsResult>(NOTIFICATIONS, { id: refundId }),
        (result) => result.refund.notifications.some((row) => row.channel === "WECHAT_SUBSCRIPTION" && done(row)),
      )
    ).refund.notifications.find((row) => row.channel === "WECHAT_SUBSCRIPTION")!;
  const settled = (refundId: string) =>
    eventually(
      () => server.app.db.prisma.pluginDelivery.findMany({ where: { refundId: rawId(refundId) } }),
      (deliveries) => deliveries.length > 0 && deliveries.every((delivery) => delivery.status !== "PENDING"),
    );

  it("sends one subscription message with the template's fields filled when a refund is approved automatically; the token is fetched once", async () => {
    const { shop, appId } = await wechatShop();
    const customerOpenId = openId();
    wechat.subscribe(appId, customerOpenId, TEMPLATE_ID);
    const { refundId, orderExternalId, customer } = await automaticRefund(shop, customerOpenId);

    const row = await wechatRow(shop.staff.AGENT, refundId, (candidate) => candidate.status === "SENT");
    const sent = wechat.sent.filter((message) => message.touser === customerOpenId);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      appId,
      template_id: TEMPLATE_ID,
      page: `pages/refund/detail?refundId=${encodeURIComponent(refundId)}`,
      miniprogram_state: "formal",
      lang: "zh_CN",
      data: {
        amount1: { value: "¥89.00" },
        character_string2: { value: orderExternalId },
        phrase3: { value: "退款中" },
        // The rule's note, cut to a thing field's 20 characters.
        thing4: { value: 'Rule "Unshipped: re…' },
        time5: { value: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/) },
      },
    });
    expect([...sent[0]!.data.thing4!.value]).toHaveLength(20);
    expect(row).toMatchObject({ status: "SENT", attempts: 1, lastError: null, failureCode: null, message: "您的退款申请已自动通过，¥89.00 将在 1-3 个工作日内原路退回。" });
    expect(JSON.parse(row.providerAnswer!)).toEqual({ errcode: 0, errmsg: "ok", msgid: sent[0]!.msgid });
    // The customer reads its messages, not WeChat's answers.
    const own = await wechatRow(customer.client, refundId, () => true);
    expect(own).toMatchObject({ status: "SENT", attempts: null, providerAnswer: null, failureCode: null });

    // A second refund of the shop reuses the cached token.
    const second = openId();
    wechat.subscribe(appId, second, TEMPLATE_ID);
    const again = await automaticRefund(shop, second);
    await wechatRow(shop.staff.AGENT, again.refundId, (candidate) => candidate.status === "SENT");
    expect(wechat.tokenCalls.filter((call) => call.appid === appId)).toHaveLength(1);
  });

  it("fetches one token per shop however many callers ask at once (a lease in the database every process shares)", async () => {
    const { shop, appId } = await wechatShop();
    const shopId = rawId(shop.shopId);
    const db = pluginContexts(server.app.services, server.app.plugins)(server.app.plugins.plugins.get("notifications")!).db as PluginDb<"wechatAccessToken">;
    const credentials = { appId, appSecret: "app-secret-0123456789" };
    const tokens = await Promise.all(Array.from({ length: 6 }, () => accessToken(db, shopId, credentials)));
    expect(new Set(tokens).size).toBe(1);
    expect(wechat.tokenCalls.filter((call) => call.appid === appId)).toHaveLength(1);
    // A token WeChat refused is replaced once, by one caller, for all.
    const replaced = await Promise.all(Array.from({ length: 4 }, () => accessToken(db, shopId, credentials, { invalid: tokens[0] })));
    expect(new Set(replaced).size).toBe(1);
    expect(replaced[0]).not.toBe(tokens[0]);
    expect(wechat.tokenCalls.filter((call) => call.appid === appId).map((call) => call.force_refresh)).toEqual([false, false, true]);
  });

  it("refreshes an expired token once and sends the message", async () => {
    const { shop, appId } = await wechatShop();
    const first = openId();
    wechat.subscribe(appId, first, TEMPLATE_ID);
    await wechatRow(shop.staff.AGENT, (await automaticRefund(shop, first)).refundId, (row) => row.status === "SENT");
    // WeChat ends the token before its expires_in is up.
    wechat.expireToken(appId);
    const second = openId();
    wechat.subscribe(appId, second, TEMPLATE_ID);
    const { refundId } = await automaticRefund(shop, second);
    const row = await wechatRow(shop.staff.AGENT, refundId, (candidate) => candidate.status === "SENT");
    expect(row).toMatchObject({ attempts: 1, failureCode: null });
    expect(wechat.tokenCalls.filter((call) => call.appid === appId)).toHaveLength(2);
    const calls = wechat.sendCalls.filter((call) => call.body.touser === second);
    expect(calls).toHaveLength(2);
    expect(calls[0]!.token).not.toBe(calls[1]!.token);
    expect(wechat.sent.filter((message) => message.touser === second)).toHaveLength(1);
  });

  it("records 43101 (the customer did not subscribe) as not sent, and does not retry it", async () => {
    const { shop } = await wechatShop();
    const unsubscribed = openId();
    const { refundId } = await automaticRefund(shop, unsubscribed);
    const row = await wechatRow(shop.staff.AGENT, refundId, (candidate) => candidate.status === "FAILED");
    expect(row).toMatchObject({ status: "FAILED", failureCode: "WECHAT_NOT_SUBSCRIBED", attempts: 1, sentAt: null });
    expect(row.lastError).toMatch(/^43101: user refuse to accept the msg/);
    expect(JSON.parse(row.providerAnswer!)).toMatchObject({ errcode: 43101 });
    const deliveries = await settled(refundId);
    expect(deliveries.map((delivery) => [delivery.status, delivery.attempts])).toEqual(expect.arrayContaining([["DELIVERED", 1]]));
    expect(deliveries.every((delivery) => delivery.status === "DELIVERED")).toBe(true);
    expect(wechat.sendCalls.filter((call) => call.body.touser === unsubscribed)).toHaveLength(1);
  });

  it("retries WeChat's rate limit (45009) and a 5xx through the durable hook, then sends once", async () => {
    const { shop, appId } = await wechatShop();
    const customerOpenId = openId();
    wechat.subscribe(appId, customerOpenId, TEMPLATE_ID);
    wechat.script({ errcode: 45009, errmsg: "reach max api daily quota limit" }, { httpStatus: 502 });
    const { refundId } = await automaticRefund(shop, customerOpenId);
    const row = await wechatRow(shop.staff.AGENT, refundId, (candidate) => candidate.status === "SENT");
    expect(row).toMatchObject({ attempts: 3, lastError: null, failureCode: null });
    expect(wechat.sent.filter((message) => message.touser === customerOpenId)).toHaveLength(1);
  });

  it("records a template id WeChat does not know, a customer with no openid and a wrong secret with stable codes; the refund goes on", async () => {
    const unknownTemplate = await wechatShop({ templateId: "no-such-template" });
    const customerOpenId = openId();
    const first = await automaticRefund(unknownTemplate.shop, customerOpenId);
    expect(await wechatRow(unknownTemplate.shop.staff.AGENT, first.refundId, (row) => row.status === "FAILED")).toMatchObject({ failureCode: "WECHAT_TEMPLATE_INVALID", lastError: expect.stringMatching(/^40037: /) });

    const { shop: noOpenIdShop } = await wechatShop();
    const calls = wechat.sendCalls.length;
    const second = await automaticRefund(noOpenIdShop, null);
    expect(await wechatRow(noOpenIdShop.staff.AGENT, second.refundId, (row) => row.status === "FAILED")).toMatchObject({ failureCode: "NO_OPENID", attempts: 0 });

    const wrongSecret = await wechatShop({ secret: "not-the-app-secret" });
    const third = await automaticRefund(wrongSecret.shop, openId());
    const refused = await wechatRow(wrongSecret.shop.staff.AGENT, third.refundId, (row) => row.status === "FAILED");
    expect(refused).toMatchObject({ failureCode: "WECHAT_CREDENTIALS_INVALID", lastError: expect.stringMatching(/^40125: invalid appsecret/) });
    expect(wechat.sendCalls.length).toBe(calls);

    for (const { refundId } of [first, second, third]) {
      expect((await settled(refundId)).every((delivery) => delivery.status === "DELIVERED")).toBe(true);
      const refund = await server.app.db.prisma.refund.findUniqueOrThrow({ where: { id: rawId(refundId) } });
      expect(refund.status).toBe("REFUNDED");
    }
  });

  it("refuses a bad openid and bad WeChat settings with INVALID_INPUT", async () => {
    const shop = await setupShop(server);
    const customer = await shop.staff.INTEGRATION.request<{ upsertCustomer: { customer: unknown; userErrors: Array<{ code: string; field: string[] }> } }>(UPSERT_CUSTOMER, {
      input: { externalId: "c-bad-openid", name: "王芳", wechatOpenId: "not an openid!" },
    });
    expect(customer.upsertCustomer).toEqual({ customer: null, userErrors: [expect.objectContaining({ code: "INVALID_INPUT", field: ["input", "wechatOpenId"] })] });
    const attempts = [
      { wechatSubscription: { appId: "wx1", appSecret: "s", templates: { SHIPPED: { templateId: "t", fields: {} } } } },
      { wechatSubscription: { appId: "wx1", appSecret: "s", templates: { REFUNDED: { templateId: "t", fields: { amount1: "{{coupon}}" } } } } },
      { wechatSubscription: { appId: "wx1", appSecret: "s", templates: { REFUNDED: { templateId: "t", fields: { "not a field": "x" } } } } },
      { wechatSubscription: { appSecret: "s" } },
    ];
    for (const settings of attempts) {
      const result = await shop.staff.SHOP_ADMIN.request<{ updatePluginSettings: { plugin: unknown; userErrors: Array<{ code: string }> } }>(UPDATE_SETTINGS, { input: { plugin: "notifications", settings } });
      expect(result.updatePluginSettings.plugin).toBeNull();
      expect(result.updatePluginSettings.userErrors.map((error) => error.code)).toEqual(["INVALID_INPUT"]);
    }
  });
});
