import { UserErrorsException, fail } from "../domain/errors.js";
import { settleByHandFrom, waitingSince } from "../domain/stuck-payments.js";
import { type Actor, SYSTEM_ACTOR } from "../domain/types.js";
import { type RefundChange, changeRefunds, inScope } from "./refund-change.js";
import { type RefundServiceDeps, type UnitOfWork, inUnitOfWork } from "./unit-of-work.js";
import { type Viewer, actorOf, refundScope, requireRole } from "./viewer.js";

const REFERENCE_MAX = 128;
const NOTE_MAX = 1_000;

/**
 * `recordManualRefund` [FINANCE]: the money went back by other means (a bank transfer, the
 * provider's merchant console), and finance records it; the refund ends REFUNDED with a SUCCEEDED
 * attempt carrying finance's reference and note, which is never sent to the provider.
 *
 * - REFUND_FAILED: finance's RETRY_PAYMENT (whose attempt takes its amount from the order's
 *   payment, so AMOUNT_EXCEEDS_PAYMENT holds here too), that attempt settled by hand, and the
 *   platform's PAYMENT_SUCCEEDED.
 * - REFUNDING, its attempt open (PENDING unanswered, or PROCESSING) for longer than
 *   SETTLE_BY_HAND_AFTER_MS: that attempt is given up (FAILED, so it is neither sent nor queried
 *   again, and a late answer records nothing), a SUCCEEDED attempt by hand takes over its amount
 *   on the payment, and the platform's PAYMENT_SUCCEEDED (the machine's own REFUNDING → REFUNDED
 *   row: finance never moves REFUNDING itself). Earlier: PAYMENT_STILL_OPEN, since the provider
 *   may still pay it.
 */
export async function recordManualRefund(deps: RefundServiceDeps, viewer: Viewer | null, input: { refundId: string; reference: string; note: string }) {
  const caller = requireRole(viewer, ["FINANCE", "SHOP_ADMIN", "PLATFORM_ADMIN"]);
  const reference = input.reference.trim();
  const note = input.note.trim();
  if (!reference || reference.length > REFERENCE_MAX) fail("INVALID_INPUT", `The reference of the manual refund (a bank or provider reference) has 1 to ${REFERENCE_MAX} characters`, ["input", "reference"]);
  if (!note) fail("NOTE_REQUIRED", "Say how the money went back", ["input", "note"]);
  if (note.length > NOTE_MAX) fail("INVALID_INPUT", `A note has at most ${NOTE_MAX} characters`, ["input", "note"]);
  const actor = actorOf(caller);
  return inUnitOfWork(deps, async (unit) => {
    const refund = await unit.tx.refund.findUnique({
      where: { id: input.refundId },
      include: { paymentAttempts: { where: { status: { in: ["PENDING", "PROCESSING"] } } } },
    });
    const [open] = refund && inScope(refund, refundScope(caller)) && refund.status === "REFUNDING" ? refund.paymentAttempts : [];
    const settledBy = open ? await giveUpStuckAttempt(unit, open, actor, { reference, note }) : await retryByHand(unit, deps, { refundId: input.refundId, actor, scope: refundScope(caller) }, { reference, note });
    const [paid] = await changeRefunds(unit, deps.hooks, [
      { refundId: input.refundId, request: { action: "PAYMENT_SUCCEEDED", note: `Manual refund recorded by finance (${reference})${settledBy}` }, actor: SYSTEM_ACTOR },
    ]);
    if (!paid!.ok) throw new UserErrorsException(paid!.userErrors);
    return paid!.refund;
  });
}

type Manual = { reference: string; note: string };
type Attempt = { id: string; refundId: string; idempotencyKey: string; provider: string; paymentId: string | null; amount: number; currency: string; status: string; sentAt: Date | null; createdAt: Date };

/** REFUND_FAILED: finance's RETRY_PAYMENT, whose new attempt is settled here instead of sent. */
async function retryByHand(unit: UnitOfWork, deps: RefundServiceDeps, change: Pick<RefundChange, "refundId" | "actor" | "scope">, manual: Manual): Promise<string> {
  const [retried] = await changeRefunds(unit, deps.hooks, [{ ...change, request: { action: "RETRY_PAYMENT", note: `Paid back by hand: ${manual.note}` } }]);
  if (!retried!.ok) throw new UserErrorsException(retried!.userErrors);
  // Its attempt, kept for the unit's last statement, is written here already settled, and never sent.
  unit.effects.paymentAttemptIds.pop();
  const attempt = unit.attemptsToWrite.pop()!;
  await unit.tx.paymentRefundAttempt.create({ data: { ...attempt, ...settledByHand(unit, manual), status: "SUCCEEDED" } });
  return "";
}

/** REFUNDING with an attempt the provider left open too long: given up, and a SUCCEEDED one by hand in its place. */
async function giveUpStuckAttempt(unit: UnitOfWork, stuck: Attempt, actor: Actor, manual: Manual): Promise<string> {
  const since = waitingSince(stuck)!;
  const from = settleByHandFrom(stuck)!;
  if (unit.now < from) {
    fail("PAYMENT_STILL_OPEN", `The ${stuck.provider} refund (${stuck.idempotencyKey}) waits for the provider since ${since.toISOString()} and may still be paid: it may be settled by hand from ${from.toISOString()}`, ["input", "refundId"]);
  }
  const waited = `${stuck.provider} had not settled ${stuck.idempotencyKey} since ${since.toISOString()}`;
  // Only while it is still open: an answer recorded meanwhile wins, and finance reloads.
  const closed = await unit.tx.paymentRefundAttempt.updateMany({
    where: { id: stuck.id, status: { in: ["PENDING", "PROCESSING"] } },
    data: { status: "FAILED", completedAt: unit.now, lockedUntil: null, failureReason: `Given up by ${actor.name ?? "finance"}: ${waited}; paid back by hand (${manual.reference})` },
  });
  if (closed.count !== 1) fail("VERSION_CONFLICT", "The provider's answer came in meanwhile: reload the refund", ["input", "refundId"]);
  // The same amount of the same payment: what the given-up attempt held on it, the manual one holds now.
  await unit.tx.paymentRefundAttempt.create({
    data: {
      id: unit.newId(),
      refundId: stuck.refundId,
      idempotencyKey: `${stuck.idempotencyKey}:by-hand`,
      provider: stuck.provider,
      paymentId: stuck.paymentId,
      amount: stuck.amount,
      currency: stuck.currency,
      status: "SUCCEEDED",
      ...settledByHand(unit, manual),
    },
  });
  return `; ${waited}`;
}

function settledByHand(unit: UnitOfWork, manual: Manual) {
  return { reference: manual.reference, manualNote: manual.note, providerAnswer: "MANUAL", answeredAt: unit.now, completedAt: unit.now };
}
