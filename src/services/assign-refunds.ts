import type { Database } from "../db/database.js";
import { fail } from "../domain/errors.js";
import { TRANSACTION_OPTIONS } from "../db/tx.js";
import { MAX_BULK_REFUNDS, type RefundFilter, refundIdsChosenBy } from "./refund-list.js";
import { activeMemberOf } from "./staff.js";
import { type Viewer, requireRole } from "./viewer.js";

export interface AssignRefundsInput {
  /** Row ids, in the order given; the caller decoded them. */
  refundIds?: readonly string[] | null;
  /** Or every refund the list filter matches. `null`: it can match nothing (a foreign id in it). */
  filter?: RefundFilter | null;
  /** null unassigns. */
  memberId: string | null;
}

/**
 * `assignRefunds`: puts refunds in a member's queue, or takes them out. All or nothing: an
 * unknown or foreign refund, a member that is not an active member of the shop, an empty or
 * oversized batch refuse the whole request with nothing written. Assignment is not a status
 * change: it writes no transition and leaves `version` (the transition counter) alone.
 */
export async function assignRefunds(db: Database, viewer: Viewer | null, input: AssignRefundsInput, now: Date) {
  const caller = requireRole(viewer, ["SHOP_ADMIN", "AGENT"]);
  const shopId = caller.shopId!;
  const byIds = input.refundIds != null;
  if (byIds === (input.filter !== undefined)) fail("INVALID_INPUT", "Pass either refundIds or filter", ["input"]);

  return db.prisma.$transaction(async (tx) => {
    let ids: string[];
    if (input.refundIds) {
      ids = [...new Set(input.refundIds)];
      if (ids.length > MAX_BULK_REFUNDS) fail("BATCH_TOO_LARGE", `At most ${MAX_BULK_REFUNDS} refunds at once`, ["input", "refundIds"]);
      const found = new Set(
        (await tx.refund.findMany({ where: { id: { in: ids }, shopId }, select: { id: true } })).map((refund) => refund.id),
      );
      const missing = input.refundIds.findIndex((id) => !found.has(id));
      if (missing >= 0) fail("NOT_FOUND", "No such refund", ["input", "refundIds", String(missing)]);
    } else {
      ids = input.filter ? await refundIdsChosenBy(tx, caller, shopId, input.filter, now) : [];
    }
    if (ids.length === 0) fail("BATCH_EMPTY", "No refund to assign", ["input", byIds ? "refundIds" : "filter"]);

    const member = input.memberId ? await activeMemberOf(tx, shopId, input.memberId, ["input", "memberId"]) : null;
    await tx.refund.updateMany({ where: { id: { in: ids }, shopId }, data: { assigneeId: member?.id ?? null } });
    const refunds = await tx.refund.findMany({ where: { id: { in: ids } } });
    const byId = new Map(refunds.map((refund) => [refund.id, refund]));
    return ids.map((id) => byId.get(id)!);
  }, TRANSACTION_OPTIONS);
}
