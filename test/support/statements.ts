// Statement counts of a test: the SQL of the requests it sends and of the work they set off,
// and nothing else. The server runs every request in a scope carrying its X-Request-Id
// (src/observability/logger.ts), and the work a request sets off after commit (payments, hook
// deliveries, app webhooks, their retries) is started inside that scope, so every statement of
// it carries the request's id too. A request sent inside `statementsOf` gets a fresh id, and
// only statements under that id are counted: a sweep that wakes meanwhile, another request's
// deliveries or the test's own reads carry none, so none can land in a count — by
// construction, not by a list of what to leave out.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";
import type { RequestMiddleware } from "graphql-request";
import type { App } from "../../src/app.js";
import { currentRequestId } from "../../src/observability/logger.js";

const countedWork = new AsyncLocalStorage<string>();

/** The request middleware of every test client: inside `statementsOf`, the request carries its id. */
export const tagCountedRequests: RequestMiddleware = (request) => {
  const tag = countedWork.getStore();
  if (!tag) return request;
  const headers = new Headers(request.headers);
  headers.set("x-request-id", tag);
  return { ...request, headers };
};

/**
 * The token's last-use stamp, which the auth layer writes at most once a minute per token
 * (src/services/api-tokens.ts): whether a request writes it depends on the clock, not on the
 * code under test, so counts leave it out.
 */
export function isLastUsedStamp(sql: string): boolean {
  return /UPDATE "public"\."ApiToken" SET "lastUsedAt"/.test(sql);
}

/** The SQL statements of the requests that `work` sends through test clients, and of the work they set off. */
export async function statementsOf(app: App, work: () => Promise<unknown>): Promise<string[]> {
  await app.settle();
  const tag = `counted-${randomBytes(8).toString("hex")}`;
  const statements: string[] = [];
  const stop = app.db.onQuery((sql) => {
    if (currentRequestId() === tag && !isLastUsedStamp(sql)) statements.push(sql);
  });
  try {
    await countedWork.run(tag, work);
    await app.settle();
  } finally {
    stop();
  }
  return statements;
}
