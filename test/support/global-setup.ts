// Vitest global setup, run once in the main process before the test workers start (they
// inherit the environment variables set here):
// - says plainly whether the PostgreSQL suite runs, and fails fast when TEST_DATABASE_URL is
//   set but the server cannot be reached;
// - builds this run's PGlite templates (pglite-templates.ts);
// - afterwards removes this run's PGlite folders and drops the PostgreSQL test databases that
//   this run created and a crashed test left behind — never any other database.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGLITE_TEMPLATES_ENV, buildPgliteTemplates } from "./pglite-templates.js";
import {
  RUN_ID_ENV,
  describeServer,
  dropDatabase,
  listRunDatabases,
  testDatabaseUrl,
  withServer,
} from "./postgres-server.js";

export default async function setup(): Promise<() => Promise<void>> {
  const runId = randomBytes(4).toString("hex");
  process.env[RUN_ID_ENV] = runId;

  if (testDatabaseUrl) {
    const server = describeServer(testDatabaseUrl);
    await withServer(testDatabaseUrl, (client) => client.query("SELECT 1")).catch((error: unknown) => {
      throw new Error(`TEST_DATABASE_URL is set but PostgreSQL at ${server} cannot be reached: ${String(error)}`);
    });
    console.log(`PostgreSQL suite: running against ${server}`);
  } else {
    console.log("PostgreSQL suite SKIPPED: TEST_DATABASE_URL is not set — tests ran on embedded PGlite only");
  }

  const pgliteRoot = await mkdtemp(path.join(os.tmpdir(), `refund-test-${runId}-`));
  process.env[PGLITE_TEMPLATES_ENV] = pgliteRoot;
  await buildPgliteTemplates(pgliteRoot);

  return async () => {
    await rm(pgliteRoot, { recursive: true, force: true });
    if (testDatabaseUrl) {
      for (const name of await listRunDatabases(testDatabaseUrl, runId)) await dropDatabase(testDatabaseUrl, name);
    }
  };
}
