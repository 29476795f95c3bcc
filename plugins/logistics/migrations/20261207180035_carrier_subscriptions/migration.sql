-- CreateTable
CREATE TABLE "CarrierSubscription" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "parcel" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "company" TEXT,
    "trackingNumber" TEXT NOT NULL,
    "salt" TEXT NOT NULL,
    "mode" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "returnCode" TEXT,
    "message" TEXT,
    "lastState" TEXT,
    "lastEventAt" TIMESTAMP(3),
    "lastPolledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CarrierSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "CarrierSubscription_status_mode_idx" ON "CarrierSubscription"("status", "mode");

-- CreateIndex
CREATE UNIQUE INDEX "CarrierSubscription_refundId_parcel_key" ON "CarrierSubscription"("refundId", "parcel");
