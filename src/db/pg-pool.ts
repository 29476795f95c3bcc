import pg from "pg";

export interface PgPoolHandle {
  pool: pg.Pool;
  /** Ends the pool and resolves only once every connection it opened has closed its socket. */
  close(): Promise<void>;
}

/**
 * Our sessions' settings. JIT off: our statements run in milliseconds, yet aggregates over a
 * period's index ranges cost more than jit_above_cost, and LLVM then spent 1.2-1.5 s of CPU
 * compiling refundMetrics' day statement before running it in 80 ms. work_mem 16 MB (default
 * 4): refundMetrics' exact percentiles sort a 90-day cohort (250,000 values in the benchmark)
 * in memory instead of on disk, about 30% faster (BENCHMARKS.md). An `options` parameter in
 * the database URL replaces these (node-postgres lets the URL win): the operator's choice.
 */
export const SESSION_OPTIONS = "-c jit=off -c work_mem=16MB";

/**
 * A node-postgres pool that survives connections the server kills (a dropped database, a
 * restart, a failover, an idle-killing proxy) and that closes completely.
 *
 * Two gaps in pg-pool are closed here. An idle client whose backend is terminated re-emits
 * the error on the pool, and an EventEmitter with no `error` listener throws it as an
 * uncaught exception; so the pool logs it, and pg-pool has already dropped the client, so the
 * next checkout opens a new connection. And `pool.end()` resolves once the pool has *asked*
 * its clients to end, while their sockets may still be open and may still receive a FATAL
 * message (with pg-pool's own listener gone); so every client keeps an error listener of
 * its own, and `close()` waits for each client's `end` event.
 */
export function createPgPool(connectionString: string, options: { max?: number; label?: string } = {}): PgPoolHandle {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, options: SESSION_OPTIONS });
  const label = options.label ?? "database";
  /** Every connection still open, with a promise of its socket's end. */
  const connections = new Map<pg.Client, Promise<void>>();
  let ending = false;

  // Without a listener here pg-pool's re-emitted error would be thrown; the client's own
  // listener below logs it, and pg-pool has already removed the client.
  pool.on("error", () => {});
  pool.on("connect", (client) => {
    connections.set(
      client,
      new Promise((resolve) =>
        client.once("end", () => {
          connections.delete(client);
          resolve();
        }),
      ),
    );
    // pg-pool detaches its own listener while a client is checked out or being ended; an error
    // then either fails the query that is running (and reaches its caller) or concerns a
    // connection that is going away anyway.
    client.on("error", (error) => {
      if (!ending) console.warn(`${label}: a connection was lost and will be replaced: ${error.message}`);
    });
  });

  return {
    pool,
    async close() {
      ending = true;
      await pool.end();
      await Promise.all(connections.values());
    },
  };
}
