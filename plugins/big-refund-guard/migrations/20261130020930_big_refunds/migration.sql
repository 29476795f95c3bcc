-- CreateTable
CREATE TABLE "BigRefund" (
    "refundId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BigRefund_pkey" PRIMARY KEY ("refundId")
);

-- CreateIndex
CREATE INDEX "BigRefund_shopId_createdAt_idx" ON "BigRefund"("shopId", "createdAt");
