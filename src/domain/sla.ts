import { TERMINAL_STATUSES, type RefundStatus } from "./types.js";

/** Bounds of a shop's deadline for one status: a minute to 60 days. */
export const SLA_MIN_MINUTES = 1;
export const SLA_MAX_MINUTES = 60 * 24 * 60;

/** A shop's deadlines, in minutes, by the status they apply to; a missing status has none. */
export type SlaMinutesByStatus = Partial<Record<RefundStatus, number>>;

/**
 * When a refund that entered `status` at `enteredAt` is due: null when the shop set no
 * deadline for that status, and always for a terminal refund (nothing is left to do).
 */
export function slaDueAt(policyMinutesByStatus: SlaMinutesByStatus, status: RefundStatus, enteredAt: Date): Date | null {
  if (TERMINAL_STATUSES.has(status)) return null;
  const minutes = policyMinutesByStatus[status];
  if (!minutes) return null;
  return new Date(enteredAt.getTime() + minutes * 60_000);
}
