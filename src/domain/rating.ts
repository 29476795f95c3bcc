import { type UserError, userError } from "./errors.js";
import type { RefundStatus } from "./types.js";

/** The customer's verdict on a refund that ended: once, a whole score 1–5, within 30 days of the end. */

export const RATING_WINDOW_DAYS = 30;
export const MAX_RATING_COMMENT = 2_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RatedRefund {
  status: RefundStatus;
  resolvedAt: Date | null;
  alreadyRated: boolean;
}

/** Why this rating cannot be stored, or null. */
export function ratingProblem(refund: RatedRefund, input: { score: number; comment?: string | null }, now: Date): UserError | null {
  if (!Number.isSafeInteger(input.score) || input.score < 1 || input.score > 5) {
    return userError("INVALID_INPUT", "score is a whole number from 1 to 5", ["input", "score"]);
  }
  if ((input.comment?.length ?? 0) > MAX_RATING_COMMENT) {
    return userError("INVALID_INPUT", `A comment may be at most ${MAX_RATING_COMMENT} characters`, ["input", "comment"]);
  }
  if (!refund.resolvedAt) return userError("REFUND_NOT_ENDED", `The refund is still ${refund.status}: rate it once it has ended`, ["input", "refundId"]);
  if (refund.alreadyRated) return userError("ALREADY_RATED", "This refund was rated already; a rating cannot be changed", ["input", "refundId"]);
  if (now.getTime() > refund.resolvedAt.getTime() + RATING_WINDOW_DAYS * DAY_MS) {
    return userError("RATING_WINDOW_CLOSED", `A refund may be rated within ${RATING_WINDOW_DAYS} days of its end`, ["input", "refundId"]);
  }
  return null;
}
