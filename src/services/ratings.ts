import type { Database } from "../db/database.js";
import { UserErrorsException, fail } from "../domain/errors.js";
import { ratingProblem } from "../domain/rating.js";
import type { Clock } from "./clock.js";
import { type Viewer, refundScope, requireRole } from "./viewer.js";
import { isUniqueViolation } from "../db/unique-violation.js";

export interface RateRefundInput {
  refundId: string;
  score: number;
  comment?: string | null;
}

/**
 * `rateRefund` (CUSTOMER): the customer of a refund that ended rates it once. Another
 * customer's refund is NOT_FOUND, like one that does not exist; a second rating, even one
 * racing the first, is ALREADY_RATED (the unique refundId decides).
 */
export async function rateRefund(db: Database, clock: Clock, viewer: Viewer | null, input: RateRefundInput) {
  const caller = requireRole(viewer, ["CUSTOMER"]);
  const refund = await db.prisma.refund.findFirst({
    where: { id: input.refundId, ...refundScope(caller) },
    select: { id: true, shopId: true, customerId: true, status: true, resolvedAt: true, rating: { select: { id: true } } },
  });
  if (!refund) fail("NOT_FOUND", "No such refund", ["input", "refundId"]);
  const comment = input.comment?.trim() || null;
  const problem = ratingProblem({ status: refund.status, resolvedAt: refund.resolvedAt, alreadyRated: refund.rating !== null }, { score: input.score, comment }, clock());
  if (problem) throw new UserErrorsException([problem]);
  try {
    return await db.prisma.refundRating.create({
      data: { shopId: refund.shopId, refundId: refund.id, customerId: refund.customerId, score: input.score, comment, createdAt: clock() },
    });
  } catch (error) {
    if (isUniqueViolation(error)) fail("ALREADY_RATED", "This refund was rated already; a rating cannot be changed", ["input", "refundId"]);
    throw error;
  }
}
