import { GraphQLError } from "graphql";
import { UserErrorsException } from "../domain/errors.js";
import { unstorableTextErrors } from "../domain/text.js";
import type { Viewer } from "../services/viewer.js";
import type { GraphQLContext } from "./context.js";

/**
 * Queries need a caller; without one they fail as a whole (mutations answer userErrors).
 * The code is in `extensions.code`, the same codes as userErrors.
 */
export function queryViewer(ctx: GraphQLContext): Viewer {
  if (ctx.authError) throw new GraphQLError(ctx.authError.message, { extensions: { code: ctx.authError.code } });
  if (!ctx.viewer) {
    throw new GraphQLError("Send an API token as `Authorization: Bearer <token>`", { extensions: { code: "UNAUTHENTICATED" } });
  }
  return ctx.viewer;
}

/**
 * The `node` lookup of a row only a shop's admins may read (a platform admin: every shop's):
 * anyone else finds nothing, as for a row that does not exist.
 */
export function shopAdminsRow(id: string, ctx: GraphQLContext) {
  const viewer = queryViewer(ctx);
  if (viewer.role === "PLATFORM_ADMIN") return { id };
  return viewer.role === "SHOP_ADMIN" ? { id, shopId: viewer.shopId! } : { id, AND: [{ id: { in: [] } }] };
}

/** Text a query would send to the database but cannot be stored fails the field, INVALID_INPUT. */
export function assertStorableText(value: unknown, path: string[]): void {
  const [problem] = unstorableTextErrors(value, path);
  if (problem) throw new GraphQLError(problem.message, { extensions: { code: problem.code, field: problem.field } });
}

/**
 * Runs a query's service call: an expected failure (a role, a bad argument) fails the field
 * with its code in `extensions.code`, as queryViewer does, rather than being logged as a bug.
 */
export async function queryService<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof UserErrorsException)) throw error;
    const [first] = error.userErrors;
    throw new GraphQLError(first!.message, { extensions: { code: first!.code, field: first!.field } });
  }
}
