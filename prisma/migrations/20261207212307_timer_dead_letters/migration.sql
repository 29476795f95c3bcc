-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "timeoutAttempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "timeoutDeadAt" TIMESTAMP(3),
ADD COLUMN     "timeoutLastError" TEXT,
ADD COLUMN     "timeoutRetryAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Refund_shopId_timeoutDeadAt_idx" ON "Refund"("shopId", "timeoutDeadAt");
