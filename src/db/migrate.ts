// Applies the SQL migrations in prisma/migrations at start, the way `prisma migrate deploy`
// would (that command needs Prisma's native engine, which these machines cannot download),
// and records them in Prisma's own `_prisma_migrations` table so that `prisma migrate deploy`
// on a connected machine sees them as applied.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "./database.js";

/** prisma/migrations, found from this file so that the working directory does not matter. */
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

/**
 * The advisory lock key Prisma Migrate itself takes (`pg_advisory_lock(72707369)`): sharing
 * it serialises this code with other server processes and with a `prisma migrate deploy`.
 */
const MIGRATE_LOCK_KEY = 72707369;

/** SQLSTATE raised inside a migration's transaction when another process applied it first. */
const ALREADY_APPLIED = "PMA01";

// Prisma's DDL for PostgreSQL (sql-schema-connector, create_migrations_table), unchanged
// except IF NOT EXISTS.
const createMigrationsTable = (table: string) => `
CREATE TABLE IF NOT EXISTS ${table} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);`;

export interface MigrationOptions {
  /** Folder of `<timestamp>_<name>/migration.sql` directories; tests point it elsewhere. */
  migrationsDir?: string;
  /** The loaded plugins' own migrations (plugins/<name>/migrations), applied after the core's. */
  plugins?: readonly PluginMigrations[];
}

export interface PluginMigrations {
  plugin: string;
  /** Its folder of `<timestamp>_<name>/migration.sql` directories. */
  dir: string;
}

/**
 * Plugin migrations are recorded apart from the core's, in a table of the same shape (name
 * `<plugin>/<folder>`, the same checksum): Prisma Migrate, which knows only prisma/migrations,
 * keeps seeing exactly the core's history in `_prisma_migrations`.
 */
const PLUGIN_MIGRATIONS_TABLE = "_plugin_migrations";

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface MigrationRecord {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** SHA-256 hex of the file's contents, as Prisma stores it in `_prisma_migrations.checksum`. */
export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql, "utf8").digest("hex");
}

/** The migration folders, sorted by name (their timestamp prefix), with their scripts. */
export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(dir, name, "migration.sql");
      const sql = await readFile(file, "utf8").catch((error: unknown) => {
        throw new MigrationError(`migration ${name} has no readable migration.sql (${String(error)})`);
      });
      return { name, sql, checksum: migrationChecksum(sql) };
    }),
  );
}

/** Names of the migrations in the folder that the database has not applied (for `/ready`). */
export async function pendingMigrations(db: Database, options: MigrationOptions = {}): Promise<string[]> {
  const migrations = await readMigrations(options.migrationsDir);
  const records = await readRecords(db);
  const applied = new Set(records.filter((r) => r.finished_at !== null).map((r) => r.migration_name));
  return migrations.filter((migration) => !applied.has(migration.name)).map((migration) => migration.name);
}

/**
 * Applies the pending migrations in name order, each in its own transaction together with its
 * `_prisma_migrations` row, under Prisma Migrate's advisory lock. Refuses to start when an
 * applied migration's file was edited since (checksum mismatch) or when Prisma left a failed
 * migration behind. Migrations recorded in the database but absent from the folder (applied by
 * a newer build) are tolerated, as `prisma migrate deploy` does.
 */
export async function applyMigrations(db: Database, options: MigrationOptions = {}): Promise<{ applied: string[] }> {
  const migrations = await readMigrations(options.migrationsDir);
  await db.executeScript(`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK_KEY});\n${createMigrationsTable("_prisma_migrations")}`);
  const records = await readRecords(db);
  verifyHistory(migrations, records);

  const done = new Set(records.map((record) => record.migration_name));
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.name)) continue;
    try {
      await db.executeScript(migrationTransaction(migration));
      applied.push(migration.name);
    } catch (error) {
      if ((error as { code?: unknown }).code !== ALREADY_APPLIED) {
        throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  // Another process may have applied some of them meanwhile: check what is recorded now.
  const final = await readRecords(db);
  verifyHistory(migrations, final);
  const recorded = new Set(final.map((record) => record.migration_name));
  const missing = migrations.filter((migration) => !recorded.has(migration.name));
  if (missing.length > 0) {
    throw new MigrationError(`migrations not recorded after applying: ${missing.map((m) => m.name).join(", ")}`);
  }
  if (options.plugins?.length) applied.push(...(await applyPluginMigrations(db, options.plugins)));
  return { applied };
}

/** The plugins' migrations, named `<plugin>/<folder>`; a plugin without a migrations folder has none. */
export async function readPluginMigrations(plugins: readonly PluginMigrations[]): Promise<Array<MigrationFile & { plugin: string }>> {
  const sets = await Promise.all(
    plugins.map(async ({ plugin, dir }) =>
      existsSync(dir) ? (await readMigrations(dir)).map((migration) => ({ ...migration, plugin, name: `${plugin}/${migration.name}` })) : [],
    ),
  );
  return sets.flat();
}

/** Tables a migration creates. */
function createdTables(sql: string): string[] {
  return [...sql.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:"?public"?\.)?"?([A-Za-z_][A-Za-z0-9_]*)"?/gi)].map((match) => match[1]!);
}

