// What `npm run release -- <version|patch|minor|major>` does (scripts/release.ts), on the
// checkout in `root`: bumps the version in package.json (and package-lock.json), makes the
// CHANGELOG's Unreleased section the new version's, does the same in schema/breaking-changes.md,
// and writes schema/schema.graphql as schema/released.graphql, the baseline clients of this
// release have. It refuses, changing nothing, when there is nothing to release or when the schema
// breaks the last release in a way schema/breaking-changes.md does not list.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import semver from "semver";
import { DELIBERATE_BREAKS_FILE, RELEASED_SCHEMA_FILE, SCHEMA_FILE, checkAgainstRelease } from "./schema-breaking.js";

export const CHANGELOG_FILE = "CHANGELOG.md";
const UNRELEASED = "## [Unreleased]";
const BREAKS_UNRELEASED = "## Unreleased";

export class ReleaseRefused extends Error {}

/** The version after `current`: `patch`, `minor`, `major`, or an explicit greater version. */
export function nextVersion(current: string, bump: string): string {
  if (bump === "patch" || bump === "minor" || bump === "major") return semver.inc(current, bump)!;
  const explicit = semver.valid(bump);
  if (!explicit) throw new ReleaseRefused(`"${bump}" is neither patch, minor, major nor a version like 1.2.3`);
  if (!semver.gt(explicit, current)) throw new ReleaseRefused(`${explicit} is not after the current version ${current}`);
  return explicit;
}

/** The body of the section that starts with `heading` (up to the next `## `), and where it lies. */
function section(text: string, heading: string, file: string): { start: number; end: number; body: string } {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new ReleaseRefused(`${file} has no "${heading}" section`);
  const bodyStart = start + heading.length + 2;
  const next = text.indexOf("\n## ", bodyStart - 1);
  const end = next < 0 ? text.length : next + 1;
  return { start: start + 1, end, body: text.slice(bodyStart, end).trim() };
}

/** The changelog with Unreleased's entries under `## [version] - date`, and Unreleased empty. */
export function changelogWithRelease(changelog: string, version: string, date: string): string {
  const unreleased = section(changelog, UNRELEASED, CHANGELOG_FILE);
  if (unreleased.body === "") throw new ReleaseRefused(`${CHANGELOG_FILE} lists nothing under ${UNRELEASED}: write what changed first`);
  return `${changelog.slice(0, unreleased.start)}${UNRELEASED}\n\n## [${version}] - ${date}\n\n${unreleased.body}\n\n${changelog.slice(unreleased.end)}`.replace(/\n+$/, "\n");
}

/** schema/breaking-changes.md with its Unreleased breaks under `## version - date` (kept: they are the record clients read). */
export function breakingChangesWithRelease(text: string, version: string, date: string): string {
  const unreleased = section(text, BREAKS_UNRELEASED, DELIBERATE_BREAKS_FILE);
  const released = unreleased.body === "" ? "" : `## ${version} - ${date}\n\n${unreleased.body}\n\n`;
  return `${text.slice(0, unreleased.start)}${BREAKS_UNRELEASED}\n\n${released}${text.slice(unreleased.end)}`.replace(/\n+$/, "\n");
}

/** The released baseline: the printed schema under a header that names the release. */
export function releasedSchema(schemaSdl: string, version: string, date: string): string {
  const body = schemaSdl.replace(/^(#[^\n]*\n)+\n?/, "");
  return `# The schema of release ${version} (${date}), the baseline of the breaking-change test.\n# Written by \`npm run release\` (scripts/release.ts); do not edit.\n\n${body}`;
}

export interface Release {
  previous: string;
  version: string;
  date: string;
}

/** Cuts a release in `root` (see the top of this file); every check runs before any write. */
export function release(root: string, bump: string, date = new Date().toISOString().slice(0, 10)): Release {
  const file = (name: string) => path.join(root, name);
  const packageJson = JSON.parse(readFileSync(file("package.json"), "utf8")) as { version: string };
  const previous = packageJson.version;
  const version = nextVersion(previous, bump);

  const { unmarked } = checkAgainstRelease(root);
  if (unmarked.length > 0) {
    throw new ReleaseRefused(`${SCHEMA_FILE} breaks release ${previous} in ways ${DELIBERATE_BREAKS_FILE} does not list (add them under "${BREAKS_UNRELEASED}", with what clients do):\n${unmarked.join("\n")}`);
  }
  const changelog = changelogWithRelease(readFileSync(file(CHANGELOG_FILE), "utf8"), version, date);
  const breaks = breakingChangesWithRelease(readFileSync(file(DELIBERATE_BREAKS_FILE), "utf8"), version, date);
  const baseline = releasedSchema(readFileSync(file(SCHEMA_FILE), "utf8"), version, date);

  writeFileSync(file("package.json"), `${JSON.stringify({ ...packageJson, version }, null, 2)}\n`);
  if (existsSync(file("package-lock.json"))) {
    const lock = JSON.parse(readFileSync(file("package-lock.json"), "utf8")) as { version?: string; packages?: Record<string, { version?: string }> };
    lock.version = version;
    if (lock.packages?.[""]) lock.packages[""].version = version;
    writeFileSync(file("package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  }
  writeFileSync(file(CHANGELOG_FILE), changelog);
  writeFileSync(file(DELIBERATE_BREAKS_FILE), breaks);
  writeFileSync(file(RELEASED_SCHEMA_FILE), baseline);
  return { previous, version, date };
}
