import { UserErrorsException, fail } from "../domain/errors.js";
import { SYSTEM_ACTOR } from "../domain/types.js";
import { changeRefunds } from "./refund-change.js";
import { type RefundServiceDeps, inUnitOfWork } from "./unit-of-work.js";
import { type Viewer, actorOf, refundScope, requireRole } from "./viewer.js";

const REFERENCE_MAX = 128;
const NOTE_MAX = 1_000;

/**
 * `recordManualRefund` [FINANCE]: the money of a REFUND_FAILED refund went back by other means
 * (a bank transfer, the provider's merchant console), and finance records it. In one unit of
 * work, with the machine's own rows: finance's RETRY_PAYMENT (whose attempt takes its amount from
 * the order's payment, so AMOUNT_EXCEEDS_PAYMENT holds here too), that attempt recorded at once
 * as SUCCEEDED by hand with finance's reference and note — it is never sent to the provider —
 * and the platform's PAYMENT_SUCCEEDED: the refund ends REFUNDED.
 */
export async function recordManualRefund(deps: RefundServiceDeps, viewer: Viewer | null, input: { refundId: string; reference: string; note: string }) {
  const caller = requireRole(viewer, ["FINANCE", "SHOP_ADMIN", "PLATFORM_ADMIN"]);
  const reference = input.reference.trim();
  const note = input.note.trim();
  if (!reference || reference.length > REFERENCE_MAX) fail("INVALID_INPUT", `The reference of the manual refund (a bank or provider reference) has 1 to ${REFERENCE_MAX} characters`, ["input", "reference"]);
  if (!note) fail("NOTE_REQUIRED", "Say how the money went back", ["input", "note"]);
  if (note.length > NOTE_MAX) fail("INVALID_INPUT", `A note has at most ${NOTE_MAX} characters`, ["input", "note"]);
  return inUnitOfWork(deps, async (unit) => {
    const [retried] = await changeRefunds(unit, deps.hooks, [
      { refundId: input.refundId, request: { action: "RETRY_PAYMENT", note: `Paid back by hand: ${note}` }, actor: actorOf(caller), scope: refundScope(caller) },
    ]);
    if (!retried!.ok) throw new UserErrorsException(retried!.userErrors);
    // The attempt that transition queued is settled here, not sent.
    const attemptId = unit.effects.paymentAttemptIds.pop()!;
    await unit.tx.paymentRefundAttempt.update({
      where: { id: attemptId },
      data: { status: "SUCCEEDED", reference, manualNote: note, providerAnswer: "MANUAL", answeredAt: unit.now, completedAt: unit.now },
    });
    const [paid] = await changeRefunds(unit, deps.hooks, [
      { refundId: input.refundId, request: { action: "PAYMENT_SUCCEEDED", note: `Manual refund recorded by finance (${reference})` }, actor: SYSTEM_ACTOR },
    ]);
    if (!paid!.ok) throw new UserErrorsException(paid!.userErrors);
    return paid!.refund;
  });
}