/**
 * Applies the plugins' pending migrations after the core's. First, all of them are checked:
 * one that creates a table which exists already (the core's, or another plugin's) or which
 * another plugin's pending migration creates too is refused, naming the table, and nothing is
 * applied. Then each runs in its own transaction with its record, as the core's do.
 */
async function applyPluginMigrations(db: Database, plugins: readonly PluginMigrations[]): Promise<string[]> {
  const migrations = await readPluginMigrations(plugins);
  await db.executeScript(`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK_KEY});\n${createMigrationsTable(PLUGIN_MIGRATIONS_TABLE)}`);
  const records = await readRecords(db, PLUGIN_MIGRATIONS_TABLE);
  verifyHistory(migrations, records);
  const done = new Set(records.map((record) => record.migration_name));
  const pending = migrations.filter((migration) => !done.has(migration.name));

  const creator = new Map<string, string>();
  for (const migration of pending) {
    for (const table of createdTables(migration.sql)) {
      const [existing] = await db.query<{ exists: boolean }>(`SELECT to_regclass('"${table.replaceAll('"', "")}"') IS NOT NULL AS exists`);
      if (existing?.exists) {
        throw new MigrationError(`plugin migration ${migration.name} creates table "${table}", which exists already (the core's or another plugin's); nothing was applied`);
      }
      const other = creator.get(table);
      if (other) throw new MigrationError(`plugin migrations ${other} and ${migration.name} both create table "${table}"; nothing was applied`);
      creator.set(table, migration.name);
    }
  }

  const applied: string[] = [];
  for (const migration of pending) {
    try {
      await db.executeScript(migrationTransaction(migration, PLUGIN_MIGRATIONS_TABLE));
      applied.push(migration.name);
    } catch (error) {
      if ((error as { code?: unknown }).code !== ALREADY_APPLIED) {
        throw new MigrationError(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  return applied;
}

/**
 * One script, hence one implicit transaction on either backend: take the lock, make sure no one
 * applied the migration meanwhile, run it, record it. A failure rolls all of it back.
 */
function migrationTransaction(migration: MigrationFile, table = "_prisma_migrations"): string {
  const name = literal(migration.name);
  return `SELECT pg_advisory_xact_lock(${MIGRATE_LOCK_KEY});
DO $guard$ BEGIN
  IF EXISTS (SELECT 1 FROM ${table} WHERE migration_name = ${name} AND rolled_back_at IS NULL) THEN
    RAISE EXCEPTION 'migration % is already recorded', ${name} USING ERRCODE = '${ALREADY_APPLIED}';
  END IF;
END $guard$;
${migration.sql}
;
INSERT INTO ${table} (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
VALUES (${literal(randomUUID())}, ${literal(migration.checksum)}, clock_timestamp(), ${name}, NULL, NULL, now(), 1);`;
}

/** Rows that count as applied or failed (a row rolled back with `prisma migrate resolve` does not). */
async function readRecords(db: Database, table = "_prisma_migrations"): Promise<MigrationRecord[]> {
  const [exists] = await db.query<{ exists: boolean }>(`SELECT to_regclass('${table}') IS NOT NULL AS exists`);
  if (!exists?.exists) return [];
  return db.query<MigrationRecord>(
    `SELECT migration_name, checksum, finished_at FROM ${table}
     WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
}

function verifyHistory(migrations: MigrationFile[], records: MigrationRecord[]): void {
  const failed = records.filter((record) => record.finished_at === null);
  if (failed.length > 0) {
    throw new MigrationError(
      `the database has failed migrations (${failed.map((r) => r.migration_name).join(", ")}); ` +
        "resolve them (prisma migrate resolve) before starting",
    );
  }
  const files = new Map(migrations.map((migration) => [migration.name, migration]));
  const edited = records.filter((record) => {
    const file = files.get(record.migration_name);
    return file !== undefined && !checksumMatches(file.sql, record.checksum);
  });
  if (edited.length > 0) {
    throw new MigrationError(
      `applied migrations were modified after they were applied (checksum mismatch): ` +
        `${edited.map((r) => r.migration_name).join(", ")}; restore the original files and add a new migration instead`,
    );
  }
}

/** As Prisma compares: the file as is, or with its line endings converted either way (git autocrlf). */
function checksumMatches(sql: string, checksum: string): boolean {
  return [sql, sql.replaceAll("\r\n", "\n"), sql.replace(/\r?\n/g, "\r\n")].some(
    (variant) => migrationChecksum(variant) === checksum,
  );
}

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
