// The breaking-change check of schema/schema.graphql (test/contract/schema-breaking.test.ts runs
// it in `npm test`): graphql's own findBreakingChanges between the schema in the working tree and
// two baselines, schema/released.graphql (what clients of the last release have: a break made
// over several commits is still one break against it) and the previous commit's. A break passes
// only when schema/breaking-changes.md lists it, so removing or retyping a field is always a
// decision written down, with what clients do about it.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, findBreakingChanges } from "graphql";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../..");
export const SCHEMA_FILE = "schema/schema.graphql";
export const DELIBERATE_BREAKS_FILE = "schema/breaking-changes.md";
/** The schema of the last release, written by `npm run release` (scripts/release.ts). */
export const RELEASED_SCHEMA_FILE = "schema/released.graphql";

/** One break as a line of schema/breaking-changes.md: `- FIELD_REMOVED: Refund.note was removed.` */
export function breakLine(change: { type: string; description: string }): string {
  return `- ${change.type}: ${change.description}`;
}

/** The break lines the marker file lists (other lines of the file are prose). */
export function deliberateBreaks(markerText: string): Set<string> {
  return new Set(
    markerText
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => /^- [A-Z_]+: /.test(line)),
  );
}

export interface SchemaChangeCheck {
  /** Every break between the two schemas, as marker lines. */
  breaking: string[];
  /** The breaks the marker file does not list: the check fails when there is one. */
  unmarked: string[];
}

export function checkSchemaChange(previousSdl: string, currentSdl: string, markerText: string): SchemaChangeCheck {
  const breaking = findBreakingChanges(buildSchema(previousSdl), buildSchema(currentSdl)).map(breakLine);
  const marked = deliberateBreaks(markerText);
  return { breaking, unmarked: breaking.filter((line) => !marked.has(line)) };
}

/**
 * schema/schema.graphql as the previous commit (HEAD~1, the first parent of a merge) had it, or
 * why there is nothing to compare with: no git, a first commit, a shallow clone of depth 1, or a
 * previous commit without the file.
 */
export function previousSchema(repoDir = REPO_ROOT): { sdl: string } | { skip: string } {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repoDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  try {
    git("rev-parse", "--git-dir");
  } catch {
    return { skip: `${repoDir} is not a git checkout` };
  }
  try {
    git("rev-parse", "--verify", "--quiet", "HEAD~1^{commit}");
  } catch {
    const shallow = git("rev-parse", "--is-shallow-repository").trim() === "true";
    return { skip: shallow ? "a shallow clone without the previous commit (fetch with --depth 2 or more)" : "HEAD has no previous commit" };
  }
  try {
    return { sdl: git("show", `HEAD~1:${SCHEMA_FILE}`) };
  } catch {
    return { skip: `the previous commit has no ${SCHEMA_FILE}` };
  }
}

/** The marker file's text in the working tree ("" when there is none). */
export function deliberateBreaksText(repoDir = REPO_ROOT): string {
  const file = path.join(repoDir, DELIBERATE_BREAKS_FILE);
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

/**
 * The working tree's schema against the last release's (schema/released.graphql), with the marker
 * file of that tree. A missing baseline is an error, not a skip: it is checked in.
 */
export function checkAgainstRelease(repoDir = REPO_ROOT): SchemaChangeCheck {
  const read = (file: string) => readFileSync(path.join(repoDir, file), "utf8");
  return checkSchemaChange(read(RELEASED_SCHEMA_FILE), read(SCHEMA_FILE), deliberateBreaksText(repoDir));
}
