// `UserError.code` is an enum generated from the one list in src/domain/errors.ts. The type
// checker refuses a typed userError with another code; this also reads the sources as text, so
// that a code written anywhere in src/ or plugins/ (JavaScript included) is one of the list, and
// every code of the list is used somewhere.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { GraphQLEnumType, type GraphQLObjectType, buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { USER_ERROR_CODES } from "../../src/domain/errors.js";
import { printSchemaFile } from "../../src/graphql/print.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ERRORS_FILE = path.join(ROOT, "src/domain/errors.ts");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "generated" || entry.name === "node_modules" ? [] : sources(full);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [full] : [];
  });
}

const files = [...sources(path.join(ROOT, "src")), ...sources(path.join(ROOT, "plugins"))].filter((file) => file !== ERRORS_FILE);
const text = files.map((file) => readFileSync(file, "utf8")).join("\n");

describe("UserErrorCode", () => {
  it("lists every code of src/domain/errors.ts with its meaning in the SDL", async () => {
    const schema = buildSchema(await printSchemaFile());
    const enumType = schema.getType("UserErrorCode");
    expect(enumType).toBeInstanceOf(GraphQLEnumType);
    const values = (enumType as GraphQLEnumType).getValues().map((value) => [value.name, value.description]);
    expect(Object.fromEntries(values)).toEqual(USER_ERROR_CODES);
    expect(String((schema.getType("UserError") as GraphQLObjectType).getFields().code!.type)).toBe("UserErrorCode!");
  });

  it("holds every code a userError or a plugin's veto is made with in src/ and plugins/", () => {
    const used = new Set([...text.matchAll(/\b(?:userError|fail)\(\s*"([A-Z_]+)"|veto:\s*\{\s*code:\s*"([A-Z_]+)"/g)].map((match) => match[1] ?? match[2]!));
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((code) => !(code in USER_ERROR_CODES))).toEqual([]);
  });

  it("has no code that nothing answers with", () => {
    expect(Object.keys(USER_ERROR_CODES).filter((code) => !text.includes(`"${code}"`))).toEqual([]);
  });
});
