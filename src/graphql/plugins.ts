import { deadDeliveriesQuery, listDeadDeliveries, listPluginSettings, retryDeadDelivery, updatePluginSettings } from "../services/plugin-admin.js";
import { queryService, queryViewer } from "./access.js";
import { builder } from "./builder.js";
import { UserErrorRef, parseGlobalId, parseShopIdInput, withUserErrors } from "./user-errors.js";

const PluginRef = builder.simpleObject("Plugin", {
  description: "A loaded plugin and the current shop's settings of it.",
  fields: (t) => ({
    name: t.string(),
    version: t.string(),
    settings: t.field({ type: "JSON", description: "The settings, defaults filled in; secrets are never shown (see secretsSet)." }),
    secretsSet: t.stringList({ description: "The secret settings that are set (e.g. webhookSecret). Secrets are write-only: an update that leaves one out keeps it, null removes it." }),
  }),
});

const PluginDeliveryStatusEnum = builder.enumType("PluginDeliveryStatus", { values: ["PENDING", "DELIVERED", "DEAD"] as const });

const PluginDeliveryRef = builder.prismaNode("PluginDelivery", {
  description: "One call of a plugin's after-transition hook.",
  id: { field: "id", description: "Pass as `deliveryId` of retryPluginDelivery." },
  nullable: true,
  // As `pluginDeadLetters`: the shop's admins (a platform admin: every shop's).
  findUnique: (id, ctx) => {
    const viewer = queryViewer(ctx);
    if (viewer.role === "PLATFORM_ADMIN") return { id };
    return viewer.role === "SHOP_ADMIN" ? { id, shopId: viewer.shopId! } : { id, AND: [{ id: { in: [] } }] };
  },
  fields: (t) => ({
    plugin: t.exposeString("plugin"),
    status: t.expose("status", { type: PluginDeliveryStatusEnum }),
    attempts: t.exposeInt("attempts"),
    lastError: t.exposeString("lastError", { nullable: true }),
    refundId: t.field({ type: "ID", resolve: (delivery) => Buffer.from(`Refund:${delivery.refundId}`).toString("base64") }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    deliveredAt: t.expose("deliveredAt", { type: "DateTime", nullable: true }),
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
    deprecationReason: "Reads at most 200; use pluginDeadLettersConnection, the same deliveries in pages.",
    args: { shopId: t.arg.id({ description: "The shop to read: a platform admin names it; other roles read their own shop." }), first: t.arg.int({ defaultValue: 50 }) },
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
  fields: (t) => ({
    shopId: t.id({ description: "Needed for platform admins." }),
    plugin: t.string({ required: true }),
    settings: t.field({ type: "JSON", required: true, description: "Validated by the plugin's settings schema; omitted keys take defaults." }),
  }),
});

builder.mutationField("updatePluginSettings", (t) =>
  t.field({
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
  fields: (t) => ({ deliveryId: t.id({ required: true }) }),
});

builder.mutationField("retryPluginDelivery", (t) =>
  t.field({
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
