-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "firstStaffResponseAt" TIMESTAMP(3),
ADD COLUMN     "personActed" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "repeatRequest" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "repurchased" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "OrderPaidHour" (
    "shopId" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "orders" INTEGER NOT NULL,

    CONSTRAINT "OrderPaidHour_pkey" PRIMARY KEY ("shopId","hour")
);

-- CreateIndex
CREATE INDEX "Refund_shopId_createdAt_resolvedAt_personActed_firstStaffRe_idx" ON "Refund"("shopId", "createdAt", "resolvedAt", "personActed", "firstStaffResponseAt", "repeatRequest", "repurchased", "refundedAmount", "reasonTagId");

-- Backfill: the facts and hourly order counts of the history already stored, as
-- rebuildRefundMetricsFacts (src/services/refund-metrics-facts.ts) derives them.
UPDATE "Refund" r
   SET "personActed" = f.person_acted, "firstStaffResponseAt" = f.first_staff_at, "repeatRequest" = f.repeat, "repurchased" = f.repurchased
  FROM (
    SELECT e.id,
           EXISTS (SELECT 1 FROM "RefundTransition" t WHERE t."refundId" = e.id AND t.version > 1 AND t."actorKind" = 'USER') AS person_acted,
           (SELECT min(t."createdAt") FROM "RefundTransition" t
             WHERE t."refundId" = e.id AND t.version > 1 AND t."actorKind" = 'USER' AND t."actorRole" <> 'CUSTOMER') AS first_staff_at,
           COALESCE(lag(e."createdAt") OVER (PARTITION BY e."customerId" ORDER BY e."createdAt", e.id) >= e."createdAt" - interval '30 days', false) AS repeat,
           e."resolvedAt" IS NOT NULL AND EXISTS (SELECT 1 FROM "Order" o WHERE o."customerId" = e."customerId"
                                                    AND o."paidAt" > e."resolvedAt" AND o."paidAt" <= e."resolvedAt" + interval '30 days') AS repurchased
      FROM "Refund" e
  ) f
 WHERE r.id = f.id;

INSERT INTO "OrderPaidHour" ("shopId", hour, orders)
SELECT "shopId", date_trunc('hour', "paidAt"), count(*)::int FROM "Order" GROUP BY 1, 2;
