import { UserErrorsException } from "../domain/errors.js";
import type { TransitionRequest } from "../domain/transition-plan.js";
import { askAppChecksBeforeUnit } from "./app-checks.js";
import { type RefundChange, changeRefunds } from "./refund-change.js";
import { type RefundServiceDeps, inUnitOfWork } from "./unit-of-work.js";
import { type Viewer, actorOf, refundScope, requireViewer } from "./viewer.js";
import { isUniqueViolation } from "../db/unique-violation.js";

export interface TransitionRefundInput extends TransitionRequest {
  refundId: string;
  expectedVersion?: number | null;
  idempotencyKey?: string | null;
}

/** `transitionRefund`: a person or an API client takes an action on one refund. */
export async function transitionRefund(deps: RefundServiceDeps, viewer: Viewer | null, input: TransitionRefundInput) {
  const caller = requireViewer(viewer);
  const { refundId, expectedVersion, idempotencyKey, ...request } = input;
  const change: RefundChange = {
    refundId,
    request,
    actor: actorOf(caller),
    expectedVersion,
    scope: refundScope(caller),
    idempotencyKey: idempotencyKey?.trim() || null,
  };
  // Apps' checks are asked first, outside the transaction (services/app-checks.ts).
  const [checked] = await askAppChecksBeforeUnit(deps, [change]);
  const run = () =>
    inUnitOfWork(deps, async (unit) => {
      const [result] = await changeRefunds(unit, deps.hooks, [checked!]);
      if (!result!.ok) throw new UserErrorsException(result!.userErrors);
      return { refund: result!.refund, transition: result!.transition };
    });
  try {
    return await run();
  } catch (error) {
    // The same key sent for two refunds at once: the unique index lets one win; the retry
    // then finds the winner's transition and answers IDEMPOTENCY_KEY_REUSED (or its replay).
    if (!(checked!.idempotencyKey && isUniqueViolation(error))) throw error;
    return run();
  }
}
