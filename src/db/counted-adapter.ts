// Statements counted where they are sent, in the driver adapter, and only while someone listens
// (tests, the bench's /debug/statements). Prisma's query-log event did this before, but once on,
// it builds an event with the parameters' JSON for every statement whether or not anyone reads
// it: 0.2 ms of CPU per APPROVE and 0.6 ms per automatic refund. What is counted is what that
// event reported: each statement Prisma sends (its queries, raw SQL, a transaction's COMMIT or
// ROLLBACK), once it has succeeded; not the adapter's own BEGIN or savepoints.
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

export type QueryListeners = Set<(sql: string) => void>;

// The text Prisma reports for the end of a transaction whose driver ends it itself (PGlite's),
// as its query-log event has it.
const IMPLICIT_COMMIT = '-- Implicit "COMMIT" query via underlying driver';
const IMPLICIT_ROLLBACK = '-- Implicit "ROLLBACK" query via underlying driver';

function tell(listeners: QueryListeners, sql: string): void {
  for (const listener of listeners) listener(sql);
}

/** `run(query)`, telling the listeners its SQL once it succeeded; a plain call when none listens. */
function counted<T>(listeners: QueryListeners, run: (query: SqlQuery) => Promise<T>): (query: SqlQuery) => Promise<T> {
  return (query) => {
    if (listeners.size === 0) return run(query);
    return run(query).then((result) => {
      tell(listeners, query.sql);
      return result;
    });
  };
}

function countedEnd(listeners: QueryListeners, end: () => Promise<void>, sql: string): () => Promise<void> {
  return () => {
    if (listeners.size === 0) return end();
    return end().then(() => tell(listeners, sql));
  };
}

/**
 * `target` with the methods in `overrides` replaced; every other member read from `target`
 * itself, methods bound to it, so what the driver does inside (BEGIN, savepoints) goes
 * through its own, uncounted methods.
 */
function wrap<T extends object>(target: T, overrides: Partial<T>): T {
  // Bound once per method: Prisma reads the adapter's methods on every statement.
  const bound = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(inner, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof T];
      const value = Reflect.get(inner, key, inner) as unknown;
      if (typeof value !== "function") return value;
      let method = bound.get(key);
      if (!method) bound.set(key, (method = value.bind(inner)));
      return method;
    },
  });
}

function countedTransaction(tx: Transaction, listeners: QueryListeners): Transaction {
  const phantom = tx.options.usePhantomQuery;
  return wrap(tx, {
    queryRaw: counted(listeners, (query) => tx.queryRaw(query)),
    executeRaw: counted(listeners, (query) => tx.executeRaw(query)),
    // Without phantom queries Prisma sends COMMIT/ROLLBACK through executeRaw (counted there).
    ...(phantom && {
      commit: countedEnd(listeners, () => tx.commit(), IMPLICIT_COMMIT),
      rollback: countedEnd(listeners, () => tx.rollback(), IMPLICIT_ROLLBACK),
    }),
  });
}

function countedAdapter(adapter: SqlDriverAdapter, listeners: QueryListeners): SqlDriverAdapter {
  return wrap(adapter, {
    queryRaw: counted(listeners, (query) => adapter.queryRaw(query)),
    executeRaw: counted(listeners, (query) => adapter.executeRaw(query)),
    startTransaction: async (isolationLevel) => countedTransaction(await adapter.startTransaction(isolationLevel), listeners),
  });
}

/** `factory`, whose connections tell `listeners` every statement Prisma sends through them. */
export function countedAdapterFactory(factory: SqlDriverAdapterFactory, listeners: QueryListeners): SqlDriverAdapterFactory {
  return wrap(factory, { connect: async () => countedAdapter(await factory.connect(), listeners) });
}
