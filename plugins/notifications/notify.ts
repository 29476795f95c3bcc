import type { Notification, Prisma } from "../../src/generated/prisma/client.js";
import { type AfterTransitionContext, type AfterTransitionEvent, type PluginDb, formatMoney, globalId, isUniqueViolation, outboundFetch, signPayload } from "../../src/plugin/index.js";
import type { NotificationSettings } from "./settings.js";
import {
  STATUS_LABELS,
  type TemplateVariables,
  localTime,
  localizeWorkingDays,
  noteForSentence,
  renderTemplate,
  resolveTemplate,
  returnAddressSentence,
  templateKeys,
} from "./templates.js";
import { TOKEN_INVALID, WECHAT_FAILURES, WECHAT_RETRYABLE, type WechatAnswer, WechatCredentialsError, accessToken, fitFieldValue, sendSubscribeMessage } from "./wechat.js";

export const CHANNELS = ["WEBHOOK", "IN_APP", "WECHAT_SUBSCRIPTION"] as const;
export type Channel = (typeof CHANNELS)[number];
/** FAILED: will not be sent, and not retried (`failureCode` says why). */
export const STATUSES = ["PENDING", "SENT", "CANCELLED", "FAILED"] as const;

export const SIGNATURE_HEADER = "X-Refund-Signature";
const TIMEOUT_MS = 10_000;

type Context = AfterTransitionContext<NotificationSettings, PluginDb<"notification" | "wechatAccessToken">>;

/**
 * The after-transition hook. Renders the transition's message (if a template applies) into
 * one Notification row — created on the first call, reused on every retry, so the message
 * and the row never double — then POSTs it to the shop's webhook when one is configured.
 * A failed POST throws, and the host retries with backoff under the same idempotency key.
 * Without a webhook the message is IN_APP: read through `Refund.notifications`, SENT at once.
 * When the shop set a WeChat subscription template for the transition, a second row
 * (WECHAT_SUBSCRIPTION) is sent to the customer's openid the same way, each row on its own.
 */
export async function notifyTransition(event: AfterTransitionEvent, ctx: Context): Promise<void> {
  const { text, wechat } = await createNotifications(event, ctx);
  const failures: unknown[] = [];
  if (text?.channel === "WEBHOOK" && text.status === "PENDING") await deliverWebhook(text, event, ctx).catch((error: unknown) => failures.push(error));
  if (wechat?.status === "PENDING") await sendWechat(wechat, ctx).catch((error: unknown) => failures.push(error));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, failures.map((failure) => (failure instanceof Error ? failure.message : String(failure))).join("; "));
}

async function deliverWebhook(notification: Notification, event: AfterTransitionEvent, ctx: Context): Promise<void> {
  const { webhookUrl, webhookSecret } = ctx.settings;
  if (!webhookUrl || !webhookSecret) {
    // The shop removed its webhook while this message waited: nobody is left to send it to.
    await ctx.db.notification.update({
      where: { id: notification.id },
      data: { status: "CANCELLED", lastError: "the webhook was removed from the settings before the message was sent" },
    });
    return;
  }
  await send(notification, event, ctx, webhookUrl, webhookSecret);
}

/** The shop's WeChat template for a transition: the most specific key first, as text templates. */
function wechatTemplateFor(settings: NotificationSettings, event: AfterTransitionEvent) {
  const templates = settings.wechatSubscription?.templates ?? {};
  for (const key of templateKeys(event.transition.action, event.transition.to, event.refund.type)) if (templates[key]) return templates[key];
  return null;
}

/**
 * The transition's message rows: rendered and inserted on the first call; on a retry the insert
 * finds the first call's row (unique transitionId + channel), so a message never changes. `text`
 * is the WEBHOOK or IN_APP message (none when no template applies), `wechat` the WeChat
 * subscription message (none unless the shop set a WeChat template for the transition).
 */
