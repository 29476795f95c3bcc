// Writes schema/schema.graphql from the Pothos schema; test/graphql/schema-file.test.ts fails when it is stale.
import { writeFileSync } from "node:fs";
import { printSchemaFile, SCHEMA_FILE } from "../src/graphql/print.js";

writeFileSync(SCHEMA_FILE, await printSchemaFile());
console.log(`wrote ${SCHEMA_FILE}`);
