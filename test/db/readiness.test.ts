// `/ready` is 503 with its JSON body while the database lags behind this build's migrations,
// 200 once they are applied. The app applies the pending migrations at start, so a database
// that is behind is made two ways: migrated with all but the last one (the readiness check
// itself), and a running server whose database loses its last migration's record, as when it
// is restored from an older backup (over HTTP).
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { MIGRATIONS_DIR, applyMigrations, readMigrations } from "../../src/db/migrate.js";
import { readiness } from "../../src/db/readiness.js";
import { backends, createTestDatabase } from "../support/databases.js";
import { type TestServer, startTestServer } from "../support/server.js";

describe.each(backends)("readiness on %s", (kind) => {
  let allButLast: string;
  let last: string;

  beforeAll(async () => {
    const migrations = await readMigrations();
    last = migrations.at(-1)!.name;
    allButLast = await mkdtemp(path.join(os.tmpdir(), "refund-migrations-"));
    for (const migration of migrations.slice(0, -1)) await cp(path.join(MIGRATIONS_DIR, migration.name), path.join(allButLast, migration.name), { recursive: true });
  });
  afterAll(async () => {
    if (allButLast) await rm(allButLast, { recursive: true, force: true });
  });

  it("is 503 with the pending migration on a database migrated up to the one before the last, 200 after it", async () => {
    const testDb = await createTestDatabase(kind);
    const db = await openDatabase(testDb.options);
    try {
      expect(await applyMigrations(db, { migrationsDir: allButLast })).toMatchObject({ applied: expect.not.arrayContaining([last]) });
      expect(await readiness(db)).toEqual({ status: 503, body: { database: kind, ready: false, reason: "1 migration(s) not applied", pendingMigrations: [last] } });
      expect(await applyMigrations(db)).toEqual({ applied: [last] });
      expect(await readiness(db)).toEqual({ status: 200, body: { database: kind, ready: true } });
    } finally {
      await db.close();
      await testDb.drop();
    }
  });

  describe("over HTTP", () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer(kind);
    });
    afterAll(async () => {
      await server?.stop();
    });

    const ready = async () => {
      const response = await fetch(server.url.replace(/\/graphql$/, "/ready"));
      return { status: response.status, type: response.headers.get("content-type"), body: await response.json() };
    };

    it("answers 503 and its JSON body while the database is behind the build, 200 once it caught up", async () => {
      expect(await ready()).toEqual({ status: 200, type: "application/json; charset=utf-8", body: { database: kind, ready: true, liveSubscriptions: 0, inFlight: 0, limit: null, eventLoopDelayMs: expect.any(Number) } });
      const prisma = server.app.db.prisma;
      const record = await prisma.$queryRaw<Array<Record<string, unknown>>>`SELECT * FROM "_prisma_migrations" WHERE migration_name = ${last}`;
      expect(record).toHaveLength(1);
      await prisma.$executeRaw`DELETE FROM "_prisma_migrations" WHERE migration_name = ${last}`;
      try {
        expect(await ready()).toEqual({
          status: 503,
          type: "application/json; charset=utf-8",
          body: { database: kind, ready: false, reason: "1 migration(s) not applied", pendingMigrations: [last], liveSubscriptions: 0, inFlight: 0, limit: null, eventLoopDelayMs: expect.any(Number) },
        });
      } finally {
        const row = record[0]!;
        await prisma.$executeRaw`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
          VALUES (${row.id}, ${row.checksum}, ${row.finished_at}, ${row.migration_name}, ${row.logs}, ${row.rolled_back_at}, ${row.started_at}, ${row.applied_steps_count})`;
      }
      expect(await ready()).toEqual({ status: 200, type: "application/json; charset=utf-8", body: { database: kind, ready: true, liveSubscriptions: 0, inFlight: 0, limit: null, eventLoopDelayMs: expect.any(Number) } });
    });
  });
});
