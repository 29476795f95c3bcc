import { fail } from "../domain/errors.js";
import { STAFF_ROLES, type Viewer, requireRole } from "./viewer.js";

/** The longest period a statistics query covers. */
export const MAX_STATS_PERIOD_DAYS = 366;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Who may ask for a shop's figures and over which period: its staff (a platform admin names
 * the shop), `[from, to)` with from ≤ to and at most MAX_STATS_PERIOD_DAYS long.
 */
export function statsPeriodOf(viewer: Viewer | null, input: { shopId?: string | null; from: Date; to: Date }): { shopId: string; from: Date; to: Date } {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  const shopId = caller.role === "PLATFORM_ADMIN" ? input.shopId : caller.shopId;
  if (!shopId) fail("INVALID_INPUT", "A platform admin must name the shop: shopId", ["shopId"]);
  const { from, to } = input;
  if (from.getTime() > to.getTime()) fail("INVALID_INPUT", "from must not be after to", ["from"]);
  if (to.getTime() - from.getTime() > MAX_STATS_PERIOD_DAYS * DAY_MS) {
    fail("INVALID_INPUT", `The period may be at most ${MAX_STATS_PERIOD_DAYS} days long`, ["to"]);
  }
  return { shopId, from, to };
}
