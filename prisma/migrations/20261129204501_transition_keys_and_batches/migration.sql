-- AlterTable
ALTER TABLE "RefundTransition" ADD COLUMN     "idempotencyKey" TEXT;

-- CreateTable
CREATE TABLE "RefundBatch" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "note" TEXT,
    "amount" INTEGER,
    "filter" JSONB,
    "actorRole" "Role" NOT NULL,
    "actorName" TEXT,
    "idempotencyKey" TEXT,
    "total" INTEGER NOT NULL,
    "succeeded" INTEGER NOT NULL,
    "failed" INTEGER NOT NULL,
    "amountTotal" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "failuresByCode" JSONB NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL,
    "durationMs" INTEGER NOT NULL,

    CONSTRAINT "RefundBatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RefundBatchItem" (
    "id" TEXT NOT NULL,
    "batchId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "requestedId" TEXT,
    "refundId" TEXT,
    "ok" BOOLEAN NOT NULL,
    "transitionId" TEXT,
    "errorCode" TEXT,
    "errorMessage" TEXT,
    "errorField" TEXT[],

    CONSTRAINT "RefundBatchItem_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RefundBatch_shopId_startedAt_idx" ON "RefundBatch"("shopId", "startedAt");

-- CreateIndex
CREATE UNIQUE INDEX "RefundBatch_shopId_idempotencyKey_key" ON "RefundBatch"("shopId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "RefundBatchItem_transitionId_key" ON "RefundBatchItem"("transitionId");

-- CreateIndex
CREATE INDEX "RefundBatchItem_refundId_idx" ON "RefundBatchItem"("refundId");

-- CreateIndex
CREATE UNIQUE INDEX "RefundBatchItem_batchId_position_key" ON "RefundBatchItem"("batchId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "RefundTransition_shopId_idempotencyKey_key" ON "RefundTransition"("shopId", "idempotencyKey");

-- AddForeignKey
ALTER TABLE "RefundBatch" ADD CONSTRAINT "RefundBatch_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RefundBatchItem" ADD CONSTRAINT "RefundBatchItem_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "RefundBatch"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RefundBatchItem" ADD CONSTRAINT "RefundBatchItem_refundId_fkey" FOREIGN KEY ("refundId") REFERENCES "Refund"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RefundBatchItem" ADD CONSTRAINT "RefundBatchItem_transitionId_fkey" FOREIGN KEY ("transitionId") REFERENCES "RefundTransition"("id") ON DELETE SET NULL ON UPDATE CASCADE;
