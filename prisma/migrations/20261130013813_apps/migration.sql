-- CreateEnum
CREATE TYPE "AppPermission" AS ENUM ('READ_REFUNDS', 'READ_ORDERS', 'READ_CUSTOMERS', 'TRANSITION_REFUNDS');

-- CreateEnum
CREATE TYPE "AppEvent" AS ENUM ('REFUND_REQUESTED', 'REFUND_TRANSITIONED');

-- CreateEnum
CREATE TYPE "AppWebhookDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'DEAD');

-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "appId" TEXT;

-- CreateTable
CREATE TABLE "App" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "permissions" "AppPermission"[],
    "creatorRole" "Role" NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "App_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppWebhook" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "event" "AppEvent" NOT NULL,
    "targetUrl" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppWebhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppWebhookDelivery" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "webhookId" TEXT NOT NULL,
    "event" "AppEvent" NOT NULL,
    "transitionId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "status" "AppWebhookDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "responseStatus" INTEGER,
    "latencyMs" INTEGER,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "AppWebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "App_shopId_createdAt_idx" ON "App"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "AppWebhook_shopId_idx" ON "AppWebhook"("shopId");

-- CreateIndex
CREATE INDEX "AppWebhook_appId_idx" ON "AppWebhook"("appId");

-- CreateIndex
CREATE INDEX "AppWebhookDelivery_status_availableAt_idx" ON "AppWebhookDelivery"("status", "availableAt");

-- CreateIndex
CREATE INDEX "AppWebhookDelivery_webhookId_createdAt_idx" ON "AppWebhookDelivery"("webhookId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AppWebhookDelivery_webhookId_transitionId_key" ON "AppWebhookDelivery"("webhookId", "transitionId");

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "App" ADD CONSTRAINT "App_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppWebhook" ADD CONSTRAINT "AppWebhook_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppWebhookDelivery" ADD CONSTRAINT "AppWebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "AppWebhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;
