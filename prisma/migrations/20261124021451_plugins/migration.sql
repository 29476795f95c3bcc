-- CreateEnum
CREATE TYPE "PluginDeliveryStatus" AS ENUM ('PENDING', 'DELIVERED', 'DEAD');

-- CreateTable
CREATE TABLE "PluginSetting" (
    "shopId" TEXT NOT NULL,
    "plugin" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PluginSetting_pkey" PRIMARY KEY ("shopId","plugin")
);

-- CreateTable
CREATE TABLE "PluginDelivery" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "plugin" TEXT NOT NULL,
    "transitionId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "status" "PluginDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "availableAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "PluginDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CustomerRiskFlag" (
    "customerId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "pushedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "CustomerRiskFlag_pkey" PRIMARY KEY ("customerId")
);

-- CreateTable
CREATE TABLE "Coupon" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "refundId" TEXT,
    "kind" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "value" INTEGER NOT NULL,
    "minimumSpend" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "triggerKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Coupon_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReturnTracking" (
    "refundId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "lastEvent" TEXT,
    "lastMovementAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "exception" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReturnTracking_pkey" PRIMARY KEY ("refundId")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "transitionId" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "locale" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PluginDelivery_status_availableAt_idx" ON "PluginDelivery"("status", "availableAt");

-- CreateIndex
CREATE INDEX "PluginDelivery_shopId_status_createdAt_idx" ON "PluginDelivery"("shopId", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PluginDelivery_plugin_transitionId_key" ON "PluginDelivery"("plugin", "transitionId");

-- CreateIndex
CREATE UNIQUE INDEX "Coupon_code_key" ON "Coupon"("code");

-- CreateIndex
CREATE UNIQUE INDEX "Coupon_triggerKey_key" ON "Coupon"("triggerKey");

-- CreateIndex
CREATE INDEX "Coupon_customerId_idx" ON "Coupon"("customerId");

-- CreateIndex
CREATE INDEX "Coupon_refundId_idx" ON "Coupon"("refundId");

-- CreateIndex
CREATE INDEX "Notification_refundId_idx" ON "Notification"("refundId");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_transitionId_channel_key" ON "Notification"("transitionId", "channel");

-- CreateIndex
CREATE INDEX "ReturnShipment_trackingNumber_idx" ON "ReturnShipment"("trackingNumber");
