-- AlterTable
ALTER TABLE "ReasonTag" ADD COLUMN     "archived" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "parentId" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3);

-- Hand edit: existing tags were last changed when created; then the column is NOT NULL as
-- the schema says (Prisma sets it on every write).
UPDATE "ReasonTag" SET "updatedAt" = "createdAt";
ALTER TABLE "ReasonTag" ALTER COLUMN "updatedAt" SET NOT NULL;

-- CreateIndex
CREATE INDEX "Order_shopId_paidAt_idx" ON "Order"("shopId", "paidAt");

-- CreateIndex
CREATE INDEX "ReasonTag_parentId_idx" ON "ReasonTag"("parentId");

-- AddForeignKey
ALTER TABLE "ReasonTag" ADD CONSTRAINT "ReasonTag_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "ReasonTag"("id") ON DELETE SET NULL ON UPDATE CASCADE;
