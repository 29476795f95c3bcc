// The plugin SDK's guarantees, at run time: a plugin written for another API version does not
// start, its db handle reaches its own tables and reads only the core models it declared (of one
// shop), and plugin migrations that collide with existing tables are refused before any runs.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import type { Database } from "../../src/db/database.js";
import { applyMigrations } from "../../src/db/migrate.js";
import { definePlugin } from "../../src/plugin/index.js";
import { pluginDb } from "../../src/plugin/plugin-db.js";
import { registerPluginSet } from "../../src/plugin/process-registry.js";
import { backends, createTestDatabase, openMigratedDatabase, postgresAvailable } from "../support/databases.js";
import { startServerProcess, stopServerProcess } from "../support/processes.js";

describe.each(backends)("the plugin SDK on %s", (kind) => {
  let db: Database;
  let drop: () => Promise<void>;
  let shops: string[];
  beforeAll(async () => {
    ({ db, drop } = await openMigratedDatabase(kind));
    shops = await Promise.all(["Shop A", "Shop B"].map(async (name) => (await db.prisma.shop.create({ data: { name, currency: "CNY" } })).id));
  });
  afterAll(() => drop?.());

  it("refuses to start with a plugin written for another plugin API version, naming it", async () => {
    const testDb = await createTestDatabase(kind);
    try {
      const future = definePlugin({ name: "from-the-future", version: "3.0.0", apiVersion: 2 });
      await expect(createApp({ ...testDb.options, logLevel: "error", plugins: [future] })).rejects.toThrow(
        "plugin from-the-future@3.0.0 was written for plugin API version 2; this platform offers version 1",
      );
      // Refused before anything was migrated.
      await expect(createApp({ ...testDb.options, logLevel: "error", plugins: [{ ...future, tables: ["refund"], apiVersion: 1 }] })).rejects.toThrow(
        /declares table "refund", which is a core model/,
      );
    } finally {
      await testDb.drop();
    }
  });

  it("gives a handle with the plugin's own tables and read-only, shop-scoped core reads, nothing else", async () => {
    const handle = pluginDb(db.prisma, { name: "probe", tables: ["coupon"], reads: ["shop", "refund"] }, shops[0]!);
    // Another plugin's table and an undeclared core model are not there at all.
    expect("notification" in handle).toBe(false);
    expect("customer" in handle).toBe(false);
    expect((handle as Record<string, unknown>).pluginSetting).toBeUndefined();
    // Core models read only: no write method exists.
    expect(Object.keys(handle.refund).sort()).toEqual(["aggregate", "count", "findFirst", "findFirstOrThrow", "findMany", "findUnique", "findUniqueOrThrow", "groupBy"]);
    expect((handle.shop as Record<string, unknown>).update).toBeUndefined();
    expect(() => ((handle.shop as Record<string, unknown>).deleteMany as () => void)()).toThrow(TypeError);
    // Reads see the hook's shop only, even when asked for another's by id.
    expect((await handle.shop.findMany({})).map((shop: { id: string }) => shop.id)).toEqual([shops[0]]);
    expect(await handle.shop.findUnique({ where: { id: shops[1]! } })).toBeNull();
    expect(await handle.shop.count({ where: { id: { in: shops } } })).toBe(1);
    // Its own table: every method.
    expect(await handle.coupon.deleteMany({ where: { shopId: shops[0]! } })).toEqual({ count: 0 });
    // Raw SQL: one SELECT over its own tables and reads.
    expect(await handle.$queryRaw<Array<{ n: number }>>`SELECT count(*)::int AS n FROM "Coupon" WHERE "shopId" = ${shops[0]}`).toEqual([{ n: 0 }]);
    await expect(handle.$queryRaw`SELECT * FROM "Notification"`).rejects.toThrow('plugin probe may not read table "Notification"');
    await expect(handle.$queryRaw`SELECT * FROM "PluginSetting"`).rejects.toThrow(/may not read table "PluginSetting"/);
    await expect(handle.$queryRaw`DELETE FROM "Coupon"`).rejects.toThrow(/runs one SELECT/);
    await expect(handle.$queryRaw`WITH gone AS (DELETE FROM "Coupon" RETURNING 1) SELECT * FROM gone`).rejects.toThrow(/runs one SELECT/);
    // A template's text is checked once per call site; an array made by hand, which could
    // change after its check, is checked on every call.
    const strings = Object.assign(['SELECT count(*)::int AS n FROM "Coupon"'], { raw: ['SELECT count(*)::int AS n FROM "Coupon"'] }) as unknown as TemplateStringsArray;
    expect(await handle.$queryRaw(strings)).toEqual([{ n: 0 }]);
    (strings as unknown as string[])[0] = 'DELETE FROM "Coupon"';
    await expect(handle.$queryRaw(strings)).rejects.toThrow(/runs one SELECT/);
    // Without a shop (routes, tasks) reads span shops, still read-only.
    const unscoped = pluginDb(db.prisma, { name: "probe", reads: ["shop"] }, null);
    expect(await unscoped.shop.count({ where: { id: { in: shops } } })).toBe(2);
  });

  it("refuses plugin migrations that create an existing table or one another plugin creates, applying none", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "plugin-migrations-"));
    const plugin = async (name: string, sql: string) => {
      const dir = path.join(root, name, "migrations");
      await mkdir(path.join(dir, "20300101000000_init"), { recursive: true });
      await writeFile(path.join(dir, "20300101000000_init", "migration.sql"), sql);
      return { plugin: name, dir };
    };
    try {
      const fine = await plugin("fine", 'CREATE TABLE "FineThing" ("id" TEXT PRIMARY KEY);');
      const core = await plugin("steals-core", 'CREATE TABLE "Coupon" ("id" TEXT PRIMARY KEY);');
      await expect(applyMigrations(db, { plugins: [fine, core] })).rejects.toThrow(
        'plugin migration steals-core/20300101000000_init creates table "Coupon", which exists already',
      );
      const twin = await plugin("twin", 'CREATE TABLE IF NOT EXISTS "FineThing" ("id" TEXT PRIMARY KEY);');
      await expect(applyMigrations(db, { plugins: [fine, twin] })).rejects.toThrow(
        'plugin migrations fine/20300101000000_init and twin/20300101000000_init both create table "FineThing"',
      );
      expect(await db.query<{ t: string | null }>(`SELECT to_regclass('"FineThing"')::text AS t`)).toEqual([{ t: null }]);
      expect(await db.query(`SELECT migration_name FROM _plugin_migrations`)).toEqual([]);

      // Alone, it applies once and is recorded like a core migration.
      expect(await applyMigrations(db, { plugins: [fine] })).toEqual({ applied: ["fine/20300101000000_init"] });
      expect(await applyMigrations(db, { plugins: [fine] })).toEqual({ applied: [] });
      const [record] = await db.query<{ migration_name: string; checksum: string }>(`SELECT migration_name, checksum FROM _plugin_migrations`);
      expect(record).toMatchObject({ migration_name: "fine/20300101000000_init" });
      expect(record!.checksum).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("refuses a process whose plugin set differs from a live process's, naming the difference; the same set joins", async () => {
    const [coupons, notifications] = [{ name: "coupons", version: "1.0.0" }, { name: "notifications", version: "1.1.0" }];
    const first = await registerPluginSet(db, [coupons]);
    const second = await registerPluginSet(db, [coupons]); // a rolling restart: same set
    await expect(registerPluginSet(db, [notifications, coupons])).rejects.toThrow(
      "this process's plugins differ from those of 2 running processes: only here notifications@1.1.0; only there (none)",
    );
    await first.stop();
    await second.stop();
    // With every old process gone, the new set starts.
    const changed = await registerPluginSet(db, [coupons, notifications]);
    await expect(registerPluginSet(db, [])).rejects.toThrow("only here (none); only there coupons@1.0.0, notifications@1.1.0");
    await changed.stop();
    // A process that stopped beating (killed) is gone once its lease ran out.
    const killed = await registerPluginSet(db, [coupons], { leaseMs: 60_000 });
    await db.prisma.pluginProcess.update({ where: { id: killed.id }, data: { heartbeatAt: new Date(Date.now() - 120_000) } });
    await (await registerPluginSet(db, [notifications], { leaseMs: 60_000 })).stop();
    await killed.stop();
  });
});

describe.skipIf(!postgresAvailable)("two server processes on one PostgreSQL database", () => {
  it("refuses to start the second when its PLUGINS differ, naming the difference", async () => {
    const testDb = await createTestDatabase("postgres");
    const env = { DATABASE_URL: testDb.options.databaseUrl!, DEMO_DATA: "0" };
    const first = await startServerProcess({ ...env, PLUGINS: "coupons" });
    try {
      await expect(startServerProcess({ ...env, PLUGINS: "coupons,notifications" })).rejects.toThrow(/only here notifications@1\.0\.0; only there \(none\)/);
      const same = await startServerProcess({ ...env, PLUGINS: "coupons" });
      await stopServerProcess(same);
    } finally {
      await stopServerProcess(first);
      await testDb.drop();
    }
  });
});
