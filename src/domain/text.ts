import { type UserError, userError } from "./errors.js";

/**
 * Text a client sends must be storable. PostgreSQL `text` cannot hold U+0000, and a value in a
 * unique index (an externalId, an idempotency key) must stay well under the ~2.7 kB a btree
 * entry may take. Refused here, such text is a userError; let through, it is an internal
 * error from the database.
 */
export const MAX_KEY_LENGTH = 255;
export const MAX_TEXT_LENGTH = 10_000;

/** Fields holding people's words rather than codes or references: they get the longer limit. */
const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set(["name", "description", "note", "label", "search", "comment", "terms", "requirements"]);

export function isStorableText(value: string, maxLength = MAX_KEY_LENGTH): boolean {
  return value.length <= maxLength && !value.includes("\u0000");
}

/**
 * Every string in an input (nested objects and lists included) that cannot be stored, as
 * INVALID_INPUT errors naming the field's path, e.g. `["input", "items", "0", "sku"]`.
 */
export function unstorableTextErrors(value: unknown, path: readonly string[]): UserError[] {
  if (typeof value === "string") {
    const name = [...path].reverse().find((part) => !/^\d+$/.test(part)) ?? "";
    const maxLength = FREE_TEXT_FIELDS.has(name) ? MAX_TEXT_LENGTH : MAX_KEY_LENGTH;
    if (value.includes("\u0000")) return [userError("INVALID_INPUT", `${name} must not contain the NUL character`, [...path])];
    if (value.length > maxLength) return [userError("INVALID_INPUT", `${name} may be at most ${maxLength} characters long`, [...path])];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => unstorableTextErrors(item, [...path, String(index)]));
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    return Object.entries(value).flatMap(([key, field]) => unstorableTextErrors(field, [...path, key]));
  }
  return [];
}
