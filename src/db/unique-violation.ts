/**
 * Whether a Prisma write failed on a unique key (P2002): the row is there already, written by
 * the same request sent twice at once or by an earlier attempt of the same effect.
 */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
