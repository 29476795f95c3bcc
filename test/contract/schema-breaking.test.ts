// The breaking-change check in `npm test`: schema/schema.graphql against the previous commit's,
// and the check itself shown failing on a removed field or a changed type, passing with the marker.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DELIBERATE_BREAKS_FILE,
  REPO_ROOT,
  SCHEMA_FILE,
  checkSchemaChange,
  deliberateBreaksText,
  previousSchema,
} from "../../scripts/lib/schema-breaking.js";

const currentSdl = await readFile(path.join(REPO_ROOT, SCHEMA_FILE), "utf8");

describe("schema/schema.graphql against the previous commit", () => {
  it("has no breaking change that schema/breaking-changes.md does not mark deliberate", (context) => {
    const previous = previousSchema();
    if ("skip" in previous) {
      console.warn(`Breaking-change check SKIPPED: ${previous.skip}`);
      context.skip(previous.skip);
      return;
    }
    const { unmarked } = checkSchemaChange(previous.sdl, currentSdl, deliberateBreaksText());
    expect(unmarked, `Breaking changes since the previous commit. If they are deliberate, add these lines to ${DELIBERATE_BREAKS_FILE}:\n${unmarked.join("\n")}\n`).toEqual([]);
  });
});

describe("the breaking-change check", () => {
  const withoutDescription = currentSdl.replace(/(type Refund implements Node \{[^}]*?)\n {2}description: String\n/, "$1\n");
  const versionAsString = currentSdl.replace(/(type Refund implements Node \{[^}]*?\n {2})version: Int!/, "$1version: String!");

  it("fails on a removed field without the marker and passes with it", () => {
    expect(withoutDescription).not.toBe(currentSdl);
    const unmarked = checkSchemaChange(currentSdl, withoutDescription, deliberateBreaksText());
    expect(unmarked).toEqual({ breaking: ["- FIELD_REMOVED: Refund.description was removed."], unmarked: ["- FIELD_REMOVED: Refund.description was removed."] });

    const marker = `${deliberateBreaksText()}- FIELD_REMOVED: Refund.description was removed.\n`;
    expect(checkSchemaChange(currentSdl, withoutDescription, marker).unmarked).toEqual([]);
  });

  it("fails on a changed field type, and a marker for another break does not cover it", () => {
    expect(versionAsString).not.toBe(currentSdl);
    const marker = "- FIELD_REMOVED: Refund.description was removed.\n";
    expect(checkSchemaChange(currentSdl, versionAsString, marker).unmarked).toEqual(["- FIELD_CHANGED_KIND: Refund.version changed type from Int! to String!."]);
  });

  it("lets additions through", () => {
    const withNewField = currentSdl.replace("type Refund implements Node {\n", "type Refund implements Node {\n  channel: String\n");
    expect(withNewField).not.toBe(currentSdl);
    expect(checkSchemaChange(currentSdl, withNewField, "")).toEqual({ breaking: [], unmarked: [] });
  });
});

describe("the previous commit", () => {
  let repo: string;
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "protocol.file.allow=always", ...args], { cwd, encoding: "utf8", stdio: "pipe" });

  beforeAll(async () => {
    repo = await mkdtemp(path.join(os.tmpdir(), "schema-history-"));
    git(repo, "init", "-q", "origin");
    const origin = path.join(repo, "origin");
    await mkdir(path.join(origin, "schema"));
    await writeFile(path.join(origin, SCHEMA_FILE), "type Query { a: Int }\n");
    git(origin, "add", ".");
    git(origin, "commit", "-qm", "first");
  });
  afterAll(() => rm(repo, { recursive: true, force: true }));

  it("is missing in a first commit, and the check says so instead of passing silently", () => {
    expect(previousSchema(path.join(repo, "origin"))).toEqual({ skip: "HEAD has no previous commit" });
  });

  it("is read from HEAD~1 in a full clone, and missing in a shallow one", async () => {
    const origin = path.join(repo, "origin");
    await writeFile(path.join(origin, SCHEMA_FILE), "type Query { a: Int b: Int }\n");
    git(origin, "commit", "-qam", "second");
    git(repo, "clone", "-q", origin, "full");
    expect(previousSchema(path.join(repo, "full"))).toEqual({ sdl: "type Query { a: Int }\n" });
    git(repo, "clone", "-q", "--depth", "1", `file://${origin}`, "shallow");
    expect(previousSchema(path.join(repo, "shallow"))).toEqual({ skip: "a shallow clone without the previous commit (fetch with --depth 2 or more)" });
  });

  it("is not there outside a git checkout", () => {
    expect(previousSchema(os.tmpdir())).toMatchObject({ skip: expect.stringContaining("not a git checkout") });
  });
});
