// Databases for tests. Every test runs on the embedded PGlite; when TEST_DATABASE_URL names a
// PostgreSQL server, also on PostgreSQL, each test database a fresh one created on that server
// and dropped afterwards. Only databases created here are ever dropped.
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openDatabase, type Database, type DatabaseKind, type DatabaseOptions } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrate.js";
import {
  RUN_ID_ENV,
  TEST_DATABASE_PREFIX,
  createDatabase,
  databaseUrlFor,
  dropDatabase,
  testDatabaseUrl,
} from "./postgres-server.js";
import { pgliteTemplate, pgliteTemplatesRoot, type PgliteTemplate } from "./pglite-templates.js";

export { testDatabaseUrl };
export const postgresAvailable: boolean = testDatabaseUrl !== undefined;
export const backends: Array<"pglite" | "postgres"> = postgresAvailable ? ["pglite", "postgres"] : ["pglite"];

export interface TestDatabase {
  options: DatabaseOptions;
  /** Deletes this database; safe to call twice. */
  drop(): Promise<void>;
}

/**
 * A new, empty database (no migrations applied). PGlite: a temporary folder, copied from the
 * run's template when there is one (see pglite-templates.ts); PostgreSQL: a new database on
 * the TEST_DATABASE_URL server.
 */
export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === "pglite" ? createPgliteDatabase("empty") : createPostgresDatabase();
}

/** A fresh database with all migrations applied; `drop()` closes it, then deletes it. */
export async function openMigratedDatabase(kind: DatabaseKind): Promise<{ db: Database; drop(): Promise<void> }> {
  const testDb = kind === "pglite" ? await createPgliteDatabase("migrated") : await createPostgresDatabase();
  const db = await openDatabase(testDb.options).catch(async (error: unknown) => {
    await testDb.drop();
    throw error;
  });
  const drop = async () => {
    try {
      await db.close();
    } finally {
      await testDb.drop();
    }
  };
  // A no-op when copied from the migrated template, but it still checks the recorded checksums.
  await applyMigrations(db).catch(async (error: unknown) => {
    await drop();
    throw error;
  });
  return { db, drop };
}

async function createPgliteDatabase(template: PgliteTemplate): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(pgliteTemplatesRoot() ?? os.tmpdir(), "refund-test-"));
  const source = pgliteTemplate(template) ?? pgliteTemplate("empty");
  if (source) await cp(source, dataDir, { recursive: true });
  return { options: { dataDir }, drop: () => rm(dataDir, { recursive: true, force: true }) };
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  if (!testDatabaseUrl) throw new Error("the postgres backend needs TEST_DATABASE_URL (a PostgreSQL server URL)");
  const serverUrl = testDatabaseUrl;
  const run = process.env[RUN_ID_ENV] ?? "norun";
  const name = `${TEST_DATABASE_PREFIX}${process.pid}_${run}_${randomBytes(4).toString("hex")}`;
  await createDatabase(serverUrl, name);
  let dropped = false;
  return {
    options: { databaseUrl: databaseUrlFor(serverUrl, name), poolSize: 4 },
    async drop() {
      if (dropped) return;
      dropped = true;
      await dropDatabase(serverUrl, name);
    },
  };
}
