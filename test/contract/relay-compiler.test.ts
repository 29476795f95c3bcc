// relay-compiler, the tool a Relay team runs and nobody here wrote, compiles the example console
// in clients/examples/relay against schema/schema.graphql in validate mode: a schema that breaks
// Relay's conventions (`Node` and `Query.node` for @refetchable, the connection shape for
// @connection) or that changes what the checked-in artifacts say fails here. Each failure is
// shown on a copy of the console compiled against a schema made to fail.
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, SCHEMA_PATH } from "../../scripts/lib/client-documents.js";
import { withoutDescriptions } from "../support/sdl.js";

const RELAY_CONSOLE = path.join(REPO_ROOT, "clients/examples/relay");
// The package's main export is the path of its binary for this platform (null where it has none).
const relayBinary = createRequire(import.meta.url)("relay-compiler") as string | null;
const REGENERATE = "(cd clients/examples/relay && npx relay-compiler)";

interface Compiled {
  ok: boolean;
  output: string;
}

/** `relay-compiler --validate` in `cwd`: it resolves the config's paths from the working directory. */
function validate(cwd: string): Promise<Compiled> {
  if (!relayBinary) throw new Error(`relay-compiler has no binary for ${process.platform} ${process.arch}`);
  return new Promise((resolve, reject) =>
    execFile(relayBinary, ["--validate", "--output", "quiet-with-errors", "relay.config.json"], { cwd }, (error, stdout, stderr) => {
      // A binary that could not start is not a compiler's verdict.
      if (error && typeof error.code !== "number") reject(error);
      else resolve({ ok: !error, output: stripVTControlCharacters(stdout + stderr) });
    }),
  );
}

describe("relay-compiler on clients/examples/relay", () => {
  it("compiles the console against schema/schema.graphql, its artifacts up to date", async () => {
    const compiled = await validate(RELAY_CONSOLE);
    if (!compiled.ok) {
      expect.fail(`relay-compiler --validate failed. After a deliberate schema or console change, run ${REGENERATE} and commit __generated__/.\n${compiled.output}`);
    }
  });

  describe("a copy compiled against a changed schema", () => {
    const schemaSdl = readFile(SCHEMA_PATH, "utf8");
    let scratch: string;

    beforeAll(async () => {
      scratch = await mkdtemp(path.join(os.tmpdir(), "relay-console-"));
      await cp(path.join(RELAY_CONSOLE, "src"), path.join(scratch, "src"), { recursive: true });
      const config = JSON.parse(await readFile(path.join(RELAY_CONSOLE, "relay.config.json"), "utf8"));
      await writeFile(path.join(scratch, "relay.config.json"), JSON.stringify({ ...config, src: "./src", schema: "./schema.graphql" }));
    });
    afterAll(() => rm(scratch, { recursive: true, force: true }));

    async function compileWith(change: (sdl: string) => string): Promise<Compiled> {
      const original = await schemaSdl;
      const changed = change(withoutDescriptions(original));
      await writeFile(path.join(scratch, "schema.graphql"), changed);
      return validate(scratch);
    }

    it("passes with the schema unchanged (so each failure below is the change's)", async () => {
      expect(await compileWith((sdl) => sdl)).toEqual({ ok: true, output: "" });
    });

    it.each([
      {
        change: "Refund no longer implements Node",
        apply: (sdl: string) => replaceOnce(sdl, "type Refund implements Node {", "type Refund {"),
        says: "Invalid use of @refetchable on fragment 'RefundRow_refund', only supported are fragments on",
      },
      {
        change: "Query.node is removed",
        apply: (sdl: string) => replaceOnce(sdl, /\n {2}node\(id: ID!\): Node\n/, "\n"),
        says: "has a `node(id: ID): Node` field on the query type",
      },
      {
        change: "PageInfo loses endCursor",
        apply: (sdl: string) => replaceOnce(sdl, /(type PageInfo \{[^}]*)\n {2}endCursor: String\n/, "$1\n"),
        says: "@connection used on invalid field 'refunds'. Expected the field type 'QueryRefundsConnection' to expose a 'pageInfo { endCursor }' field",
      },
      {
        change: "RefundStatus gains a value (the artifacts' types are stale)",
        apply: (sdl: string) => replaceOnce(sdl, /(enum RefundStatus \{[^}]*)\n\}/, "$1\n  ON_HOLD\n}"),
        says: "RefundRow_refund.graphql.ts",
      },
    ])("fails when $change", async ({ apply, says }) => {
      const compiled = await compileWith(apply);
      expect(compiled.ok).toBe(false);
      expect(compiled.output).toContain(says);
    });
  });
});

/** The schema with one change made; throws when the pattern is not there, so no case passes unchanged. */
function replaceOnce(sdl: string, pattern: string | RegExp, replacement: string): string {
  const changed = sdl.replace(pattern, replacement);
  if (changed === sdl) throw new Error(`schema has no ${pattern}`);
  return changed;
}
