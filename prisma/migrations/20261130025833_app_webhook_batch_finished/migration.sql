-- AlterEnum
ALTER TYPE "AppEvent" ADD VALUE 'REFUND_BATCH_FINISHED';

-- AlterTable
ALTER TABLE "AppWebhookDelivery" ADD COLUMN     "batchId" TEXT,
ALTER COLUMN "transitionId" DROP NOT NULL,
ALTER COLUMN "refundId" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "AppWebhookDelivery_webhookId_batchId_key" ON "AppWebhookDelivery"("webhookId", "batchId");