async function createNotifications(event: AfterTransitionEvent, ctx: Context): Promise<{ text?: Notification; wechat?: Notification }> {
  const { settings } = ctx;
  const template = resolveTemplate(settings.templates, settings.locale, event.transition.action, event.transition.to, event.refund.type);
  const wechatTemplate = settings.wechatSubscription ? wechatTemplateFor(settings, event) : null;
  if (!template && !wechatTemplate) return {};
  // Everything the templates name comes with the event: no read.
  const { refund, order, customer, shop } = event;
  // SHIP_REPLACEMENT speaks of the exchange's replacement parcel, every other message of the return.
  const parcel = event.transition.action === "SHIP_REPLACEMENT" ? event.replacementShipment : event.returnShipment;
  // The refund may have moved on since: what this transition moved comes first.
  const amount = event.transition.amount ?? refund.approvedAmount ?? refund.requestedAmount;
  const variables: TemplateVariables = {
    amount: formatMoney(amount, refund.currency),
    requestedAmount: formatMoney(refund.requestedAmount, refund.currency),
    orderRef: order.externalId,
    note: noteForSentence(event.transition.note),
    workingDays: localizeWorkingDays(settings.workingDays, settings.locale),
    customerName: customer.name,
    shopName: shop.name,
    carrier: parcel?.carrier ?? "",
    trackingNumber: parcel?.trackingNumber ?? "",
    returnAddress: returnAddressSentence(refund.returnAddress, settings.locale),
    status: STATUS_LABELS[event.transition.to][settings.locale],
    time: localTime(event.transition.createdAt, shop.timeZone),
  };
  const rendered = template ? renderTemplate(template, variables) : null;
  const base = { shopId: ctx.shopId, refundId: event.refund.id, transitionId: event.transition.id, locale: settings.locale };
  const now = new Date();
  const rows: Prisma.NotificationCreateManyInput[] = [];
  const channel: Channel = settings.webhookUrl ? "WEBHOOK" : "IN_APP";
  if (rendered !== null) {
    rows.push({ ...base, channel, recipient: customer.externalId, message: rendered, status: channel === "IN_APP" ? "SENT" : "PENDING", sentAt: channel === "IN_APP" ? now : null });
  }
  if (wechatTemplate) {
    const wechat = settings.wechatSubscription!;
    const empty = settings.locale === "zh-CN" ? "无" : "-";
    const data = Object.fromEntries(Object.entries(wechatTemplate.fields).map(([field, text]) => [field, { value: fitFieldValue(field, renderTemplate(text, variables), empty) }]));
    const payload = {
      template_id: wechatTemplate.templateId,
      ...(wechat.page && { page: `${wechat.page}?refundId=${encodeURIComponent(globalId.encode("Refund", event.refund.id))}` }),
      data,
      miniprogram_state: wechat.miniprogramState,
      lang: wechat.lang,
    };
    const openId = customer.wechatOpenId;
    rows.push({
      ...base,
      channel: "WECHAT_SUBSCRIPTION",
      recipient: openId ?? "",
      message: rendered ?? Object.values(data).map((field) => field.value).join(" · "),
      payload,
      // A customer with no openid cannot get it: recorded, not sent, not retried.
      ...(openId ? { status: "PENDING" } : { status: "FAILED", failureCode: "NO_OPENID", lastError: "the customer has no wechatOpenId (upsertCustomer)" }),
    });
  }
  // Unique (transitionId, channel): a concurrent or repeated call finds the first one's rows
  // (read only then: the first call costs one statement). One row, the usual case, goes in by
  // `create`, whose plan Prisma caches (it compiles every createMany anew).
  let stored = await insertRows(ctx.db, rows);
  if (stored.length < rows.length) stored = await ctx.db.notification.findMany({ where: { transitionId: event.transition.id } });
  return { text: stored.find((row) => row.channel === channel), wechat: stored.find((row) => row.channel === "WECHAT_SUBSCRIPTION") };
}

/** The rows inserted, leaving out any whose transition and channel have a row already. */
async function insertRows(db: Context["db"], rows: Prisma.NotificationCreateManyInput[]): Promise<Notification[]> {
  if (rows.length !== 1) return db.notification.createManyAndReturn({ data: rows, skipDuplicates: true });
  try {
    return [await db.notification.create({ data: rows[0]! })];
  } catch (error) {
    if (isUniqueViolation(error)) return [];
    throw error;
  }
}

/** The webhook's JSON body: the stored message, the same on every retry. */
export function webhookBody(notification: Notification, event: AfterTransitionEvent): string {
  const { transition } = event;
  return JSON.stringify({
    refundId: globalId.encode("Refund", notification.refundId),
    customerExternalId: notification.recipient,
    locale: notification.locale,
    message: notification.message,
    transition: {
      id: globalId.encode("RefundTransition", transition.id),
      action: transition.action,
      from: transition.from,
      to: transition.to,
      note: transition.note,
      amount:
        transition.amount == null
          ? null
          : { amount: transition.amount, currency: event.refund.currency, formatted: formatMoney(transition.amount, event.refund.currency) },
      actor: { kind: transition.actor.kind, role: transition.actor.role ?? null, name: transition.actor.name ?? null },
      createdAt: transition.createdAt.toISOString(),
    },
  });
}

