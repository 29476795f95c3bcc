import { decodeGlobalID } from "@pothos/plugin-relay";
import { USER_ERROR_CODES, type UserError, type UserErrorCode, UserErrorsException, fail, userError } from "../domain/errors.js";
import { isStorableText, unstorableTextErrors } from "../domain/text.js";
import type { Viewer } from "../services/viewer.js";
import { builder } from "./builder.js";
import type { GraphQLContext } from "./context.js";

/** Generated from USER_ERROR_CODES: the codes and their meanings are written once, in the domain. */
export const UserErrorCodeEnum = builder.enumType("UserErrorCode", {
  description: "The stable code of a `UserError`: clients switch on it. The list only grows; a code is never renamed.",
  values: Object.fromEntries(Object.entries(USER_ERROR_CODES).map(([code, meaning]) => [code, { value: code as UserErrorCode, description: meaning }])),
});

export const UserErrorRef = builder.objectRef<UserError>("UserError").implement({
  description: "An expected failure of a mutation. Switch on `code`; `message` is for people.",
  fields: (t) => ({
    code: t.expose("code", { type: UserErrorCodeEnum, description: "What went wrong, as a stable code to switch on." }),
    message: t.exposeString("message", { description: "What went wrong, in English for people (a log, a developer); may change: do not parse it." }),
    field: t.stringList({ nullable: true, resolve: (error) => error.field ?? null, description: "The path of the input value at fault, e.g. [\"input\", \"amount\"]; null when no one value is." }),
  }),
});

/**
 * Runs a mutation's service call and turns expected failures into `userErrors`. Anything
 * else is a bug and reaches the client as yoga's masked "Unexpected error".
 *
 * Before the call: the caller is known (every mutation needs one, and a missing token is
 * answered before anything about the input), and every string of `input` can be stored.
 */
export async function withUserErrors<T extends object>(
  ctx: GraphQLContext,
  input: object,
  run: (viewer: Viewer | null) => Promise<T>,
): Promise<Partial<T> & { userErrors: UserError[] }> {
  const failed = (userErrors: UserError[]) => ({ userErrors }) as Partial<T> & { userErrors: UserError[] };
  try {
    if (ctx.authError) return failed([ctx.authError]);
    if (!ctx.viewer) return failed([userError("UNAUTHENTICATED", "Send an API token as `Authorization: Bearer <token>`")]);
    const unstorable = unstorableTextErrors(input, ["input"]);
    if (unstorable.length > 0) return failed(unstorable);
    return { ...(await run(ctx.viewer)), userErrors: [] };
  } catch (error) {
    if (error instanceof UserErrorsException) return failed(error.userErrors);
    throw error;
  }
}

/** The row id inside a Relay global ID of the expected type, or null for anything else. */
export function decodeGlobalIdOf(value: string, typename: string): string | null {
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = decodeGlobalID(value);
  } catch {
    return null;
  }
  // An id no row can have (NUL, absurd length) is not found, rather than sent to the database.
  if (decoded.typename !== typename || !decoded.id || !isStorableText(decoded.id)) return null;
  return decoded.id;
}

/** Decodes a Relay global ID of the expected type; anything else is NOT_FOUND for `field`. */
export function parseGlobalId(value: string, typename: string, field: string[]): string {
  const id = decodeGlobalIdOf(value, typename);
  if (id === null) fail("NOT_FOUND", `Not a ${typename} id`, field);
  return id;
}

/** The optional `shopId` of a mutation input (platform admins name the shop they act on). */
export function parseShopIdInput(shopId: string | null | undefined): string | null {
  return shopId ? parseGlobalId(shopId, "Shop", ["input", "shopId"]) : null;
}
