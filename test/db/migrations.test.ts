// The migrations in prisma/migrations, applied by src/db/migrate.ts, must build exactly the
// database that prisma/schema.prisma describes, and must be recorded so that Prisma Migrate
// itself considers them applied. Prisma's own schema engine (WebAssembly build) is the judge.
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import { describe, expect, it } from "vitest";
import { openDatabase, type Database, type DatabaseKind } from "../../src/db/database.js";
import { createPgPool } from "../../src/db/pg-pool.js";
import { MIGRATIONS_DIR, applyMigrations, pendingMigrations, readMigrations } from "../../src/db/migrate.js";
import { everyPluginMigrations } from "../../src/plugin/loader.js";
import {
  NO_FILTERS,
  diffDatabaseToSchema,
  openSchemaEngine,
  pgliteAdapterFactory,
  postgresAdapterFactory,
  readMigrationsList,
  readSchemaFiles,
} from "../../scripts/lib/schema-engine.mjs";
import { backends, createTestDatabase, openMigratedDatabase, type TestDatabase } from "../support/databases.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe.each(backends)("migrations on %s", (kind) => {
  it("apply to a fresh database, and a second run applies nothing", async () => {
    const names = (await readMigrations()).map((migration) => migration.name);
    expect(names.length).toBeGreaterThan(0);
    await withDatabase(kind, async (db) => {
      expect(await pendingMigrations(db)).toEqual(names);
      expect(await applyMigrations(db)).toEqual({ applied: names });
      expect(await applyMigrations(db)).toEqual({ applied: [] });
      expect(await pendingMigrations(db)).toEqual([]);
    });
  });

  it("record each migration in _prisma_migrations as Prisma Migrate does", async () => {
    const { db, drop } = await openMigratedDatabase(kind);
    try {
      const rows = await db.query<{
        id: string;
        checksum: string;
        migration_name: string;
        started_at: Date;
        finished_at: Date | null;
        rolled_back_at: Date | null;
        logs: string | null;
        applied_steps_count: number;
      }>("SELECT * FROM _prisma_migrations ORDER BY migration_name");
      const files = (await readMigrations()).map((migration) => migration.name);
      expect(rows.map((row) => row.migration_name)).toEqual(files);
      for (const row of rows) {
        const sql = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, "migration.sql"), "utf8");
        expect(row.checksum).toBe(sha256(sql));
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(row.applied_steps_count).toBe(1);
        expect(row.logs).toBeNull();
        expect(row.rolled_back_at).toBeNull();
        expect(row.finished_at).not.toBeNull();
        expect(new Date(row.finished_at!).getTime()).toBeGreaterThanOrEqual(new Date(row.started_at).getTime());
      }
    } finally {
      await drop();
    }
  });

  it("build exactly the schema of schema.prisma, and Prisma Migrate sees them as applied", async () => {
    await withEngineOnMigratedDatabase(kind, async (engine) => {
      const diff = await diffDatabaseToSchema(engine);
      expect(diff.sql).toBe("-- This is an empty migration.\n");
      expect(diff.empty).toBe(true);

      // The same check fails when schema.prisma has something the migrations lack.
      const [schema] = readSchemaFiles();
      const probe = [{ path: schema!.path, content: `${schema!.content}\nmodel MigrationProbe {\n  id String @id\n}\n` }];
      const probeDiff = await diffDatabaseToSchema(engine, probe);
      expect(probeDiff.empty).toBe(false);
      expect(probeDiff.sql).toContain('CREATE TABLE "MigrationProbe"');

      // What `prisma migrate status` and `prisma migrate deploy` run.
      const migrationsList = readMigrationsList();
      expect(
        await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS }),
      ).toEqual({ editedMigrationNames: [], failedMigrationNames: [], hasMigrationsTable: true, history: null });
      expect(await engine.applyMigrations({ migrationsList, filters: NO_FILTERS })).toEqual({ appliedMigrationNames: [] });
    });
  });

  it("create _prisma_migrations with the columns Prisma Migrate creates", async () => {
    const emptyDir = await mkdtemp(path.join(os.tmpdir(), "refund-migrations-"));
    try {
      const ours = await withDatabase(kind, async (db) => {
        await applyMigrations(db, { migrationsDir: emptyDir });
        return describeTable((sql, params) => db.query(sql, params), "_prisma_migrations");
      });
      const prisma = await withEngine(kind, async (engine, query) => {
        await engine.applyMigrations({ migrationsList: readMigrationsList(emptyDir), filters: NO_FILTERS });
        return describeTable(query, "_prisma_migrations");
      });
      expect(ours).toEqual(prisma);
      expect(ours.columns).toHaveLength(8);
    } finally {
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it("refuse to start when an applied migration's recorded checksum differs from its file", async () => {
    const { db, drop } = await openMigratedDatabase(kind);
    try {
      const [first] = await readMigrations();
      await db.query("UPDATE _prisma_migrations SET checksum = $1 WHERE migration_name = $2", [
        sha256("tampered"),
        first!.name,
      ]);
      await expect(applyMigrations(db)).rejects.toThrow(/checksum mismatch.*_init/);
    } finally {
      await drop();
    }
  });

  it("refuse an applied migration whose file was edited, but accept other line endings", async () => {
    await withMigrationsCopy(async (dir, [first]) => {
      await withDatabase(kind, async (db) => {
        await applyMigrations(db, { migrationsDir: dir });
        const file = path.join(dir, first!, "migration.sql");
        const original = await readFile(file, "utf8");

        await writeFile(file, original.replaceAll("\n", "\r\n")); // a Windows checkout
        expect(await applyMigrations(db, { migrationsDir: dir })).toEqual({ applied: [] });

        await writeFile(file, `${original}\n-- edited afterwards\n`);
        await expect(applyMigrations(db, { migrationsDir: dir })).rejects.toThrow(/checksum mismatch/);
      });
    });
  });

  it("roll a failing migration back entirely, recording nothing", async () => {
    await withMigrationsCopy(async (dir, names) => {
      const broken = "29990101000000_broken";
      await mkdir(path.join(dir, broken));
      await writeFile(
        path.join(dir, broken, "migration.sql"),
        'CREATE TABLE "HalfDone" ("id" TEXT NOT NULL);\nSELECT 1 / 0;\n',
      );
      await withDatabase(kind, async (db) => {
        await expect(applyMigrations(db, { migrationsDir: dir })).rejects.toThrow(/29990101000000_broken failed/);
        const [table] = await db.query<{ name: string | null }>(`SELECT to_regclass('"HalfDone"')::text AS name`);
        expect(table!.name).toBeNull();
        expect(await pendingMigrations(db, { migrationsDir: dir })).toEqual([broken]);
        const recorded = await db.query<{ migration_name: string }>(
          "SELECT migration_name FROM _prisma_migrations ORDER BY migration_name",
        );
        expect(recorded.map((row) => row.migration_name)).toEqual(names);
      });
    });
  });

  it.runIf(kind === "postgres")("apply each migration once when two processes start together", async () => {
    const testDb = await createTestDatabase(kind);
    const [a, b] = await Promise.all([openDatabase(testDb.options), openDatabase(testDb.options)]);
    // Hold Prisma Migrate's lock until both are waiting for it, so that they really race.
    const holder = new pg.Client({ connectionString: testDb.options.databaseUrl });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT pg_advisory_xact_lock(72707369)");
      const racing = Promise.all([applyMigrations(a), applyMigrations(b)]);
      await expect
        .poll(async () => (await holder.query("SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).rows[0].n)
        .toBe(2);
      await holder.query("COMMIT");
      const results = await racing;
      const names = (await readMigrations()).map((migration) => migration.name);
      expect(results.flatMap((result) => result.applied).sort()).toEqual(names);
      const rows = await a.query<{ migration_name: string }>("SELECT migration_name FROM _prisma_migrations");
      expect(rows.map((row) => row.migration_name).sort()).toEqual(names);
    } finally {
      await holder.end();
      await Promise.all([a.close(), b.close()]);
      await testDb.drop();
    }
  });
});

/** Runs `work` on a fresh, unmigrated database, then deletes it. */
async function withDatabase<T>(kind: DatabaseKind, work: (db: Database) => Promise<T>): Promise<T> {
  const testDb = await createTestDatabase(kind);
  const db = await openDatabase(testDb.options);
  try {
    return await work(db);
  } finally {
    await db.close();
    await testDb.drop();
  }
}

type Query = Database["query"];

/** Migrates a fresh database through src/db, then hands it to a schema engine. */
async function withEngineOnMigratedDatabase(kind: DatabaseKind, work: (engine: SchemaEngine) => Promise<void>) {
  const testDb = await createTestDatabase(kind);
  try {
    const db = await openDatabase(testDb.options);
    try {
      await applyMigrations(db, { plugins: everyPluginMigrations() });
    } finally {
      await db.close(); // PGlite: the engine opens the same folder next, which must be free
    }
    await engineOn(kind, testDb, (engine) => work(engine));
  } finally {
    await testDb.drop();
  }
}

/** A schema engine on a fresh database. */
async function withEngine<T>(kind: DatabaseKind, work: (engine: SchemaEngine, query: Query) => Promise<T>): Promise<T> {
  const testDb = await createTestDatabase(kind);
  try {
    return await engineOn(kind, testDb, work);
  } finally {
    await testDb.drop();
  }
}

/** Opens a schema engine on the test database, plus a way to query the same database. */
async function engineOn<T>(
  kind: DatabaseKind,
  testDb: TestDatabase,
  work: (engine: SchemaEngine, query: Query) => Promise<T>,
): Promise<T> {
  let query: Query;
  let adapterFactory;
  let close: () => Promise<void>;
  if (kind === "pglite") {
    const pglite = new PGlite(pgliteFolder(testDb.options.dataDir!));
    await pglite.waitReady;
    query = async (sql, params) => (await pglite.query(sql, params)).rows as never[];
    adapterFactory = pgliteAdapterFactory(pglite);
    close = () => pglite.close();
  } else {
    const { pool, close: closePool } = createPgPool(testDb.options.databaseUrl!, { max: 2, label: "schema engine" });
    query = async (sql, params) => (await pool.query(sql, params)).rows;
    adapterFactory = postgresAdapterFactory(pool);
    close = closePool;
  }
  try {
    const engine = await openSchemaEngine(adapterFactory);
    try {
      return await work(engine, query);
    } finally {
      engine.free();
    }
  } finally {
    await close();
  }
}

/** src/db/database.ts keeps PGlite's files in `<dataDir>/pglite`; accept `<dataDir>` too. */
function pgliteFolder(dataDir: string): string {
  const folder = [path.join(dataDir, "pglite"), dataDir].find((dir) => existsSync(path.join(dir, "PG_VERSION")));
  return folder ?? dataDir;
}

/** Columns, primary key and defaults of a table, as information_schema describes them. */
async function describeTable(query: Query, table: string) {
  const columns = await query(
    `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default, ordinal_position
     FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
     ORDER BY ordinal_position`,
    [table],
  );
  const primaryKey = await query(
    `SELECT kcu.column_name FROM information_schema.table_constraints tc
     JOIN information_schema.key_column_usage kcu USING (constraint_schema, constraint_name)
     WHERE tc.table_schema = current_schema() AND tc.table_name = $1 AND tc.constraint_type = 'PRIMARY KEY'`,
    [table],
  );
  return { columns, primaryKey };
}

/** A copy of prisma/migrations to alter, with the names of its migrations. */
async function withMigrationsCopy(work: (dir: string, names: string[]) => Promise<void>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "refund-migrations-"));
  try {
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    await work(dir, (await readMigrations(dir)).map((migration) => migration.name));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
