// The schema explains itself and follows Relay's conventions: graphql-schema-linter runs over the
// checked-in SDL with the rules of .graphql-schema-linterrc.yaml (exceptions, each with its
// reason, are listed there). And the client documents select `id` on every object that has one,
// so a normalized cache (Apollo, Relay, urql's graphcache) can update what it shows.
//
// The client-document rule is graphql-js's TypeInfo walk rather than @graphql-eslint's
// require-selections: that rule is the same walk, and would bring ESLint and its parsers into a
// project that has no ESLint, for one rule.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import {
  type DocumentNode,
  Kind,
  type SelectionSetNode,
  TypeInfo,
  buildSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  parse,
  visit,
  visitWithTypeInfo,
} from "graphql";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const LINTER = createRequire(import.meta.url).resolve("graphql-schema-linter/lib/cli.js");
const OPERATIONS = path.join(ROOT, "clients/operations");

interface Finding {
  message: string;
  rule: string;
}

/** Runs the linter as its CLI does, with the project's config; `sdl` lints that text instead of the file. */
function lint(sdl?: string): Finding[] {
  const args = [LINTER, "--format", "json", ...(sdl === undefined ? [] : ["--stdin"])];
  const run = spawnSync(process.execPath, args, { cwd: ROOT, input: sdl, encoding: "utf8" });
  if (!run.stdout) throw new Error(`graphql-schema-linter printed nothing (exit ${run.status}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as { errors: Finding[] }).errors.map(({ message, rule }) => ({ message, rule }));
}

/** Selection sets on an object with an `id` that do not select it, as "Operation: path.to.field (Type)". */
function objectsWithoutId(schemaSdl: string, document: DocumentNode): string[] {
  const schema = buildSchema(schemaSdl);
  const typeInfo = new TypeInfo(schema);
  const missing: string[] = [];
  let operation = "";
  const path: string[] = [];
  const selectsId = (set: SelectionSetNode): boolean =>
    set.selections.some(
      (selection) =>
        (selection.kind === Kind.FIELD && selection.name.value === "id" && !selection.alias) ||
        (selection.kind === Kind.INLINE_FRAGMENT && !selection.typeCondition && selectsId(selection.selectionSet)),
    );
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: { enter: (node) => void (operation = node.name?.value ?? "(anonymous)") },
      Field: {
        enter: (node) => void path.push(node.alias?.value ?? node.name.value),
        leave: () => void path.pop(),
      },
      SelectionSet: {
        enter: (node, _key, parent) => {
          if (parent && "kind" in parent && parent.kind === Kind.OPERATION_DEFINITION) return;
          const type = getNamedType(typeInfo.getType());
          if ((isObjectType(type) || isInterfaceType(type)) && type.getFields().id && !selectsId(node)) {
            missing.push(`${operation}: ${path.join(".")} (${type.name})`);
          }
        },
      },
    }),
  );
  return missing;
}

describe("schema/schema.graphql under graphql-schema-linter", () => {
  it("has no finding: every item is described, and the connections follow Relay's spec", () => {
    expect(lint()).toEqual([]);
  });

  it("reports an undescribed field and a connection without pageInfo (the rules are on)", () => {
    const findings = lint(`
      """A refund."""
      type Refund { """Its id.""" id: ID! status: String }
      """Refunds."""
      type Query { """Refunds.""" refunds("""n""" first: Int, """c""" after: String): RefundConnection! }
      """A page."""
      type RefundConnection { """The edges.""" edges: [Refund!]! }
    `);
    expect(findings.map((finding) => finding.rule)).toEqual(expect.arrayContaining(["fields-have-descriptions", "relay-connection-types-spec"]));
    expect(findings.find((finding) => finding.rule === "fields-have-descriptions")?.message).toContain("Refund.status");
  });
});

describe("clients/operations", () => {
  const schemaSdl = readFileSync(path.join(ROOT, "schema/schema.graphql"), "utf8");
  const files = readdirSync(OPERATIONS).filter((file) => file.endsWith(".graphql"));

  it("select `id` on every object that has one, so a normalized cache can update it", () => {
    expect(files.length).toBeGreaterThan(0);
    const missing = files.flatMap((file) => objectsWithoutId(schemaSdl, parse(readFileSync(path.join(OPERATIONS, file), "utf8"))));
    expect(missing).toEqual([]);
  });

  it("catches an object selected without its id", () => {
    const document = parse("query Q { refunds(first: 1) { edges { node { id reason { code label } } } } }");
    expect(objectsWithoutId(schemaSdl, document)).toEqual(["Q: refunds.edges.node.reason (ReasonTag)"]);
  });
});
