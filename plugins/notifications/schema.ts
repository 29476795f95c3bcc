import { resolveOffsetConnection } from "@pothos/plugin-relay";
import type { Notification } from "../../src/generated/prisma/client.js";
import { replacedByConnection } from "../../src/graphql/deprecation.js";
import type { GraphQLContext, PluginDb, SchemaBuilder, SchemaKit } from "../../src/plugin/index.js";
import { CHANNELS, STATUSES } from "./notify.js";

type NotificationsDb = PluginDb<"notification", "refund">;

/** Delivery details are for the shop's staff, not for the customer reading its messages. */
const isStaff = (ctx: GraphQLContext) => ctx.viewer !== null && ctx.viewer.role !== "CUSTOMER";

/**
 * `node(id:)` for notifications: who sees the refund sees its messages (the shop's tokens, a
 * customer its own refunds', a platform admin all). One value per id, null for the others.
 */
async function visibleNotifications(ctx: GraphQLContext, db: NotificationsDb, ids: readonly string[]): Promise<Array<Notification | null>> {
  const viewer = ctx.viewer;
  if (!viewer) return ids.map(() => null);
  const shopScope = viewer.role === "PLATFORM_ADMIN" ? {} : { shopId: viewer.shopId ?? "" };
  let rows = await db.notification.findMany({ where: { id: { in: [...ids] }, ...shopScope } });
  if (viewer.role === "CUSTOMER") {
    const own = await db.refund.findMany({
      where: { id: { in: rows.map((row) => row.refundId) }, customerId: viewer.customerId ?? "" },
      select: { id: true },
    });
    const ownIds = new Set(own.map((refund) => refund.id));
    rows = rows.filter((row) => ownIds.has(row.refundId));
  }
  return ids.map((id) => rows.find((row) => row.id === id) ?? null);
}

/** `Refund.notifications`, `Refund.notificationsConnection` and the `Notification` type. */
export function notificationsSchema(builder: SchemaBuilder, kit: SchemaKit<unknown, NotificationsDb>): void {
  // The notifications of every refund on a page in one statement.
  const notificationsOf = kit.loader<string, Notification[]>("byRefund", async (refundIds, db) => {
    const rows = await db.notification.findMany({ where: { refundId: { in: [...refundIds] } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    return refundIds.map((refundId) => rows.filter((row) => row.refundId === refundId));
  });

  const ChannelEnum = builder.enumType("NotificationChannel", {
    description: "WEBHOOK: POSTed to the shop's gateway (SMS, app push); IN_APP: read here only; WECHAT_SUBSCRIPTION: a WeChat subscription message (订阅消息) to the customer's openid.",
    values: {
      WEBHOOK: { description: "POSTed to the shop's gateway (SMS, app push)." },
      IN_APP: { description: "Read in the app only (`Refund.notifications`)." },
      WECHAT_SUBSCRIPTION: { description: "A WeChat subscription message to the customer's openid." },
    } satisfies Record<(typeof CHANNELS)[number], { description: string }>,
  });
  const StatusEnum = builder.enumType("NotificationStatus", {
    description:
      "PENDING until the webhook or WeChat accepted it (retried with backoff); CANCELLED when the channel was removed meanwhile; FAILED: will not be sent, not retried (failureCode says why).",
    values: {
      PENDING: { description: "Not accepted yet by the webhook or WeChat; retried with backoff." },
      SENT: { description: "Accepted by the channel (or, IN_APP, stored to be read)." },
      CANCELLED: { description: "Not sent: the channel was removed meanwhile." },
      FAILED: { description: "Will not be sent and is not retried; `failureCode` says why." },
    } satisfies Record<(typeof STATUSES)[number], { description: string }>,
  });
  const NotificationRef = builder.node(builder.objectRef<Notification>("Notification"), {
    description: "A message to the customer about one transition of a refund (plugin notifications).",
    id: { resolve: (row) => row.id },
    loadMany: (ids, ctx) => visibleNotifications(ctx as GraphQLContext, kit.db(ctx as GraphQLContext), ids),
    fields: (t) => ({
      transitionId: t.field({ type: "ID", resolve: (row) => kit.globalId.encode("RefundTransition", row.transitionId), description: "The global id of the transition the message is about (`RefundTransition.id`)." }),
      channel: t.field({ type: ChannelEnum, resolve: (row) => row.channel as (typeof CHANNELS)[number], description: "How the message goes to the customer." }),
      locale: t.exposeString("locale", { description: "The language the message is written in (e.g. zh-CN)." }),
      message: t.exposeString("message", { description: "The text the customer gets." }),
      status: t.field({ type: StatusEnum, resolve: (row) => row.status as (typeof STATUSES)[number], description: "Where the message's delivery stands." }),
      attempts: t.int({ nullable: true, description: "Webhook calls so far (staff only).", resolve: (row, _args, ctx) => (isStaff(ctx) ? row.attempts : null) }),
      lastError: t.string({ nullable: true, description: "Why the last call failed (staff only).", resolve: (row, _args, ctx) => (isStaff(ctx) ? row.lastError : null) }),
      failureCode: t.string({
        nullable: true,
        description:
          "Why a FAILED message will not be sent (staff only): NO_OPENID, WECHAT_NOT_SUBSCRIBED (43101), WECHAT_INVALID_OPENID, WECHAT_TEMPLATE_INVALID, WECHAT_DATA_INVALID, WECHAT_PAGE_INVALID, WECHAT_CREDENTIALS_INVALID (40125…), WECHAT_REFUSED.",
        resolve: (row, _args, ctx) => (isStaff(ctx) ? row.failureCode : null),
      }),
      providerAnswer: t.string({
        nullable: true,
        description: "The provider's last answer as it gave it, e.g. WeChat's {\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":…} (staff only).",
        resolve: (row, _args, ctx) => (isStaff(ctx) ? row.providerAnswer : null),
      }),
      createdAt: t.expose("createdAt", { type: "DateTime", description: "When the transition queued it (ISO 8601, UTC)." }),
      sentAt: t.expose("sentAt", { type: "DateTime", nullable: true, description: "When the channel accepted it (ISO 8601, UTC); null until then." }),
    }),
  });

  builder.prismaObjectField("Refund", "notifications", (t) =>
    t.field({
      type: [NotificationRef],
      description: "Messages sent to the customer about this refund, oldest first.",
      deprecationReason: replacedByConnection("notificationsConnection", "Unbounded: a message per transition and channel", "2026-12-07"),
      resolve: (refund, _args, ctx) => notificationsOf(ctx).load(refund.id),
    }),
  );

  // Messages are only appended, oldest first, so an offset is a stable cursor.
  builder.prismaObjectField("Refund", "notificationsConnection", (t) =>
    t.connection(
      {
        type: NotificationRef,
        description: "Messages sent to the customer about this refund, oldest first, in pages: one per transition and channel, so a long refund has many.",
        resolve: (refund, args, ctx) =>
          resolveOffsetConnection({ args }, ({ offset, limit }) =>
            kit.db(ctx as GraphQLContext).notification.findMany({ where: { refundId: refund.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], skip: offset, take: limit }),
          ),
      },
      { description: "A page of a refund's messages to its customer." },
      { description: "One message to the customer, with its cursor." },
    ),
  );
}
