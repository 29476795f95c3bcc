// plugins/notifications: the pure template renderer, then the plugin end to end — messages
// read over GraphQL and received, signed, by a real HTTP receiver on 127.0.0.1.
import { randomBytes } from "node:crypto";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLClient } from "graphql-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatMoney } from "../../src/plugin/index.js";
import {
  DEFAULT_TEMPLATES,
  TEMPLATE_VARIABLES,
  localizeWorkingDays,
  notificationSettings,
  renderTemplate,
  resolveTemplate,
  templateVariables,
  unknownVariables,
} from "../../plugins/notifications/index.js";
import { verifySignature } from "../../src/plugin/signing.js";
import { backends } from "../support/databases.js";
import { REQUEST_REFUND, type RequestRefundResult, TRANSITION_REFUND, type TransitionRefundResult } from "../support/operations.js";
import { type TestServer, type TestShop, setupShop, startTestServer, waitForStatus } from "../support/server.js";
import { eventually } from "../support/patience.js";

describe("notification templates", () => {
  it("renders variables, with spaces inside the braces and repeats", () => {
    expect(renderTemplate("{{customerName}}，{{ amount }} 已退回（{{amount}}）", { customerName: "王芳", amount: "¥89.00" })).toBe(
      "王芳，¥89.00 已退回（¥89.00）",
    );
    expect(templateVariables("{{a}} {{ b }} {{a}} {{1x}} {b}")).toEqual(["a", "b", "a"]);
  });

  it("leaves an unknown variable visible rather than dropping it, and settings refuse it", () => {
    expect(renderTemplate("优惠券 {{coupon}} 已发放，{{amount}}", { amount: "¥5.00" })).toBe("优惠券 {{coupon}} 已发放，¥5.00");
    // An inherited name is not a variable either.
    expect(renderTemplate("{{constructor}}", {})).toBe("{{constructor}}");
    expect(unknownVariables("{{coupon}} {{amount}} {{coupon}}")).toEqual(["coupon"]);
    const parsed = notificationSettings.safeParse({ templates: { REFUNDED: { "zh-CN": "优惠券 {{coupon}}" } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([["templates.REFUNDED.zh-CN", "unknown variable {{coupon}}"]]);
  });

  it("every default template, in both locales, uses only known variables", () => {
    for (const [key, byLocale] of Object.entries(DEFAULT_TEMPLATES)) {
      expect(Object.keys(byLocale!).sort(), key).toEqual(["en", "zh-CN"]);
      for (const text of Object.values(byLocale!)) expect(unknownVariables(text!), `${key}: ${text}`).toEqual([]);
    }
    expect(TEMPLATE_VARIABLES).toEqual(expect.arrayContaining(["amount", "orderRef", "note", "workingDays", "customerName"]));
  });

  it("picks the shop's override before the default, the most specific key first; an empty override silences", () => {
    expect(resolveTemplate({}, "zh-CN", "CLASSIFY", "REFUNDING")).toBe(DEFAULT_TEMPLATES["CLASSIFY:REFUNDING"]!["zh-CN"]);
    expect(resolveTemplate({}, "en", "FINANCE_APPROVE", "REFUNDING")).toBe(DEFAULT_TEMPLATES.REFUNDING!.en);
    expect(resolveTemplate({}, "zh-CN", "REQUEST", "REQUESTED")).toBeNull();
    const overrides = { REFUNDING: { en: "status" }, "CLASSIFY:REFUNDING": { en: "exact" }, REJECT: { "zh-CN": "" } };
    expect(resolveTemplate(overrides, "en", "CLASSIFY", "REFUNDING")).toBe("exact");
    expect(resolveTemplate(overrides, "en", "RETRY_PAYMENT", "REFUNDING")).toBe("status");
    // No zh-CN override for REFUNDING: the default applies.
    expect(resolveTemplate(overrides, "zh-CN", "RETRY_PAYMENT", "REFUNDING")).toBe(DEFAULT_TEMPLATES["RETRY_PAYMENT:REFUNDING"]!["zh-CN"]);
    expect(resolveTemplate(overrides, "zh-CN", "REJECT", "REJECTED")).toBeNull();
  });

  it("gives an exchange its own words where a refund's would be wrong, and a refund's elsewhere", () => {
    expect(resolveTemplate({}, "en", "APPROVE", "AWAITING_RETURN", "EXCHANGE")).toBe(DEFAULT_TEMPLATES["EXCHANGE:AWAITING_RETURN"]!.en);
    expect(resolveTemplate({}, "en", "APPROVE", "AWAITING_RETURN", "RETURN_AND_REFUND")).toBe(DEFAULT_TEMPLATES.AWAITING_RETURN!.en);
    expect(resolveTemplate({}, "en", "RECEIVE_RETURN", "INSPECTING", "EXCHANGE")).toBe(DEFAULT_TEMPLATES.INSPECTING!.en);
    expect(resolveTemplate({}, "zh-CN", "SHIP_REPLACEMENT", "EXCHANGED", "EXCHANGE")).toBe(DEFAULT_TEMPLATES["SHIP_REPLACEMENT:EXCHANGED"]!["zh-CN"]);
    expect(resolveTemplate({ "EXCHANGE:REJECT": { en: "typed" } }, "en", "REJECT", "REJECTED", "EXCHANGE")).toBe("typed");
    const issues = (templates: unknown) => notificationSettings.safeParse({ templates }).error?.issues.map((issue) => issue.path.join("."));
    expect(issues({ "EXCHANGE:AWAITING_RETURN": { en: "x" }, "EXCHANGE:SHIP_REPLACEMENT:EXCHANGED": { en: "x" } })).toBeUndefined();
    expect(issues({ EXCHANGE: { en: "x" }, "EXCHANGE:SHIPPED": { en: "x" } })).toEqual(["templates.EXCHANGE", "templates.EXCHANGE:SHIPPED"]);
  });

  it("formats money like the API and working days per locale", () => {
    expect(formatMoney(8900, "CNY")).toBe("¥89.00");
    expect(formatMoney(1999, "USD")).toBe("$19.99");
    expect(localizeWorkingDays("1-3", "en")).toBe("1–3");
    expect(localizeWorkingDays("1-3", "zh-CN")).toBe("1-3");
    expect(localizeWorkingDays("2 to 4", "en")).toBe("2 to 4");
  });

  it("gives complete settings from {} and refuses bad ones", () => {
    expect(notificationSettings.parse({})).toEqual({ enabled: true, locale: "zh-CN", templates: {}, workingDays: "1-3" });
    const issues = (settings: unknown) => notificationSettings.safeParse(settings).error?.issues.map((issue) => issue.path.join("."));
    expect(issues({ locale: "fr" })).toEqual(["locale"]);
    expect(issues({ templates: { SHIPPED: { en: "x" }, "REFUNDED:CLASSIFY": { en: "x" } } })).toEqual(["templates.SHIPPED", "templates.REFUNDED:CLASSIFY"]);
    expect(issues({ webhookUrl: "http://127.0.0.1:9/hook" })).toEqual(["webhookSecret"]);
    expect(issues({ webhookUrl: "ftp://example.com/x", webhookSecret: "0123456789abcdef" })).toEqual(["webhookUrl"]);
  });
});

/** A shop's SMS gateway, as far as the test knows: records every call, fails on demand. */
interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: {
    refundId: string;
    customerExternalId: string;
    locale: string;
    message: string;
    transition: { id: string; action: string; from: string | null; to: string; note: string | null; amount: { amount: number; formatted: string } | null };
  };
}

async function startReceiver() {
  const received: Received[] = [];
  const failuresLeft = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const path = request.url ?? "/";
      received.push({ path, headers: request.headers, raw, body: JSON.parse(raw) as Received["body"] });
      const left = failuresLeft.get(path) ?? 0;
      if (left > 0) failuresLeft.set(path, left - 1);
      response.writeHead(left > 0 ? 503 : 200, { "content-type": "application/json" }).end(JSON.stringify({ ok: left === 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path: string) => `${base}${path}`,
    callsTo: (path: string) => received.filter((call) => call.path === path),
    failNext: (path: string, times: number) => failuresLeft.set(path, times),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SECRET = "sms-gateway-secret-0123456789";

const UPDATE_SETTINGS = /* GraphQL */ `
  mutation ($input: UpdatePluginSettingsInput!) {
    updatePluginSettings(input: $input) { plugin { name settings } userErrors { code message field } }
  }
`;
const NOTIFICATIONS = /* GraphQL */ `
  query ($id: ID!) {
    refund(id: $id) {
      status
      transitions { id action }
      notifications { id transitionId channel locale message status attempts lastError createdAt sentAt }
    }
  }
`;
interface NotificationView {
  id: string;
  transitionId: string;
  channel: string;
  locale: string;
  message: string;
  status: string;
  attempts: number | null;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}
type NotificationsResult = { refund: { status: string; transitions: Array<{ id: string; action: string }>; notifications: NotificationView[] } };
type UpdateSettingsResult = {
  updatePluginSettings: { plugin: { name: string; settings: Record<string, unknown> } | null; userErrors: Array<{ code: string; message: string; field: string[] }> };
};


const rawId = (globalId: string) => Buffer.from(globalId, "base64").toString("utf8").split(":")[1]!;

describe.each(backends)("notifications plugin on %s", (kind) => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let customers = 0;

  beforeAll(async () => {
    server = await startTestServer(kind, { plugins: ["notifications"], hookDelivery: { retryBaseMs: 50 } });
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
  });

  async function shopWith(settings: Record<string, unknown>): Promise<TestShop> {
    const shop = await setupShop(server);
    const result = await shop.staff.SHOP_ADMIN.request<UpdateSettingsResult>(UPDATE_SETTINGS, { input: { plugin: "notifications", settings } });
    expect(result.updatePluginSettings.userErrors).toEqual([]);
    return shop;
  }

  /** A customer asks for a refund of an order; 89 yuan unshipped is refunded at once. */
  async function requestRefund(shop: TestShop, options: { shippingStatus?: "NOT_SHIPPED" | "DELIVERED"; name?: string } = {}) {
    const externalId = `c-notify-${++customers}`;
    const customer = await shop.customer(externalId);
    const orderExternalId = `ORD-${randomBytes(3).toString("hex").toUpperCase()}`;
    const orderId = await shop.order(externalId, { externalId: orderExternalId, paidAmount: 8900, shippingStatus: options.shippingStatus ?? "NOT_SHIPPED", itemName: "纯棉T恤" });
    const requested = await customer.client.request<RequestRefundResult>(REQUEST_REFUND, {
      input: { orderId, type: "REFUND_ONLY", reasonCode: "ORDERED_BY_MISTAKE" },
    });
    expect(requested.requestRefund.userErrors).toEqual([]);
    return { refundId: requested.requestRefund.refund!.id, customer, customerExternalId: externalId, orderExternalId };
  }

  const notificationsOf = async (client: GraphQLClient, refundId: string) =>
    (await client.request<NotificationsResult>(NOTIFICATIONS, { id: refundId })).refund;

  it("tells the customer in zh-CN that the unshipped refund was approved automatically, in the API and on the signed webhook", async () => {
    const shop = await shopWith({ webhookUrl: receiver.url("/zh"), webhookSecret: SECRET });
    const { refundId, customer, customerExternalId } = await requestRefund(shop);
    await waitForStatus(customer.client, refundId, "REFUNDED");

    const seen = await eventually(
      () => notificationsOf(customer.client, refundId),
      (refund) => refund.notifications.length === 2 && refund.notifications.every((n) => n.status === "SENT"),
    );
    const byAction = (action: string) => seen.notifications.find((n) => n.transitionId === seen.transitions.find((t) => t.action === action)!.id)!;
    expect(byAction("CLASSIFY")).toMatchObject({
      channel: "WEBHOOK",
      locale: "zh-CN",
      message: "您的退款申请已自动通过，¥89.00 将在 1-3 个工作日内原路退回。",
      status: "SENT",
      // Delivery details are the shop's business.
      attempts: null,
      lastError: null,
    });
    expect(byAction("CLASSIFY").sentAt).not.toBeNull();
    expect(byAction("PAYMENT_SUCCEEDED").message).toBe("退款 ¥89.00 已原路退回，请注意查收。感谢您的耐心。欢迎在 30 天内为本次售后服务评分（1–5 分）。");

    const calls = receiver.callsTo("/zh").filter((call) => call.body.refundId === refundId);
    expect(calls).toHaveLength(2);
    for (const call of calls) {
      expect(call.headers["content-type"]).toBe("application/json");
      expect(verifySignature(SECRET, call.raw, call.headers["x-refund-signature"] as string)).toBe(true);
      expect(call.headers["x-refund-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(call.headers["idempotency-key"]).toBe(`notifications:${rawId(call.body.transition.id)}`);
    }
    const classified = calls.find((call) => call.body.transition.action === "CLASSIFY")!;
    expect(classified.body).toEqual({
      refundId,
      customerExternalId,
      locale: "zh-CN",
      message: "您的退款申请已自动通过，¥89.00 将在 1-3 个工作日内原路退回。",
      transition: {
        id: byAction("CLASSIFY").transitionId,
        action: "CLASSIFY",
        from: "REQUESTED",
        to: "REFUNDING",
        note: 'Rule "Unshipped: refund at once" matched: shippingStatus NOT_SHIPPED = NOT_SHIPPED ✓',
        amount: { amount: 8900, currency: "CNY", formatted: "¥89.00" },
        actor: { kind: "RULE", role: null, name: "Unshipped: refund at once" },
        createdAt: expect.any(String),
      },
    });
    // The REQUEST itself has no message.
    expect(seen.notifications).toHaveLength(2);
  });

  it("writes in English once the shop sets locale en through updatePluginSettings, the reviewer's note included", async () => {
    const shop = await shopWith({});
    const english = await shop.staff.SHOP_ADMIN.request<UpdateSettingsResult>(UPDATE_SETTINGS, { input: { plugin: "notifications", settings: { locale: "en" } } });
    expect(english.updatePluginSettings).toEqual({
      plugin: { name: "notifications", settings: { enabled: true, locale: "en", templates: {}, workingDays: "1-3" } },
      userErrors: [],
    });

    const automatic = await requestRefund(shop);
    const seen = await eventually(
      () => notificationsOf(shop.staff.AGENT, automatic.refundId),
      (refund) => refund.notifications.length === 2,
    );
    expect(seen.notifications.map((n) => [n.channel, n.locale, n.status, n.attempts])).toEqual([
      ["IN_APP", "en", "SENT", 0],
      ["IN_APP", "en", "SENT", 0],
    ]);
    expect(seen.notifications.map((n) => n.message).sort()).toEqual([
      "Your refund was approved automatically; ¥89.00 will reach your original payment account within 1–3 working days.",
      "¥89.00 has been refunded to your original payment account. Thank you for your patience. Please rate how we handled it (1–5) within 30 days.",
    ]);

    const reviewed = await requestRefund(shop, { shippingStatus: "DELIVERED" });
    const rejected = await shop.staff.AGENT.request<TransitionRefundResult>(TRANSITION_REFUND, {
      input: { refundId: reviewed.refundId, action: "REJECT", note: "The tag was removed and the shirt was worn." },
    });
    expect(rejected.transitionRefund.userErrors).toEqual([]);
    const messages = await eventually(
      () => notificationsOf(reviewed.customer.client, reviewed.refundId),
      (refund) => refund.notifications.length === 2,
    );
    expect(messages.notifications.map((n) => n.message).sort()).toEqual([
      `Sorry, your refund request for order ${reviewed.orderExternalId} was declined: The tag was removed and the shirt was worn. If you have questions, please contact customer service. Please rate how we handled it (1–5) within 30 days.`,
      `We have received your refund request for order ${reviewed.orderExternalId} (¥89.00); customer service will review it within 24 hours.`,
    ]);
  });

  it("renders the shop's own template with its variables, and stays silent where the shop says so", async () => {
    const shop = await shopWith({
      workingDays: "2-5",
      templates: {
        REFUNDED: { "zh-CN": "{{customerName}}您好：订单 {{ orderRef }} 的 {{amount}} 已退回，预计 {{workingDays}} 个工作日到账。——{{shopName}}" },
        "CLASSIFY:REFUNDING": { "zh-CN": "" },
      },
    });
    const { refundId, customerExternalId, orderExternalId } = await requestRefund(shop);
    const seen = await eventually(
      () => notificationsOf(shop.staff.AGENT, refundId),
      (refund) => refund.notifications.length > 0,
    );
    const shopName = (await server.app.db.prisma.shop.findUniqueOrThrow({ where: { id: rawId(shop.shopId) } })).name;
    expect(seen.notifications.map((n) => n.message)).toEqual([
      `Customer ${customerExternalId}您好：订单 ${orderExternalId} 的 ¥89.00 已退回，预计 2-5 个工作日到账。——${shopName}`,
    ]);
    // Every hook has run by now, and the silenced CLASSIFY left no message.
    await eventually(
      () => server.app.db.prisma.pluginDelivery.findMany({ where: { refundId: rawId(refundId) } }),
      (deliveries) => deliveries.length === 3 && deliveries.every((delivery) => delivery.status === "DELIVERED"),
    );
    expect((await notificationsOf(shop.staff.AGENT, refundId)).notifications).toHaveLength(1);
  });

  it("retries a failing receiver with backoff and ends with one SENT notification, the same Idempotency-Key on every call", async () => {
    const shop = await shopWith({ webhookUrl: receiver.url("/flaky"), webhookSecret: SECRET });
    receiver.failNext("/flaky", 2);
    // A delivered order goes to review: one message (PENDING_REVIEW).
    const { refundId } = await requestRefund(shop, { shippingStatus: "DELIVERED" });
    const seen = await eventually(
      () => notificationsOf(shop.staff.AGENT, refundId),
      (refund) => refund.notifications[0]?.status === "SENT",
    );
    expect(seen.notifications).toHaveLength(1);
    expect(seen.notifications[0]).toMatchObject({ channel: "WEBHOOK", status: "SENT", attempts: 3, lastError: null });

    const calls = receiver.callsTo("/flaky").filter((call) => call.body.refundId === refundId);
    expect(calls).toHaveLength(3);
    const keys = new Set(calls.map((call) => call.headers["idempotency-key"]));
    expect(keys).toEqual(new Set([`notifications:${rawId(seen.notifications[0]!.transitionId)}`]));
    expect(new Set(calls.map((call) => call.raw)).size).toBe(1);
    expect(await server.app.db.prisma.notification.count({ where: { refundId: rawId(refundId) } })).toBe(1);
    const delivery = await server.app.db.prisma.pluginDelivery.findFirstOrThrow({ where: { refundId: rawId(refundId), plugin: "notifications", status: "DELIVERED", attempts: 3 } });
    expect(delivery.lastError).toBeNull();
  });

  it("keeps an unreachable webhook's message PENDING with its error, and sends that same message once retried", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/gone`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const shop = await shopWith({ webhookUrl: deadUrl, webhookSecret: SECRET });
    const { refundId } = await requestRefund(shop, { shippingStatus: "DELIVERED" });
    const DEAD = /* GraphQL */ `query { pluginDeadLetters { id plugin status attempts lastError refundId } }`;
    const dead = await eventually(
      () => shop.staff.SHOP_ADMIN.request<{ pluginDeadLetters: Array<{ id: string; plugin: string; attempts: number; lastError: string; refundId: string }> }>(DEAD),
      (result) => result.pluginDeadLetters.some((letter) => letter.refundId === refundId),
    );
    const letter = dead.pluginDeadLetters.find((item) => item.refundId === refundId)!;
    expect(letter.plugin).toBe("notifications");
    const pending = (await notificationsOf(shop.staff.AGENT, refundId)).notifications;
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ status: "PENDING", sentAt: null, attempts: letter.attempts });
    expect(pending[0]!.lastError).toMatch(/^webhook unreachable: /);

    // The shop fixes its gateway and retries the dead letter.
    await shop.staff.SHOP_ADMIN.request(UPDATE_SETTINGS, { input: { plugin: "notifications", settings: { webhookUrl: receiver.url("/fixed"), webhookSecret: SECRET } } });
    const retried = await shop.staff.SHOP_ADMIN.request<{ retryPluginDelivery: { userErrors: unknown[] } }>(
      /* GraphQL */ `mutation ($input: RetryPluginDeliveryInput!) { retryPluginDelivery(input: $input) { userErrors { code } } }`,
      { input: { deliveryId: letter.id } },
    );
    expect(retried.retryPluginDelivery.userErrors).toEqual([]);
    const sent = await eventually(
      () => notificationsOf(shop.staff.AGENT, refundId),
      (refund) => refund.notifications[0]?.status === "SENT",
    );
    expect(sent.notifications).toHaveLength(1);
    expect(sent.notifications[0]!.id).toBe(pending[0]!.id);
    expect(receiver.callsTo("/fixed").filter((call) => call.body.refundId === refundId).map((call) => call.body.message)).toEqual([pending[0]!.message]);
  });

  it("refuses invalid settings with INVALID_INPUT and keeps the previous ones", async () => {
    const shop = await shopWith({ locale: "en" });
    const attempts = [
      { templates: { REFUNDED: { "zh-CN": "{{amount}} 已退回，赠送优惠券 {{coupon}}" } } },
      { locale: "fr" },
      { webhookUrl: receiver.url("/unsigned") },
      { templates: { SHIPPED: { en: "Shipped!" } } },
      { workingDays: 3 },
    ];
    const messages: string[] = [];
    for (const settings of attempts) {
      const result = await shop.staff.SHOP_ADMIN.request<UpdateSettingsResult>(UPDATE_SETTINGS, { input: { plugin: "notifications", settings } });
      expect(result.updatePluginSettings.plugin).toBeNull();
      expect(result.updatePluginSettings.userErrors).toHaveLength(1);
      expect(result.updatePluginSettings.userErrors[0]).toMatchObject({ code: "INVALID_INPUT", field: ["input", "settings"] });
      messages.push(result.updatePluginSettings.userErrors[0]!.message);
    }
    expect(messages[0]).toContain("templates.REFUNDED.zh-CN: unknown variable {{coupon}}");
    expect(messages[2]).toContain("webhookSecret: required with webhookUrl");
    expect(messages[3]).toContain("templates.SHIPPED");

    const current = await shop.staff.SHOP_ADMIN.request<{ plugins: Array<{ name: string; settings: Record<string, unknown> }> }>(`query { plugins { name settings } }`);
    expect(current.plugins.find((plugin) => plugin.name === "notifications")!.settings).toMatchObject({ locale: "en", templates: {} });
  });
});
