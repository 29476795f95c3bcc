// Types for schema-engine.mjs (kept as plain JavaScript so that `node scripts/…` runs it).
import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaContainer, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";

export const NO_FILTERS: SchemaFilter;
export const SCHEMA_PATH: string;
export const MIGRATIONS_DIR: string;
export function loadSchemaEngine(): Promise<typeof SchemaEngine>;
export function readSchemaFiles(schemaPath?: string): SchemaContainer[];
export function openSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schemaFiles?: SchemaContainer[],
): Promise<SchemaEngine>;
export function diffDatabaseToSchema(
  engine: SchemaEngine,
  schemaFiles?: SchemaContainer[],
): Promise<{ sql: string; empty: boolean }>;
export function pgliteAdapterFactory(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory;
export function postgresAdapterFactory(pool: Pool): SqlMigrationAwareDriverAdapterFactory;
export function readMigrationsList(baseDir?: string): MigrationList;
