-- DropIndex
DROP INDEX "Order_customerId_idx";

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "industryRefundRate" DOUBLE PRECISION,
ADD COLUMN     "timeZone" TEXT NOT NULL DEFAULT 'Asia/Shanghai';

-- CreateIndex
CREATE INDEX "Order_customerId_paidAt_idx" ON "Order"("customerId", "paidAt");
