import type { Tx } from "../db/tx.js";
import type { TransitionRow } from "../domain/transition-rows.js";
import { Prisma } from "../generated/prisma/client.js";
import { utc } from "../db/sql.js";

/** A transition as a unit of work writes it: its row and the client's key, if any. */
export type UnwrittenTransition = TransitionRow & { idempotencyKey: string | null };

/**
 * Inserts a unit of work's transitions numbered in their shops' streams
 * (RefundTransition.sequence, refundEvents' cursor), as the LAST statement of its transaction:
 * the counter's raise and the insert are one statement. Answers each transition's number.
 *
 * refundEvents resumes "after sequence N", so no transition may ever appear below a number a
 * reader has passed. Neither the uuid id, nor createdAt (the transaction's start), nor a number
 * taken earlier in the transaction gives that: two transactions of a shop may commit in the
 * other order, and a console reading between the two commits would skip the slower one for
 * good. Here the shop's counter row is raised last, and its row lock is held until the commit:
 * the next transaction of the shop waits at this statement until this one has committed (or
 * rolled back, giving its numbers back). So numbers follow commit order with no gap, and once N
 * is visible, so is every number below it. Taken last, the lock cannot close a cycle with the
 * row locks taken before it (no deadlock), and is held only for the commit itself. That is why
 * the unit keeps its transitions until its end instead of inserting them as they are planned.
 *
 * A unit of work touches one shop in practice; several would be locked in one statement. A
 * unique violation (one idempotency key sent twice at once) is raised as Prisma's own insert
 * raises it (P2002), which the callers that retry look for.
 */
export async function insertNumberedTransitions(
  tx: Tx,
  transitions: readonly UnwrittenTransition[],
  /** Another insert sent in the same statement (the unit's payment attempts), or null. */
  alongside: Prisma.Sql | null = null,
): Promise<Map<string, number>> {
  if (transitions.length === 0) {
    if (alongside) await tx.$executeRaw(alongside);
    return new Map();
  }
  const rows = transitions.map(
    (t, position) => Prisma.sql`(${t.id}::text, ${t.shopId}::text, ${t.refundId}::text, ${t.version}::int, ${t.fromStatus}::text, ${t.toStatus}::text, ${t.action}::text,
      ${t.actorKind}::text, ${t.actorRole}::text, ${t.actorName}::text, ${t.actorMemberId}::text, ${t.escalated}::boolean, ${t.pastDue}::boolean, ${t.note}::text,
      ${t.amount}::int, ${t.idempotencyKey}::text, ${utc(t.createdAt)}, ${position}::int)`,
  );
  let numbered: Array<{ id: string; sequence: number }>;
  try {
    numbered = await tx.$queryRaw<Array<{ id: string; sequence: number }>>`
      WITH mine(id, "shopId", "refundId", version, "fromStatus", "toStatus", action, "actorKind", "actorRole", "actorName", "actorMemberId",
                escalated, "pastDue", note, amount, "idempotencyKey", "createdAt", position) AS (VALUES ${Prisma.join(rows)}),
      raised AS (
        UPDATE "Shop" s SET "transitionSequence" = s."transitionSequence" + c.n
          FROM (SELECT "shopId", count(*)::int AS n FROM mine GROUP BY "shopId") c
         WHERE s.id = c."shopId"
        RETURNING s.id, s."transitionSequence" - c.n AS base)${alongside ? Prisma.sql`,
      alongside AS (${alongside})` : Prisma.empty}
      INSERT INTO "RefundTransition" (id, "shopId", "refundId", version, "fromStatus", "toStatus", action, "actorKind", "actorRole", "actorName", "actorMemberId",
                                      escalated, "pastDue", note, amount, "idempotencyKey", "createdAt", sequence)
      SELECT m.id, m."shopId", m."refundId", m.version, m."fromStatus"::"RefundStatus", m."toStatus"::"RefundStatus", m.action, m."actorKind"::"ActorKind",
             m."actorRole"::"Role", m."actorName", m."actorMemberId", m.escalated, m."pastDue", m.note, m.amount, m."idempotencyKey",
             m."createdAt", r.base + row_number() OVER (PARTITION BY m."shopId" ORDER BY m.position)
        FROM mine m JOIN raised r ON r.id = m."shopId"
      RETURNING id, sequence`;
  } catch (error) {
    throw asModelUniqueViolation(error);
  }
  // A shop that does not exist raises no counter: its transitions are not written (the foreign key's case).
  if (numbered.length !== transitions.length) throw new Error(`${transitions.length - numbered.length} transition(s) name a shop that does not exist`);
  return new Map(numbered.map((row) => [row.id, row.sequence]));
}

/** A raw statement's unique violation (P2010, SQLSTATE 23505) as a model query's (P2002); anything else as it is. */
function asModelUniqueViolation(error: unknown): unknown {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== "P2010") return error;
  const cause = (error.meta?.driverAdapterError as { cause?: { kind?: string; originalCode?: string } } | undefined)?.cause;
  if (cause?.kind !== "UniqueConstraintViolation" && cause?.originalCode !== "23505") return error;
  return new Prisma.PrismaClientKnownRequestError(error.message, { code: "P2002", clientVersion: Prisma.prismaVersion.client, meta: error.meta });
}
