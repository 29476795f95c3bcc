-- CreateTable
CREATE TABLE "CarrierWebhookReceipt" (
    "shopId" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CarrierWebhookReceipt_pkey" PRIMARY KEY ("shopId","signature")
);

-- CreateIndex
CREATE INDEX "CarrierWebhookReceipt_receivedAt_idx" ON "CarrierWebhookReceipt"("receivedAt");
