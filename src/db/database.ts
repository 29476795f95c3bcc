import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../generated/prisma/client.js";
import { type QueryListeners, countedAdapterFactory } from "./counted-adapter.js";
import { createPgPool } from "./pg-pool.js";

export type DatabaseKind = "postgres" | "pglite";

/**
 * One storage handle: the Prisma client for the application, plus raw SQL access to the
 * same database for what Prisma does not do (applying migrations, row locks, queue claims).
 */
export interface Database {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** Runs one parameterised statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (a migration file). */
  executeScript(sql: string): Promise<void>;
  /** Calls `listener` with every SQL statement Prisma sends (tests count round trips). */
  onQuery(listener: (sql: string) => void): () => void;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; without it the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Folder of the embedded database; `memory://` keeps it in memory (tests). */
  dataDir?: string;
  /** Size of the PostgreSQL connection pool. */
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPglite(options.dataDir ?? "./.data");
}

function createPrisma(adapter: SqlDriverAdapterFactory, listeners: QueryListeners): PrismaClient {
  // "minimal", as Prisma has it under NODE_ENV=production: otherwise every call captures a stack
  // trace (new Error) to point at its caller should it fail, 0.3-0.6 ms of CPU per APPROVE.
  // No query-log event: statements are counted in the adapter, only while someone listens.
  return new PrismaClient({ adapter: countedAdapterFactory(adapter, listeners), errorFormat: "minimal" });
}

function queryListenerRegistry(listeners: QueryListeners) {
  return (listener: (sql: string) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
}

function openPostgres(connectionString: string, max: number): Database {
  const { pool, close } = createPgPool(connectionString, { max });
  const listeners: QueryListeners = new Set();
  const prisma = createPrisma(new PrismaPg(pool), listeners);
  return {
    kind: "postgres",
    prisma,
    onQuery: queryListenerRegistry(listeners),
    async query(sql, params) {
      return (await pool.query(sql, params as unknown[])).rows;
    },
    async executeScript(sql) {
      await pool.query(sql);
    },
    async close() {
      await prisma.$disconnect();
      await close();
    },
  };
}

const pgliteDir = (dataDir: string) => path.resolve(dataDir, "pglite");

/**
 * Whether the embedded database in `dataDir` exists, and whether a process has it open. PGlite
 * takes no lock: two processes writing one folder would corrupt it. It keeps `postmaster.pid`
 * there while open and removes it on close, so the file is the sign (left behind too by a
 * killed server).
 */
export function embeddedDatabaseState(dataDir: string): "absent" | "open" | "closed" {
  if (!existsSync(pgliteDir(dataDir))) return "absent";
  return existsSync(path.join(pgliteDir(dataDir), "postmaster.pid")) ? "open" : "closed";
}

async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(inMemory ? dataDir : pgliteDir(dataDir));
  await pglite.waitReady;
  const listeners: QueryListeners = new Set();
  const prisma = createPrisma(new PrismaPGlite(pglite), listeners);
  return {
    kind: "pglite",
    prisma,
    onQuery: queryListenerRegistry(listeners),
    async query(sql, params) {
      return (await pglite.query(sql, params as unknown[])).rows as never[];
    },
    async executeScript(sql) {
      await pglite.exec(sql);
    },
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}
