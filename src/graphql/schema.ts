import type { GraphQLSchema } from "graphql";
import { schemaKit } from "../plugin/schema-kit.js";
import type { AnyRefundPlugin } from "../plugin/types.js";
import { builder } from "./builder.js";
import { describeGeneratedTypes } from "./shell-docs.js";
import "./scalars.js";
import "./shop.js";
import "./staff.js";
import "./customer.js";
import "./order.js";
import "./reason-tags.js";
import "./product-stats.js";
import "./metrics.js";
import "./refund.js";
import "./refund-mutations.js";
import "./batches.js";
import "./queues.js";
import "./automation.js";
import "./people.js";
import "./returns.js";
import "./subscriptions.js";
import "./plugins.js";
import "./apps.js";
import "./app-checks.js";
import "./payments.js";

const applied = new Set<string>();
let built: { key: string; schema: GraphQLSchema } | undefined;

/**
 * The schema with the plugins' additions. The builder is one per process, so a plugin's
 * `schema(builder)` runs once; the schema is rebuilt only when a new plugin adds to it.
 */
export function buildSchema(plugins: readonly AnyRefundPlugin[]): GraphQLSchema {
  for (const plugin of plugins) {
    if (applied.has(plugin.name)) continue;
    applied.add(plugin.name);
    plugin.schema?.(builder, schemaKit(plugin));
  }
  const key = [...applied].sort().join(",");
  if (built?.key !== key) {
    const schema = builder.toSchema({ sortSchema: true });
    describeGeneratedTypes(schema);
    built = { key, schema };
  }
  return built.schema;
}
