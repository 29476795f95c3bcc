-- AlterTable
ALTER TABLE "RefundTransition" ADD COLUMN     "sequence" INTEGER;

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "transitionSequence" INTEGER NOT NULL DEFAULT 0;

-- The history so far, numbered per shop in the order it was written.
UPDATE "RefundTransition" t SET "sequence" = n.sequence
  FROM (SELECT id, row_number() OVER (PARTITION BY "shopId" ORDER BY "createdAt", "refundId", version)::int AS sequence FROM "RefundTransition") n
 WHERE t.id = n.id;
UPDATE "Shop" s SET "transitionSequence" = c.last
  FROM (SELECT "shopId", max("sequence") AS last FROM "RefundTransition" GROUP BY "shopId") c
 WHERE s.id = c."shopId";

-- CreateIndex
CREATE UNIQUE INDEX "RefundTransition_shopId_sequence_key" ON "RefundTransition"("shopId", "sequence");
