import type { Database } from "../db/database.js";
import { TRANSACTION_OPTIONS } from "../db/tx.js";
import { UserErrorsException, fail } from "../domain/errors.js";
import { MAX_LABELS_PER_REFUND, relabel, validateLabels } from "../domain/labels.js";
import { STAFF_ROLES, type Viewer, refundScope, requireRole } from "./viewer.js";

/**
 * `addRefundLabels` / `removeRefundLabels`: the shop's staff label refunds to find them again.
 * Not a status change: no transition, `version` stays (like an assignment). The refund's row
 * is locked while its labels are recomputed, so two staff adding at once lose neither label.
 */
export async function changeRefundLabels(
  db: Database,
  viewer: Viewer | null,
  input: { refundId: string; add?: readonly string[]; remove?: readonly string[] },
) {
  const caller = requireRole(viewer, [...STAFF_ROLES]);
  const given = input.add ?? input.remove ?? [];
  const checked = validateLabels(given, ["input", "labels"]);
  if (!checked.ok) throw new UserErrorsException(checked.errors);
  return db.prisma.$transaction(async (tx) => {
    const scope = refundScope(caller);
    const [current] = await tx.$queryRaw<Array<{ labels: string[] | null; shopId: string }>>`
      SELECT labels, "shopId" FROM "Refund" WHERE id = ${input.refundId} FOR UPDATE`;
    if (!current || (scope.shopId && current.shopId !== scope.shopId)) fail("NOT_FOUND", "No such refund", ["input", "refundId"]);
    const next = relabel(current.labels ?? [], input.add ? checked.labels : [], input.remove ? checked.labels : []);
    if (!next) fail("TOO_MANY_LABELS", `A refund has at most ${MAX_LABELS_PER_REFUND} labels: remove some first`, ["input", "labels"]);
    return tx.refund.update({ where: { id: input.refundId }, data: { labels: next } });
  }, TRANSACTION_OPTIONS);
}
