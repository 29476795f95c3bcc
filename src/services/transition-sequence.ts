import type { Tx } from "../db/tx.js";

/**
 * Numbers a unit of work's transitions in their shops' streams (RefundTransition.sequence,
 * refundEvents' cursor), as the LAST statement of its transaction.
 *
 * refundEvents resumes "after sequence N", so no transition may ever appear below a number a
 * reader has passed. Neither the uuid id, nor createdAt (the transaction's start), nor a number
 * taken when the row is inserted gives that: two transactions of a shop may commit in the other
 * order, and a console reading between the two commits would skip the slower one for good.
 * Here the shop's counter row is raised last, and its row lock is held until the commit: the
 * next transaction of the shop waits at this statement until this one has committed (or rolled
 * back, giving its numbers back). So numbers follow commit order with no gap, and once N is
 * visible, so is every number below it. Taken last, the lock cannot close a cycle with the row
 * locks taken before it (no deadlock), and is held only for the commit itself.
 *
 * Sets `sequence` on each transition it is given (their events carry it). A unit of work
 * touches one shop in practice; several would be locked in one statement.
 */
export async function numberTransitions(tx: Tx, transitions: ReadonlyArray<{ id: string; shopId: string; sequence?: number | null }>): Promise<void> {
  if (transitions.length === 0) return;
  const numbered = await tx.$queryRaw<Array<{ id: string; sequence: number }>>`
    WITH mine AS (
      SELECT u.id, u."shopId", row_number() OVER (PARTITION BY u."shopId" ORDER BY u.ord)::int AS n
        FROM unnest(${transitions.map((t) => t.id)}::text[], ${transitions.map((t) => t.shopId)}::text[]) WITH ORDINALITY AS u(id, "shopId", ord)
    ), counts AS (
      SELECT "shopId", count(*)::int AS c FROM mine GROUP BY "shopId"
    ), raised AS (
      UPDATE "Shop" s SET "transitionSequence" = s."transitionSequence" + counts.c FROM counts WHERE s.id = counts."shopId"
      RETURNING s.id, s."transitionSequence" - counts.c AS base
    )
    UPDATE "RefundTransition" t SET "sequence" = r.base + m.n FROM mine m JOIN raised r ON r.id = m."shopId" WHERE t.id = m.id
    RETURNING t.id, t."sequence"`;
  const byId = new Map(numbered.map((row) => [row.id, row.sequence]));
  for (const transition of transitions) transition.sequence = byId.get(transition.id)!;
}
