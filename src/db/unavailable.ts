/**
 * Whether an error means the database cannot be reached for now (restarting, failing over,
 * a connection cut), rather than a bug: such a request gets a SERVICE_UNAVAILABLE answer to
 * retry, not "Unexpected error.". Looks through Prisma's driver-adapter wrapping and causes.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === "object"; depth += 1) {
    const { code, message, meta, cause } = current as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: unknown }; cause?: unknown };
    if (typeof code === "string" && UNAVAILABLE_CODES.test(code)) return true;
    if (typeof message === "string" && CONNECTION_LOST.some((text) => message.includes(text))) return true;
    if ((current as { kind?: unknown }).kind === "DatabaseNotReachable" || (current as { kind?: unknown }).kind === "ConnectionClosed") return true;
    current = meta?.driverAdapterError ?? cause;
  }
  return false;
}

// Prisma: can't reach the server, timed out reaching it, server closed the connection.
// PostgreSQL: class 08 (connection exception), 57P01-57P03 (shutting down, cannot connect now).
// Node sockets: refused, reset, broken, timed out.
const UNAVAILABLE_CODES = /^(P1001|P1002|P1017|08[0-9A-Z]{3}|57P0[123]|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH)$/;

// node-postgres reports a lost connection by message only; Prisma's P2028 stands for several
// transaction errors, and only this one means "no connection free in time" (an overloaded or
// recovering pool), which a retry a moment later answers.
const CONNECTION_LOST = [
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "Unable to start a transaction in the given time",
];
