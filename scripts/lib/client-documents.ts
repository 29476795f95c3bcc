// The two ways the example client documents (clients/operations) go wrong without anyone
// noticing: an operation stops validating against the schema, or clients/generated/ no longer
// matches what `npm run codegen` would write. test/contract/client-documents.test.ts runs both.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { type GraphQLError, buildSchema, parse, validate } from "graphql";
import { CLIENT_GENERATED, clientCodegenConfig } from "../../codegen.js";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const OPERATIONS_DIR = path.join(REPO_ROOT, "clients/operations");
export const SCHEMA_PATH = path.join(REPO_ROOT, "schema/schema.graphql");

/** Each example operation file with its text, by file name. */
export function exampleOperations(dir = OPERATIONS_DIR): Map<string, string> {
  return new Map(
    readdirSync(dir)
      .filter((name) => name.endsWith(".graphql"))
      .sort()
      .map((name) => [name, readFileSync(path.join(dir, name), "utf8")]),
  );
}

/** What graphql's `validate` says about one operation against a schema (SDL); empty when it is valid. */
export function operationErrors(schemaSdl: string, operation: string): readonly GraphQLError[] {
  return validate(buildSchema(schemaSdl), parse(operation));
}

export interface StaleFile {
  file: string;
  reason: "differs" | "missing" | "not generated";
}

/**
 * Runs the codegen config in memory against `schemaPath` and compares every output with the
 * file checked in under clients/generated/. Empty when they are the same.
 */
export async function staleGeneratedFiles(schemaPath = SCHEMA_PATH): Promise<StaleFile[]> {
  const outputs: Array<{ filename: string; content: string }> = await generate({ ...clientCodegenConfig(schemaPath), cwd: REPO_ROOT }, false);
  const generatedDir = path.join(REPO_ROOT, CLIENT_GENERATED);
  const stale: StaleFile[] = [];
  const produced = new Set<string>();
  for (const output of outputs) {
    const file = path.relative(REPO_ROOT, path.resolve(REPO_ROOT, output.filename));
    produced.add(file);
    let checkedIn: string;
    try {
      checkedIn = readFileSync(path.join(REPO_ROOT, file), "utf8");
    } catch {
      stale.push({ file, reason: "missing" });
      continue;
    }
    if (checkedIn !== output.content) stale.push({ file, reason: "differs" });
  }
  for (const name of readdirSync(generatedDir)) {
    const file = path.relative(REPO_ROOT, path.join(generatedDir, name));
    if (!produced.has(file)) stale.push({ file, reason: "not generated" });
  }
  return stale;
}
