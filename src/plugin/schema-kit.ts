import type { GraphQLContext } from "../graphql/context.js";
import { type AnyPluginDb, pluginDb } from "./plugin-db.js";
import { globalId } from "./request-loaders.js";
import type { AnyRefundPlugin, SchemaKit } from "./types.js";

/**
 * What a plugin's `schema(builder, kit)` gets. The schema is built once per process while the
 * database is per app, so everything here is taken from the request's context.
 */
export function schemaKit(plugin: AnyRefundPlugin): SchemaKit<unknown, AnyPluginDb> {
  const db = (ctx: GraphQLContext) => pluginDb(ctx.db.prisma, plugin, ctx.viewer?.shopId ?? null);
  return {
    db,
    // The builder is one per process: an app that did not load the plugin answers its defaults.
    settingsFor: async (ctx, shopId) => (ctx.plugins.plugins.has(plugin.name) ? ctx.plugins.settingsFor(shopId, plugin) : (plugin.config?.parse({}) ?? {})),
    loader: (name, batch, options) => (ctx) => ctx.loaders.byKey(`${plugin.name}:${name}`, (keys) => batch(keys, db(ctx), ctx), options),
    globalId,
  };
}
