import { fileURLToPath } from "node:url";
import { printSchema } from "graphql";
import { DEFAULT_PLUGINS, loadPlugins } from "../plugin/loader.js";
import { buildSchema } from "./schema.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../../schema/schema.graphql", import.meta.url));

/** The checked-in SDL, with the first-party plugins: what client teams generate code from. */
export async function printSchemaFile(): Promise<string> {
  const schema = buildSchema(await loadPlugins(DEFAULT_PLUGINS));
  return `# Generated from src/graphql and the default plugins by \`npm run schema:print\`; do not edit.\n\n${printSchema(schema)}\n`;
}
