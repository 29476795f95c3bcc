import { encodeGlobalID } from "@pothos/plugin-relay";
import { APP_PERMISSIONS, APP_PERMISSION_MEANINGS } from "../apps/permissions.js";
import { APP_ADMIN_ROLES, appAdminScope, appsQuery, createApp, deleteApp, updateApp } from "../services/apps.js";
import { createAppWebhook, deleteAppWebhook, redeliverWebhook, rotateAppWebhookSecret } from "../services/app-webhooks.js";
import type { Viewer } from "../services/viewer.js";
import { queryService, queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { UserErrorRef, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

export const AppPermissionEnum = builder.enumType("AppPermission", {
  description: "What an app may do. Its token acts with its creator's role, narrowed to these.",
  values: Object.fromEntries(APP_PERMISSIONS.map((permission) => [permission, { value: permission, description: APP_PERMISSION_MEANINGS[permission] }])) as {
    [P in (typeof APP_PERMISSIONS)[number]]: { value: P; description: string };
  },
});

export const AppEventEnum = builder.enumType("AppEvent", {
  description: "What an app's webhook is sent for.",
  values: {
    REFUND_REQUESTED: { value: "REFUND_REQUESTED" as const, description: "A refund was requested (its first transition, from nothing to REQUESTED)." },
    REFUND_TRANSITIONED: { value: "REFUND_TRANSITIONED" as const, description: "A refund moved from one status to another (every transition but the request)." },
    REFUND_ITEMS_RESTOCKED: {
      value: "REFUND_ITEMS_RESTOCKED" as const,
      description: "Units of a refund's line items passed inspection (the PASS_INSPECTION transition): an inventory system puts them back on sale. The document reads them as `refund { items { orderItem { sku } inspection { passedQuantity } } }`.",
    },
    REFUND_BATCH_FINISHED: {
      value: "REFUND_BATCH_FINISHED" as const,
      description:
        "A batchTransitionRefunds run finished and its report was stored: sent once per batch. The document selects `refundBatchProgress(batchId: $batchId)` and declares `$batchId: ID!`, which the platform supplies; it reads the summary, e.g. `subscription ($batchId: ID!) { refundBatchProgress(batchId: $batchId) { batch { id action total succeeded failed } } }`.",
    },
  },
});

const AppWebhookDeliveryStatusEnum = builder.enumType("AppWebhookDeliveryStatus", {
  description: "Where a webhook delivery stands.",
  values: {
    PENDING: { description: "Queued, or failed and waiting for its next attempt." },
    DELIVERED: { description: "The receiver answered 2xx." },
    DEAD: { description: "Every attempt failed: redeliverWebhook sends it again." },
  },
});

/** App rows (and their webhooks and deliveries) only for the admins of their shop. */
function adminWhere(viewer: Viewer) {
  return (APP_ADMIN_ROLES as readonly string[]).includes(viewer.role) && !viewer.app ? appAdminScope(viewer) : { id: { in: [] as string[] } };
}

export const AppRef = builder.prismaNode("App", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [adminWhere(queryViewer(ctx))] }),
  description: "An integration of one shop, registered with createApp.",
  fields: (t) => ({
    name: t.exposeString("name", { description: "The app's name, shown as the actor's name of what it does." }),
    permissions: t.field({ type: [AppPermissionEnum], resolve: (app) => app.permissions, description: "What the app's token may read and do." }),
    enabled: t.exposeBoolean("enabled", { description: "A disabled app's token is refused and its webhooks are not sent." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the app was created (ISO 8601, UTC)." }),
    webhooks: t.relatedConnection("webhooks", { cursor: "id", query: { orderBy: [{ createdAt: "asc" }, { id: "asc" }] }, description: "The app's webhooks in pages, oldest first." }),
  }),
});

export const AppWebhookRef = builder.prismaNode("AppWebhook", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [adminWhere(queryViewer(ctx))] }),
  description: "An app's subscription to one event: `query` runs for each event and its data is POSTed, signed, to `targetUrl`.",
  fields: (t) => ({
    app: t.relation("app", { description: "The app the webhook belongs to." }),
    event: t.expose("event", { type: AppEventEnum, description: "The event that triggers it." }),
    targetUrl: t.exposeString("targetUrl", { description: "The URL the platform POSTs to (public http(s) only)." }),
    query: t.exposeString("query", { description: "The subscription document whose result is the body." }),
    secretSet: t.boolean({ description: "Secrets are write-only: whether one is set, never it.", resolve: (webhook) => webhook.secret.length > 0 }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the webhook was created (ISO 8601, UTC)." }),
    deliveries: t.relatedConnection("deliveries", {
      cursor: "id",
      description: "Recent deliveries, newest first.",
      query: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] },
    }),
  }),
});

