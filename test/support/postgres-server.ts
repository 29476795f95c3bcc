// The PostgreSQL server named by TEST_DATABASE_URL: creating and dropping the test databases
// on it. Dropping is limited to names carrying the test prefix, and callers only ever pass
// names they created themselves.
import pg from "pg";

/** A PostgreSQL server URL (its own database is only used to create and drop test databases). */
export const testDatabaseUrl: string | undefined = process.env.TEST_DATABASE_URL || undefined;

/** Test databases are named `refund_test_<pid>_<run>_<random>`; global-setup sets <run>. */
export const TEST_DATABASE_PREFIX = "refund_test_";
export const RUN_ID_ENV = "REFUND_TEST_RUN_ID";

/** The same server as `serverUrl`, database `name` (credentials and parameters kept). */
export function databaseUrlFor(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}

/** `host:port` of a PostgreSQL URL, for messages (never the credentials). */
export function describeServer(serverUrl: string): string {
  const url = new URL(serverUrl);
  return `${url.hostname || "localhost"}:${url.port || "5432"}`;
}

export async function createDatabase(serverUrl: string, name: string): Promise<void> {
  assertTestDatabaseName(name);
  await withServer(serverUrl, (client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
}

/** Drops one test database, disconnecting its sessions first. */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  assertTestDatabaseName(name);
  await withServer(serverUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** Names of the test databases a given run created (global-setup drops leftovers of its run). */
export async function listRunDatabases(serverUrl: string, runId: string): Promise<string[]> {
  const rows = await withServer(serverUrl, (client) =>
    client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
      `${TEST_DATABASE_PREFIX}%\\_${runId}\\_%`,
    ]),
  );
  return rows.rows.map((row) => row.datname);
}

export async function withServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function assertTestDatabaseName(name: string): void {
  if (!name.startsWith(TEST_DATABASE_PREFIX)) throw new Error(`refusing to touch database ${name}: not a test database`);
}
