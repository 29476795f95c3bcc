// `npm run release -- <version|patch|minor|major>`: cuts a release of the checkout it runs in
// (scripts/lib/release.ts says what it writes and when it refuses). Commit and tag are yours.
import { ReleaseRefused, release } from "./lib/release.js";

const bump = process.argv[2];
if (!bump) {
  console.error("usage: npm run release -- <version|patch|minor|major>");
  process.exit(2);
}
try {
  const { previous, version, date } = release(process.cwd(), bump);
  console.log(`released ${version} (${date}), after ${previous}: package.json, CHANGELOG.md, schema/breaking-changes.md and schema/released.graphql written.`);
  console.log(`next: git commit -am "Release ${version}" && git tag v${version}`);
} catch (error) {
  if (!(error instanceof ReleaseRefused)) throw error;
  console.error(`release refused, nothing written: ${error.message}`);
  process.exit(1);
}