const AppWebhookDeliveryRef = builder.prismaNode("AppWebhookDelivery", {
  id: { field: "id" },
  nullable: true,
  findUnique: (id, ctx) => ({ id, AND: [adminWhere(queryViewer(ctx))] }),
  description: "One POST of a webhook for one event, with its attempts.",
  fields: (t) => ({
    webhook: t.relation("webhook", { description: "The webhook it is for." }),
    event: t.expose("event", { type: AppEventEnum, description: "The event it reports." }),
    status: t.expose("status", { type: AppWebhookDeliveryStatusEnum, description: "Where the delivery stands." }),
    attempts: t.exposeInt("attempts", { description: "How many times it was sent." }),
    lastError: t.exposeString("lastError", { nullable: true, description: "The last failure (status or error); null when none failed." }),
    responseStatus: t.exposeInt("responseStatus", { nullable: true, description: "The receiver's HTTP status at the last attempt." }),
    latencyMs: t.exposeInt("latencyMs", { nullable: true, description: "How long the last attempt took." }),
    refundId: t.field({
      type: "ID",
      nullable: true,
      description: "The refund whose event this is; null for REFUND_BATCH_FINISHED.",
      resolve: (delivery) => (delivery.refundId === null ? null : encodeGlobalID("Refund", delivery.refundId)),
    }),
    batchId: t.field({
      type: "ID",
      nullable: true,
      description: "REFUND_BATCH_FINISHED: the RefundBatch whose summary this is; null for a refund's events.",
      resolve: (delivery) => (delivery.batchId === null ? null : encodeGlobalID("RefundBatch", delivery.batchId)),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the event happened and the delivery was queued (ISO 8601, UTC)." }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When the receiver answered 2xx (ISO 8601, UTC); null until then." }),
  }),
});

builder.queryFields((t) => ({
  apps: t.prismaConnection({
    type: "App",
    cursor: "id",
    maxSize: 100,
    defaultSize: 20,
    description: "The shop's apps, newest first (SHOP_ADMIN; platform admins name the shop).",
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
    resolve: (query, _root, { shopId }, ctx) => {
      const viewer = queryViewer(ctx);
      return queryService(async () => ctx.db.prisma.app.findMany({ ...query, ...appsQuery(viewer, shopId ? parseGlobalId(shopId, "Shop", ["shopId"]) : null) }));
    },
  }),
  app: t.prismaField({
    type: "App",
    nullable: true,
    description: "One app of the shop (SHOP_ADMIN); null when it is not the caller's to see.",
    args: { id: t.arg.id({ required: true, description: "The app's global id (`App.id`)." }) },
    resolve: (query, _root, { id }, ctx) =>
      queryService(async () => ctx.db.prisma.app.findFirst({ ...query, where: { id: parseGlobalId(id, "App", ["id"]), AND: [adminWhere(queryViewer(ctx))] } })),
  }),
}));

const CreateAppInput = builder.inputType("CreateAppInput", {
  description: "A new app of the shop.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins." }),
    name: t.string({ required: true, description: "The app's name." }),
    permissions: t.field({ type: [AppPermissionEnum], required: true, description: "Each must be held by the caller's role." }),
  }),
});

