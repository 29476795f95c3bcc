import type { Database } from "../db/database.js";
import { utc } from "../db/sql.js";
import type { Tx } from "../db/tx.js";
import { Prisma } from "../generated/prisma/client.js";
import { FOLLOW_UP_DAYS } from "./refund-metrics.js";

/**
 * What refundMetrics reads instead of joining a period's refunds with every transition, refund
 * and order around them (too slow over 90 days of a large shop): per-refund facts on the Refund
 * row (personActed, firstStaffResponseAt, repeatRequest, repurchased) and the shop's orders per
 * UTC hour (OrderPaidHour). The writers keep them:
 * - changeRefunds sets personActed / firstStaffResponseAt in the version-checked update it sends
 *   anyway, and `repurchased` when the refund ends (from the refund read): 0 statements more per
 *   transition;
 * - requestRefund reads `repeatRequest` with the order's refunds it reads anyway: 0 more;
 * - upsertOrder counts the order in its hour and sets `repurchased` of the customer's ended
 *   refunds: 1 statement more per order written (not on the transition path).
 * Anything that writes history in bulk (the demo seeder, the benchmark, tests writing back-dated
 * rows) calls rebuildRefundMetricsFacts afterwards, which derives all of it from the base rows.
 * Known gaps, both repaired by a rebuild: a request is a repeat of the customer's earlier ones
 * as they stand when it is made, so of two requests of one customer stamped in the same
 * millisecond the one with the greater id is not marked; and see recordOrderPaid's race.
 */

const WINDOW = Prisma.raw(`interval '${FOLLOW_UP_DAYS} days'`);

/** Whether a refund that ended at `resolvedAt` counts as repurchased, given its customer's first order paid after it. */
export function repurchasedBy(resolvedAt: Date, nextOrderAt: Date | null): boolean {
  return nextOrderAt !== null && nextOrderAt.getTime() > resolvedAt.getTime() && nextOrderAt.getTime() <= resolvedAt.getTime() + FOLLOW_UP_DAYS * 86_400_000;
}

/**
 * upsertOrder's part, in its transaction, once the order is written: the order moves into the
 * hour of its `paidAt` (out of the previous one when an update changed it), and the customer's
 * ended refunds have `repurchased` recomputed from their orders as they now are. One statement.
 * (A refund ending in a transaction that overlaps this one sees neither the other's order nor
 * is seen by it: in that rare race `repurchased` stays false until a rebuild.)
 */
export async function recordOrderPaid(tx: Tx, order: { shopId: string; customerId: string; paidAt: Date }, previousPaidAt: Date | null): Promise<void> {
  if (previousPaidAt && previousPaidAt.getTime() === order.paidAt.getTime()) return;
  const count = (at: Date, delta: number) => Prisma.sql`(${order.shopId}, date_trunc('hour', ${utc(at)}), ${delta}::int)`;
  // A move within one hour changes no count (and two rows for one hour would make ON CONFLICT update a row twice).
  const hours = !previousPaidAt ? [count(order.paidAt, 1)] : hourOf(previousPaidAt) === hourOf(order.paidAt) ? [] : [count(order.paidAt, 1), count(previousPaidAt, -1)];
  await tx.$executeRaw`
    WITH repurchases AS (
      UPDATE "Refund" r SET "repurchased" = f.repurchased
        FROM (SELECT e.id, EXISTS (SELECT 1 FROM "Order" o WHERE o."customerId" = e."customerId"
                                     AND o."paidAt" > e."resolvedAt" AND o."paidAt" <= e."resolvedAt" + ${WINDOW}) AS repurchased
                FROM "Refund" e WHERE e."customerId" = ${order.customerId} AND e."resolvedAt" IS NOT NULL) f
       WHERE r.id = f.id AND r."repurchased" <> f.repurchased
      RETURNING 1
    )
    ${hours.length === 0 ? Prisma.sql`SELECT count(*) FROM repurchases` : Prisma.sql`
    INSERT INTO "OrderPaidHour" ("shopId", hour, orders) VALUES ${Prisma.join(hours)}
    ON CONFLICT ("shopId", hour) DO UPDATE SET orders = "OrderPaidHour".orders + excluded.orders`}`;
}

function hourOf(at: Date): number {
  return Math.floor(at.getTime() / 3_600_000);
}

/**
 * Derives every refundMetrics fact of a shop (or of all shops) from the base rows, replacing
 * what is stored: for bulk writers, and the reference the maintained facts are tested against.
 */
export async function rebuildRefundMetricsFacts(db: Database, shopId: string | null = null): Promise<void> {
  const shop = (column: Prisma.Sql) => (shopId === null ? Prisma.sql`TRUE` : Prisma.sql`${column} = ${shopId}`);
  // One statement, atomic by itself, however long a large shop takes (an interactive transaction would time out).
  await db.prisma.$executeRaw`
      UPDATE "Refund" r
         SET "personActed" = f.person_acted, "firstStaffResponseAt" = f.first_staff_at, "repeatRequest" = f.repeat, "repurchased" = f.repurchased
        FROM (
          SELECT e.id,
                 EXISTS (SELECT 1 FROM "RefundTransition" t WHERE t."refundId" = e.id AND t.version > 1 AND t."actorKind" = 'USER') AS person_acted,
                 (SELECT min(t."createdAt") FROM "RefundTransition" t
                   WHERE t."refundId" = e.id AND t.version > 1 AND t."actorKind" = 'USER' AND t."actorRole" <> 'CUSTOMER') AS first_staff_at,
                 -- The customer's previous request (by createdAt, then id) came less than 30 days before.
                 COALESCE(lag(e."createdAt") OVER (PARTITION BY e."customerId" ORDER BY e."createdAt", e.id) >= e."createdAt" - ${WINDOW}, false) AS repeat,
                 e."resolvedAt" IS NOT NULL AND EXISTS (SELECT 1 FROM "Order" o WHERE o."customerId" = e."customerId"
                                                          AND o."paidAt" > e."resolvedAt" AND o."paidAt" <= e."resolvedAt" + ${WINDOW}) AS repurchased
            FROM "Refund" e WHERE ${shop(Prisma.sql`e."shopId"`)}
        ) f
       WHERE r.id = f.id
         AND (r."personActed", r."firstStaffResponseAt", r."repeatRequest", r."repurchased") IS DISTINCT FROM (f.person_acted, f.first_staff_at, f.repeat, f.repurchased)`;
  // Readers see the old counts or the new ones, never none; counting millions of orders takes seconds.
  await db.prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM "OrderPaidHour" WHERE ${shop(Prisma.sql`"shopId"`)}`;
      await tx.$executeRaw`
        INSERT INTO "OrderPaidHour" ("shopId", hour, orders)
        SELECT "shopId", date_trunc('hour', "paidAt"), count(*)::int FROM "Order" WHERE ${shop(Prisma.sql`"shopId"`)} GROUP BY 1, 2`;
    },
    { maxWait: 15_000, timeout: 10 * 60_000 },
  );
}