async function send(notification: Notification, event: AfterTransitionEvent, ctx: Context, url: string, secret: string): Promise<void> {
  const body = webhookBody(notification, event);
  await ctx.db.notification.update({ where: { id: notification.id }, data: { attempts: { increment: 1 } } });
  let failure: string | null = null;
  try {
    const response = await outboundFetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [SIGNATURE_HEADER]: `sha256=${signPayload(secret, body)}`,
        "Idempotency-Key": ctx.idempotencyKey,
      },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    // Read the answer through so the connection is reused; its content does not matter.
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) failure = `webhook answered HTTP ${response.status}`;
  } catch (error) {
    failure = `webhook unreachable: ${error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error)}`;
  }
  if (failure) {
    await ctx.db.notification.update({ where: { id: notification.id }, data: { lastError: failure.slice(0, 2_000) } });
    throw new Error(failure);
  }
  await ctx.db.notification.update({ where: { id: notification.id }, data: { status: "SENT", sentAt: new Date(), lastError: null } });
}

/**
 * Sends a WECHAT_SUBSCRIPTION row to the customer's openid: the stored payload, the same on
 * every retry. A token WeChat refuses (40001/42001) is fetched again once and the message sent
 * again; 43101 (the customer did not subscribe) and the other refusals of the message are
 * recorded FAILED with a stable code and not retried; quotas (45009), WeChat's -1 and HTTP
 * errors throw, and the host retries the delivery with backoff.
 */
async function sendWechat(notification: Notification, ctx: Context): Promise<void> {
  const wechat = ctx.settings.wechatSubscription;
  if (!wechat) {
    await ctx.db.notification.update({
      where: { id: notification.id },
      data: { status: "CANCELLED", lastError: "WeChat subscription messages were turned off before the message was sent" },
    });
    return;
  }
  await ctx.db.notification.update({ where: { id: notification.id }, data: { attempts: { increment: 1 } } });
  const body = { touser: notification.recipient, ...(notification.payload as Record<string, unknown>) };
  const recordNotSent = (failureCode: string, answer: WechatAnswer) =>
    ctx.db.notification.update({
      where: { id: notification.id },
      data: { status: "FAILED", failureCode, lastError: `${answer.errcode}: ${answer.errmsg}`.slice(0, 2_000), providerAnswer: answer.raw },
    });
  let answer: WechatAnswer;
  try {
    let token = await accessToken(ctx.db, ctx.shopId, wechat);
    answer = await sendSubscribeMessage(token, body);
    if (TOKEN_INVALID.has(answer.errcode)) {
      token = await accessToken(ctx.db, ctx.shopId, wechat, { invalid: token });
      answer = await sendSubscribeMessage(token, body);
    }
  } catch (error) {
    if (error instanceof WechatCredentialsError) return void (await recordNotSent("WECHAT_CREDENTIALS_INVALID", error.answer));
    const message = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    await ctx.db.notification.update({ where: { id: notification.id }, data: { lastError: `WeChat unreachable: ${message}`.slice(0, 2_000) } });
    throw error;
  }
  if (answer.errcode === 0) {
    await ctx.db.notification.update({ where: { id: notification.id }, data: { status: "SENT", sentAt: new Date(), lastError: null, providerAnswer: answer.raw } });
    return;
  }
  const failureCode = WECHAT_FAILURES[answer.errcode as keyof typeof WECHAT_FAILURES];
  if (failureCode) return void (await recordNotSent(failureCode, answer));
  if (WECHAT_RETRYABLE.has(answer.errcode) || TOKEN_INVALID.has(answer.errcode)) {
    await ctx.db.notification.update({ where: { id: notification.id }, data: { lastError: `${answer.errcode}: ${answer.errmsg}`.slice(0, 2_000), providerAnswer: answer.raw } });
    throw new Error(`WeChat did not take the message yet: ${answer.errcode} ${answer.errmsg}`);
  }
  await recordNotSent("WECHAT_REFUSED", answer);
}
