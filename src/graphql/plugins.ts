import { deadDeliveriesQuery, listDeadDeliveries, listPluginSettings, retryDeadDelivery, updatePluginSettings } from "../services/plugin-admin.js";
import { queryService, queryViewer, shopAdminsRow } from "./access.js";
import { builder } from "./builder.js";
import { UserErrorRef, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";
import { replacedByConnection } from "./deprecation.js";

const PluginRef = builder.simpleObject("Plugin", {
  description: "A loaded plugin and the current shop's settings of it.",
  fields: (t) => ({
    name: t.string({ description: "The plugin's name (its folder under plugins/, e.g. coupons): pass it as `plugin` of updatePluginSettings." }),
    version: t.string({ description: "The plugin's version." }),
    settings: t.field({ type: "JSON", description: "The settings, defaults filled in; secrets are never shown (see secretsSet)." }),
    secretsSet: t.stringList({ description: "The secret settings that are set (e.g. webhookSecret). Secrets are write-only: an update that leaves one out keeps it, null removes it." }),
  }),
});

const PluginDeliveryStatusEnum = builder.enumType("PluginDeliveryStatus", {
  description: "Where a plugin hook's delivery stands.",
  values: {
    PENDING: { description: "Queued, or failed and waiting for its next try (with backoff)." },
    DELIVERED: { description: "The hook succeeded." },
    DEAD: { description: "It kept failing and is no longer tried: retry it with retryPluginDelivery." },
  } as const,
});

const PluginDeliveryRef = builder.prismaNode("PluginDelivery", {
  description: "One call of a plugin's after-transition hook.",
  id: { field: "id", description: "Pass as `deliveryId` of retryPluginDelivery." },
  nullable: true,
  // As `pluginDeadLetters`: the shop's admins (a platform admin: every shop's).
  findUnique: shopAdminsRow,
  fields: (t) => ({
    plugin: t.exposeString("plugin", { description: "The plugin whose hook was called." }),
    status: t.expose("status", { type: PluginDeliveryStatusEnum, description: "Where the delivery stands." }),
    attempts: t.exposeInt("attempts", { description: "How many times the hook was called for it." }),
    lastError: t.exposeString("lastError", { nullable: true, description: "The last failure's message; null when none failed." }),
    refundId: t.field({ type: "ID", resolve: (delivery) => Buffer.from(`Refund:${delivery.refundId}`).toString("base64"), description: "The global id of the refund whose transition it reports." }),
    createdAt: t.expose("createdAt", { type: "DateTime", description: "When the transition queued it (ISO 8601, UTC)." }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true, description: "When the hook succeeded (ISO 8601, UTC); null until then." }),
  }),
});

const optionalShop = (shopId: string | null | undefined) => (shopId ? parseGlobalId(shopId, "Shop", ["shopId"]) : null);

builder.queryFields((t) => ({
  plugins: t.field({
    type: [PluginRef],
    description: "Loaded plugins with this shop's settings (SHOP_ADMIN; platform admins name the shop).",
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
    resolve: (_root, { shopId }, ctx) => listPluginSettings(ctx.db, ctx.plugins, queryViewer(ctx), optionalShop(shopId)),
  }),
  pluginDeadLetters: t.prismaField({
    type: ["PluginDelivery"],
    description: "After-hooks that kept failing, newest first; retry them with retryPluginDelivery.",
    deprecationReason: replacedByConnection("pluginDeadLettersConnection", "Reads at most 200", "2026-11-30"),
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }), first: t.arg.int({ defaultValue: 50, description: "How many, newest first: 1 to 200." }) },
    resolve: (_query, _root, { shopId, first }, ctx) =>
      listDeadDeliveries(ctx.db, queryViewer(ctx), optionalShop(shopId), Math.min(Math.max(first ?? 50, 1), 200)),
  }),
  pluginDeadLettersConnection: t.prismaConnection({
    type: PluginDeliveryRef,
    cursor: "id",
    description: "After-hooks that kept failing, newest first; retry them with retryPluginDelivery (SHOP_ADMIN; platform admins name the shop).",
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }) },
    resolve: (query, _root, { shopId }, ctx) => {
      const viewer = queryViewer(ctx);
      return queryService(async () => ctx.db.prisma.pluginDelivery.findMany({ ...query, ...deadDeliveriesQuery(viewer, optionalShop(shopId)) }));
    },
  }),
}));

const UpdatePluginSettingsInput = builder.inputType("UpdatePluginSettingsInput", {
  description: "One plugin's settings for a shop.",
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins." }),
    plugin: t.string({ required: true, description: "The plugin's name (`Plugin.name`)." }),
    settings: t.field({ type: "JSON", required: true, description: "Validated by the plugin's settings schema; omitted keys take defaults." }),
  }),
});

builder.mutationField("updatePluginSettings", (t) =>
  t.field({
    description: "Sets a plugin's settings for the shop (SHOP_ADMIN, or PLATFORM_ADMIN naming the shop); audited, secrets never shown again.",
    type: builder.simpleObject("UpdatePluginSettingsPayload", {
      fields: (p) => ({ plugin: p.field({ type: PluginRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: UpdatePluginSettingsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      // Settings are free-form JSON checked by the plugin's own schema, not as input text.
      withUserErrors(ctx, { ...input, settings: null }, async (viewer) => ({
        plugin: await updatePluginSettings(ctx.db, ctx.services.shopConfig, ctx.plugins, viewer, {
          ...input,
          shopId: parseShopIdInput(input.shopId),
        }),
      })),
  }),
);

const RetryPluginDeliveryInput = builder.inputType("RetryPluginDeliveryInput", {
  description: "The dead delivery to send again.",
  fields: (t) => ({ deliveryId: t.id({ required: true, description: "The delivery's global id (`PluginDelivery.id`)." }) }),
});

builder.mutationField("retryPluginDelivery", (t) =>
  t.field({
    description: "Calls a dead after-hook again (SHOP_ADMIN, or PLATFORM_ADMIN): the delivery goes back to PENDING and the worker retries it.",
    type: builder.simpleObject("RetryPluginDeliveryPayload", {
      fields: (p) => ({ delivery: p.field({ type: PluginDeliveryRef, nullable: true }), userErrors: p.field({ type: [UserErrorRef] }) }),
    }),
    args: { input: t.arg({ type: RetryPluginDeliveryInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      withUserErrors(ctx, input, async (viewer) => ({
        delivery: await retryDeadDelivery(ctx.db, ctx.services.hookDeliveries, viewer, {
          deliveryId: parseGlobalId(input.deliveryId, "PluginDelivery", ["input", "deliveryId"]),
        }),
      })),
  }),
);
