import type { RefundStatus } from "./types.js";

/**
 * The care list: a customer whose refund ended stays on the shop's care list for the shop's
 * `careDays` after the end, so the shop can treat them specially. Being on it is computed from
 * the end time and the clock — nothing is written when a customer leaves, and no job runs.
 */

export const DEFAULT_CARE_DAYS = 30;
export const MAX_CARE_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface EndedRefund {
  status: RefundStatus;
  resolvedAt: Date;
}

export interface Care {
  until: Date;
  reason: string;
}

/** The earliest end time that still keeps a customer on the list at `now`. */
export function careSince(careDays: number, now: Date): Date {
  return new Date(now.getTime() - careDays * DAY_MS);
}

/** Whether, and why, a customer is on the care list now, from their latest ended refund. */
export function careOf(latestEnded: EndedRefund | null, careDays: number, now: Date): Care | null {
  if (!latestEnded || careDays <= 0) return null;
  const until = new Date(latestEnded.resolvedAt.getTime() + careDays * DAY_MS);
  if (until.getTime() <= now.getTime()) return null;
  const day = latestEnded.resolvedAt.toISOString().slice(0, 10);
  return { until, reason: `A refund of theirs ended ${latestEnded.status} on ${day} (UTC); the shop keeps such customers on its care list for ${careDays} days` };
}
