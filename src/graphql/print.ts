import { fileURLToPath } from "node:url";
import { printSchema } from "graphql";
import { schema } from "./schema.js";

export const SCHEMA_FILE = fileURLToPath(new URL("../../schema/schema.graphql", import.meta.url));

/** The checked-in SDL: what frontend and mobile teams generate their clients from. */
export function printSchemaFile(): string {
  return `# Generated from src/graphql by \`npm run schema:print\`; do not edit.\n\n${printSchema(schema)}\n`;
}