builder.mutationField("createApp", (t) =>
  t.field({
    description: "Registers an app of the shop (SHOP_ADMIN, or PLATFORM_ADMIN naming the shop) with the permissions it may use (at most the creator's); answers the app's API token, shown once.",
    type: builder.simpleObject("CreateAppPayload", {
      fields: (p) => ({
        app: p.field({ type: AppRef, nullable: true, description: "The app as stored now; null when `userErrors` is not empty." }),
        token: p.string({ nullable: true, description: "The app's token, shown only in this answer." }),
        userErrors: p.field({ type: [UserErrorRef] }),
      }),
    }),
    args: { input: t.arg({ type: CreateAppInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, (viewer) => createApp(ctx.db, viewer, { ...input, shopId: parseShopIdInput(input.shopId) })),
  }),
);

const UpdateAppInput = builder.inputType("UpdateAppInput", {
  description: "Changes to an app; a field left out stays as it is.",
  fields: (t) => ({
    appId: t.id({ required: true, description: "The app's global id (`App.id`)." }),
    name: t.string({ description: "A new name." }),
    enabled: t.boolean({ description: "false: the app's token is refused, its webhooks are not sent and its live subscriptions end (CREDENTIAL_ENDED)." }),
    permissions: t.field({
      type: [AppPermissionEnum],
      description:
        "The app's permissions from now on (at least one, each held by the role the app acts with). A live subscription of the app that reads what they no longer grant ends with CREDENTIAL_ENDED.",
    }),
  }),
});

const AppPayload = builder.simpleObject("AppPayload", {
  description: "What `updateApp` answers: the app, or `userErrors`.",
  fields: (p) => ({ app: p.field({ type: AppRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
});

builder.mutationField("updateApp", (t) =>
  t.field({
    description: "Renames, disables or enables an app (its admins); a disabled app's token is refused at once and its webhooks are not sent.",
    type: AppPayload,
    args: { input: t.arg({ type: UpdateAppInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        app: await updateApp(ctx.db, ctx.services.shopConfig, ctx.services.credentials, viewer, { ...input, appId: parseGlobalId(input.appId, "App", ["input", "appId"]) }),
      })),
  }),
);

builder.mutationField("deleteApp", (t) =>
  t.field({
    description: "Deletes an app with its webhooks and checks (its admins); its token stops working at once.",
    type: builder.simpleObject("DeleteAppPayload", {
      fields: (p) => ({ deletedAppId: p.id({ nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: builder.inputType("DeleteAppInput", { description: "The app to delete.", fields: (f) => ({ appId: f.id({ required: true, description: "The app's global id (`App.id`)." }) }) }), required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => {
        await deleteApp(ctx.db, ctx.services.shopConfig, ctx.services.credentials, viewer, { appId: parseGlobalId(input.appId, "App", ["input", "appId"]) });
        return { deletedAppId: input.appId };
      }),
  }),
);

const CreateAppWebhookInput = builder.inputType("CreateAppWebhookInput", {
  description: "A new webhook of an app.",
  fields: (t) => ({
    appId: t.id({ required: true, description: "The app's global id (`App.id`)." }),
    event: t.field({ type: AppEventEnum, required: true, description: "The event that triggers it." }),
    targetUrl: t.string({ required: true, description: "Where to POST: a public http(s) URL (OUTBOUND_ALLOW_HOSTS permits others)." }),
    query: t.string({
      required: true,
      description:
        "A subscription document selecting refundEvents, e.g. `subscription { refundEvents { to refund { status } } }` (for REFUND_BATCH_FINISHED: `refundBatchProgress(batchId: $batchId)` with `$batchId: ID!`): its data for each event is the body. Checked against the app's permissions.",
    }),
    secret: t.string({ required: true, description: "Signs every POST (X-Refund-Signature); at least 24 characters; write-only." }),
  }),
});

const AppWebhookPayload = builder.simpleObject("AppWebhookPayload", {
  description: "What the webhook mutations answer: the webhook, or `userErrors`.",
  fields: (p) => ({ webhook: p.field({ type: AppWebhookRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
});

builder.mutationField("createAppWebhook", (t) =>
  t.field({
    description: "Subscribes an app to an event (its admins): each event is POSTed to `targetUrl` with the document's result, signed with the webhook's secret, and retried with backoff.",
    type: AppWebhookPayload,
    args: { input: t.arg({ type: CreateAppWebhookInput, required: true }) },
    resolve: (_root, { input }, ctx, info) =>
      withUserErrors(ctx, input, async (viewer) => ({
        webhook: await createAppWebhook(ctx.db, ctx.services.shopConfig, info.schema, viewer, { ...input, appId: parseGlobalId(input.appId, "App", ["input", "appId"]) }),
      })),
  }),
);

builder.mutationField("rotateAppWebhookSecret", (t) =>
  t.field({
    description: "Replaces a webhook's signing secret (its admins); deliveries from now on are signed with the new one.",
    type: AppWebhookPayload,
    args: {
      input: t.arg({
        type: builder.inputType("RotateAppWebhookSecretInput", { description: "A webhook's new signing secret.", fields: (f) => ({ webhookId: f.id({ required: true, description: "The webhook's global id (`AppWebhook.id`)." }), secret: f.string({ required: true, description: "The new secret the deliveries are signed with: 24 to 256 characters." }) }) }),
        required: true,
      }),
    },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        webhook: await rotateAppWebhookSecret(ctx.db, viewer, { ...input, webhookId: parseGlobalId(input.webhookId, "AppWebhook", ["input", "webhookId"]) }),
      })),
  }),
);

builder.mutationField("deleteAppWebhook", (t) =>
  t.field({
    description: "Deletes a webhook (its admins): no further deliveries.",
    type: builder.simpleObject("DeleteAppWebhookPayload", {
      fields: (p) => ({ deletedWebhookId: p.id({ nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: builder.inputType("DeleteAppWebhookInput", { description: "The webhook to delete.", fields: (f) => ({ webhookId: f.id({ required: true, description: "The webhook's global id (`AppWebhook.id`)." }) }) }), required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => {
        await deleteAppWebhook(ctx.db, ctx.services.shopConfig, viewer, { webhookId: parseGlobalId(input.webhookId, "AppWebhook", ["input", "webhookId"]) });
        return { deletedWebhookId: input.webhookId };
      }),
  }),
);

builder.mutationField("redeliverWebhook", (t) =>
  t.field({
    type: builder.simpleObject("RedeliverWebhookPayload", {
      fields: (p) => ({ delivery: p.field({ type: AppWebhookDeliveryRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    description: "Sends a delivered or dead webhook delivery again (its document is run again, attempts start over).",
    args: { input: t.arg({ type: builder.inputType("RedeliverWebhookInput", { description: "The dead delivery to send again.", fields: (f) => ({ deliveryId: f.id({ required: true, description: "The delivery's global id (`AppWebhookDelivery.id`)." }) }) }), required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        delivery: await redeliverWebhook(ctx.db, ctx.services.hookDeliveries, viewer, {
          deliveryId: parseGlobalId(input.deliveryId, "AppWebhookDelivery", ["input", "deliveryId"]),
        }),
      })),
  }),
);
