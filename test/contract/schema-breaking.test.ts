// The breaking-change check in `npm test`: schema/schema.graphql against the last release's
// (schema/released.graphql) and against the previous commit's, and the check itself shown failing
// on a removed field or a changed type, passing with the marker line.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DELIBERATE_BREAKS_FILE,
  RELEASED_SCHEMA_FILE,
  REPO_ROOT,
  SCHEMA_FILE,
  checkAgainstRelease,
  checkSchemaChange,
  deliberateBreaksText,
  previousSchema,
} from "../../scripts/lib/schema-breaking.js";
import { withoutDescriptions } from "../support/sdl.js";

const currentSdl = await readFile(path.join(REPO_ROOT, SCHEMA_FILE), "utf8");

describe("schema/schema.graphql against schema/released.graphql, the last release", () => {
  it("has no breaking change that schema/breaking-changes.md does not list", () => {
    const { unmarked } = checkAgainstRelease();
    expect(unmarked, `Breaking changes since the last release. If they are deliberate, add these lines under "## Unreleased" in ${DELIBERATE_BREAKS_FILE}, with what clients do:\n${unmarked.join("\n")}\n`).toEqual([]);
  });

  it("lists the breaks since 0.1.0, the one a schema diff sees and the one it cannot", () => {
    const text = deliberateBreaksText();
    expect(text).toContain("- FIELD_CHANGED_KIND: UserError.code changed type from String! to UserErrorCode!.\n");
    const ids = text.slice(text.indexOf("### Global ids"));
    for (const name of ["Notification", "PluginDelivery", "ResolutionOption", "TransitionRefundInput.optionId", "RetryPluginDeliveryInput.deliveryId", "What a client must do"]) {
      expect(ids).toContain(name);
    }
  });
});

describe("the check against the release, on planted schemas", () => {
  const RELEASED = "type Query { refund(id: ID!): Refund refundCount: Int! }\ntype Refund { id: ID! status: String! note: String version: Int! }\n";
  const NOTE_REMOVED = "- FIELD_REMOVED: Refund.note was removed.";
  const VERSION_RETYPED = "- FIELD_CHANGED_KIND: Refund.version changed type from Int! to String!.";
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "schema-release-"));
    await mkdir(path.join(dir, "schema"));
    await writeFile(path.join(dir, RELEASED_SCHEMA_FILE), RELEASED);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const plant = async (current: string, marker: string) => {
    await writeFile(path.join(dir, SCHEMA_FILE), current);
    await writeFile(path.join(dir, DELIBERATE_BREAKS_FILE), `# Breaking changes\n\n## Unreleased\n\n${marker}`);
    return checkAgainstRelease(dir);
  };

  it("fails on a removed field, and passes with its line", async () => {
    const current = RELEASED.replace(" note: String", "");
    expect(await plant(current, "")).toEqual({ breaking: [NOTE_REMOVED], unmarked: [NOTE_REMOVED] });
    expect(await plant(current, `${NOTE_REMOVED}\n`)).toEqual({ breaking: [NOTE_REMOVED], unmarked: [] });
  });

  it("fails on a changed type, and passes with its line only", async () => {
    const current = RELEASED.replace("version: Int!", "version: String!");
    expect((await plant(current, `${NOTE_REMOVED}\n`)).unmarked).toEqual([VERSION_RETYPED]);
    expect((await plant(current, `${VERSION_RETYPED}\n`)).unmarked).toEqual([]);
  });

  it("catches a break spread over commits, which each previous-commit check lets through", async () => {
    // Commit 1 removed Refund.note with its line; commit 2 dropped the line. Against commit 1,
    // commit 2 changes nothing; against what clients of the release have, the field is gone.
    const current = RELEASED.replace(" note: String", "");
    expect(checkSchemaChange(current, current, "").unmarked).toEqual([]);
    expect((await plant(current, "")).unmarked).toEqual([NOTE_REMOVED]);
  });

  it("lets additions through", async () => {
    expect(await plant(RELEASED.replace("version: Int!", "version: Int! channel: String"), "")).toEqual({ breaking: [], unmarked: [] });
  });
});

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
  // Planted in the SDL without its descriptions, where a field is one line.
  const plainSdl = withoutDescriptions(currentSdl);
  const withoutDescription = plainSdl.replace(/(type Refund implements Node \{[^}]*?)\n {2}description: String\n/, "$1\n");
  const versionAsString = plainSdl.replace(/(type Refund implements Node \{[^}]*?\n {2})version: Int!/, "$1version: String!");

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
