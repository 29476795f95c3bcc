// Prisma's schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm), for the two
// things these offline machines need from it: writing migrations (scripts/migration-diff.mjs)
// and proving that the migrations produce exactly schema.prisma (test/db/migrations.test.ts).
//
// The package's entry point imports its .wasm file as an ES module, which Node 20 only allows
// under --experimental-wasm-modules. We instantiate the same module by hand instead (as
// prisma-engines' own test executor does), so plain `node`, tsx and vitest workers can use it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

const require = createRequire(import.meta.url);

/**
 * Entities managed outside Prisma: the record of plugin migrations (src/db/migrate.ts), which
 * the migrator creates beside `_prisma_migrations` and no schema file declares.
 */
export const NO_FILTERS = Object.freeze({ externalTables: ["public._plugin_migrations"], externalEnums: [] });

/** schema.prisma and the migrations folder of this project, resolved from this file. */
export const SCHEMA_PATH = fileURLToPath(new URL("../../prisma/schema.prisma", import.meta.url));
export const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations/", import.meta.url));

let engineClass;

/** The SchemaEngine class, with its WebAssembly instantiated once per process. */
export async function loadSchemaEngine() {
  if (!engineClass) {
    const bindingsPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bindings = await import(bindingsPath);
    const module = new WebAssembly.Module(readFileSync(bindingsPath.replace(/\.js$/, ".wasm")));
    const instance = new WebAssembly.Instance(module, { "./schema_engine_bg.js": bindings });
    bindings.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    engineClass = bindings.SchemaEngine;
  }
  return engineClass;
}

/** plugins/, whose folders may each have a schema.prisma and a migrations folder of their own. */
export const PLUGINS_DIR = fileURLToPath(new URL("../../plugins/", import.meta.url));
/** prisma/plugins: a link per plugin schema, so that Prisma's CLI (prisma.config.ts) reads them. */
const PLUGIN_LINKS_DIR = fileURLToPath(new URL("../../prisma/plugins/", import.meta.url));

/** Plugin folders that have a schema.prisma, by name. */
export function pluginSchemaFolders() {
  return readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(PLUGINS_DIR, entry.name, "schema.prisma")))
    .map((entry) => entry.name)
    .sort();
}

/**
 * The Prisma schema as the engine takes it, [{ path, content }]: the core's schema.prisma, then
 * every plugin's own. Throws when a plugin's file has no link in prisma/plugins (the generated
 * client would lack its models).
 */
export function readSchemaFiles(schemaPath = SCHEMA_PATH) {
  const files = [{ path: schemaPath, content: readFileSync(schemaPath, "utf8") }];
  if (schemaPath !== SCHEMA_PATH) return files;
  for (const plugin of pluginSchemaFolders()) {
    const link = path.join(PLUGIN_LINKS_DIR, `${plugin}.prisma`);
    if (!existsSync(link)) throw new Error(`plugins/${plugin}/schema.prisma has no link: ln -s ../../plugins/${plugin}/schema.prisma prisma/plugins/${plugin}.prisma`);
    files.push({ path: path.join(PLUGINS_DIR, plugin, "schema.prisma"), content: readFileSync(link, "utf8") });
  }
  return files;
}

/** Model names a schema file declares (their tables: the schema maps none). */
export function modelsOf(content) {
  return [...content.matchAll(/^model\s+(\w+)/gm)].map((match) => match[1]);
}

/** Every plugin's migrations, in the order the migrator applies them: [{ plugin, name, dir }]. */
export function pluginMigrationFolders() {
  return readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(PLUGINS_DIR, entry.name, "migrations")))
    .map((entry) => entry.name)
    .sort()
    .flatMap((plugin) => {
      const dir = path.join(PLUGINS_DIR, plugin, "migrations");
      return readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
        .map((name) => ({ plugin, name, dir: path.join(dir, name) }));
    });
}

/**
 * A schema engine whose "datasource" is the database behind `adapterFactory` (a PGlite or
 * PostgreSQL driver adapter factory, see below). Call `engine.free()` when done.
 */
export async function openSchemaEngine(adapterFactory, schemaFiles = readSchemaFiles()) {
  const SchemaEngine = await loadSchemaEngine();
  return SchemaEngine.new(
    { datamodels: schemaFiles.map((file) => [file.path, file.content]) },
    () => {}, // the engine's own log lines; its errors arrive as rejections
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}

/**
 * SQL that turns the database behind the engine into `schemaFiles`: `{ sql, empty }`.
 * `sql` is what `prisma migrate diff --from-config-datasource --to-schema … --script` prints.
 */
export async function diffDatabaseToSchema(engine, schemaFiles = readSchemaFiles()) {
  const result = await engine.diff({
    from: { tag: "schemaDatasource", files: schemaFiles, configDir: process.cwd() },
    to: { tag: "schemaDatamodel", files: schemaFiles },
    script: true,
    exitCode: true,
    filters: NO_FILTERS,
  });
  return { sql: result.stdout ?? "", empty: result.exitCode === 0 };
}

/** Driver adapter factory for the schema engine on an open PGlite instance. */
export function pgliteAdapterFactory(pglite) {
  return new PrismaPGlite(pglite);
}

/**
 * Driver adapter factory for the schema engine on a PostgreSQL database. @prisma/adapter-pg
 * 7.10 cannot read columns of PostgreSQL's internal type "char" (oid 18), which the engine's
 * catalog queries return (pg_class.relkind…): it fails with "Column type 'char' could not be
 * deserialized". pg already returns those values as strings, so we present them as text.
 * Takes the caller's `pg.Pool` (the caller ends it) and returns the factory.
 */
export function postgresAdapterFactory(pool) {
  const query = pool.query.bind(pool);
  pool.query = async (...args) => {
    const result = await query(...args);
    for (const field of result?.fields ?? []) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return result;
  };
  return new PrismaPg(pool);
}

/**
 * prisma/migrations in the engine's `MigrationList` form (as the Prisma CLI passes it to
 * `applyMigrations`, `diagnoseMigrationHistory` or a `{ tag: "migrations" }` diff).
 */
export function readMigrationsList(baseDir = MIGRATIONS_DIR) {
  const lockPath = path.join(baseDir, "migration_lock.toml");
  return {
    baseDir,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: readdirSync(baseDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
      .map((name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: { tag: "ok", value: readFileSync(path.join(baseDir, name, "migration.sql"), "utf8") },
        },
      })),
  };
}
