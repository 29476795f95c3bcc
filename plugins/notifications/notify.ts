import type { Notification } from "../../src/generated/prisma/client.js";
import { type AfterTransitionContext, type AfterTransitionEvent, type PluginDb, formatMoney, globalId, outboundFetch, signPayload } from "../../src/plugin/index.js";
import type { NotificationSettings } from "./settings.js";
import {
  type TemplateVariables,
  localizeWorkingDays,
  noteForSentence,
  renderTemplate,
  resolveTemplate,
  returnAddressSentence,
} from "./templates.js";

export const CHANNELS = ["WEBHOOK", "IN_APP"] as const;
export type Channel = (typeof CHANNELS)[number];
export const STATUSES = ["PENDING", "SENT", "CANCELLED"] as const;

export const SIGNATURE_HEADER = "X-Refund-Signature";
const TIMEOUT_MS = 10_000;

type Context = AfterTransitionContext<NotificationSettings, PluginDb<"notification">>;

/**
 * The after-transition hook. Renders the transition's message (if a template applies) into
 * one Notification row — created on the first call, reused on every retry, so the message
 * and the row never double — then POSTs it to the shop's webhook when one is configured.
 * A failed POST throws, and the host retries with backoff under the same idempotency key.
 * Without a webhook the message is IN_APP: read through `Refund.notifications`, SENT at once.
 */
export async function notifyTransition(event: AfterTransitionEvent, ctx: Context): Promise<void> {
  const notification = await createNotification(event, ctx);
  if (!notification) return;
  if (notification.channel !== "WEBHOOK" || notification.status !== "PENDING") return;

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

/**
 * The transition's message row: rendered and inserted on the first call; on a retry the insert
 * finds the first call's row (unique transitionId + channel), so the message never changes.
 * Null when no template applies to this transition.
 */
async function createNotification(event: AfterTransitionEvent, ctx: Context): Promise<Notification | null> {
  const { settings } = ctx;
  const template = resolveTemplate(settings.templates, settings.locale, event.transition.action, event.transition.to, event.refund.type);
  if (!template) return null;
  // Everything the template names, in one statement.
  const [refund] = await ctx.db.$queryRaw<
    Array<{ currency: string; requestedAmount: number; approvedAmount: number | null; orderRef: string; customerName: string; customerRef: string; shopName: string; carrier: string | null; trackingNumber: string | null; returnAddress: Parameters<typeof returnAddressSentence>[0] }>
  >`
    SELECT r.currency, r."requestedAmount", r."approvedAmount", o."externalId" AS "orderRef", c.name AS "customerName",
           c."externalId" AS "customerRef", s.name AS "shopName", r."returnAddress",
           -- SHIP_REPLACEMENT speaks of the exchange's replacement parcel, every other message of the return.
           CASE WHEN ${event.transition.action} = 'SHIP_REPLACEMENT' THEN ps.carrier ELSE rs.carrier END AS carrier,
           CASE WHEN ${event.transition.action} = 'SHIP_REPLACEMENT' THEN ps."trackingNumber" ELSE rs."trackingNumber" END AS "trackingNumber"
      FROM "Refund" r
      JOIN "Order" o ON o.id = r."orderId"
      JOIN "Customer" c ON c.id = r."customerId"
      JOIN "Shop" s ON s.id = r."shopId"
      LEFT JOIN "ReturnShipment" rs ON rs."refundId" = r.id
      LEFT JOIN "ReplacementShipment" ps ON ps."refundId" = r.id
     WHERE r.id = ${event.refund.id}`;
  if (!refund) throw new Error(`refund ${event.refund.id} not found`);
  // The refund is read now, maybe transitions later: what this transition moved comes first.
  const amount = event.transition.amount ?? refund.approvedAmount ?? refund.requestedAmount;
  const variables: TemplateVariables = {
    amount: formatMoney(amount, refund.currency),
    requestedAmount: formatMoney(refund.requestedAmount, refund.currency),
    orderRef: refund.orderRef,
    note: noteForSentence(event.transition.note),
    workingDays: localizeWorkingDays(settings.workingDays, settings.locale),
    customerName: refund.customerName,
    shopName: refund.shopName,
    carrier: refund.carrier ?? "",
    trackingNumber: refund.trackingNumber ?? "",
    returnAddress: returnAddressSentence(refund.returnAddress, settings.locale),
  };
  const channel: Channel = settings.webhookUrl ? "WEBHOOK" : "IN_APP";
  const now = new Date();
  // Unique (transitionId, channel): a concurrent or repeated call finds the first one's row.
  const [created] = await ctx.db.notification.createManyAndReturn({
    data: [
      {
        shopId: ctx.shopId,
        refundId: event.refund.id,
        transitionId: event.transition.id,
        channel,
        locale: settings.locale,
        recipient: refund.customerRef,
        message: renderTemplate(template, variables),
        status: channel === "IN_APP" ? "SENT" : "PENDING",
        sentAt: channel === "IN_APP" ? now : null,
      },
    ],
    skipDuplicates: true,
  });
  return created ?? ctx.db.notification.findUniqueOrThrow({ where: { transitionId_channel: { transitionId: event.transition.id, channel } } });
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
