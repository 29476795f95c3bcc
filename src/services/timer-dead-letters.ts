import { fail } from "../domain/errors.js";
import { NO_TIMER_FAILURE } from "./timer-worker.js";
import type { RefundServiceDeps } from "./unit-of-work.js";
import { type Viewer, requireRole, resolveShopId } from "./viewer.js";

/**
 * Timers whose run kept throwing (src/services/timer-worker.ts), shown beside the plugin dead
 * letters to the same people: a shop's admins, a platform admin naming the shop.
 */
const ADMINS = ["SHOP_ADMIN", "PLATFORM_ADMIN"] as const;

/** Which dead timers a caller reads, the latest to die first (the list's `where` and order). */
export function deadTimersQuery(viewer: Viewer, shopId: string | null) {
  const shop = resolveShopId(requireRole(viewer, ADMINS), shopId);
  return { where: { shopId: shop, timeoutDeadAt: { not: null } }, orderBy: [{ timeoutDeadAt: "desc" as const }, { id: "desc" as const }] };
}

/**
 * Runs a dead timer again, as new: its attempts start from nought, so a cause that is still
 * there dies again after as many tries with the same backoff. A refund another shop's, or
 * whose timer is not dead (it ran, moved on, or is still being tried), is refused.
 */
export async function retryDeadTimer(deps: Pick<RefundServiceDeps, "db" | "timers">, viewer: Viewer | null, input: { refundId: string }) {
  const caller = requireRole(viewer, ADMINS);
  const refund = await deps.db.prisma.refund.findFirst({
    where: { id: input.refundId, ...(caller.role === "PLATFORM_ADMIN" ? {} : { shopId: caller.shopId! }) },
    select: { id: true, version: true, timeoutDeadAt: true },
  });
  if (!refund) fail("NOT_FOUND", "No such refund", ["input", "refundId"]);
  if (!refund.timeoutDeadAt) fail("INVALID_INPUT", "Only a dead timer is retried; this refund's timer is not dead", ["input", "refundId"]);
  // The version in the WHERE: a transition since the read set a timer of its own, left alone.
  const revived = await deps.db.prisma.refund.updateMany({
    where: { id: refund.id, version: refund.version, timeoutDeadAt: { not: null } },
    data: { ...NO_TIMER_FAILURE, timeoutClaimedUntil: null },
  });
  if (revived.count === 0) fail("INVALID_INPUT", "The refund moved on meanwhile: its timer is not dead any more", ["input", "refundId"]);
  deps.timers?.dispatch([refund.id]);
  return refund.id;
}
