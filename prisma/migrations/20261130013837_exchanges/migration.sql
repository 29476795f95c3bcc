-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "RefundStatus" ADD VALUE 'AWAITING_REPLACEMENT';
ALTER TYPE "RefundStatus" ADD VALUE 'EXCHANGED';

-- AlterEnum
ALTER TYPE "RefundType" ADD VALUE 'EXCHANGE';

-- CreateTable
CREATE TABLE "ReplacementShipment" (
    "id" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "carrier" TEXT NOT NULL,
    "trackingNumber" TEXT NOT NULL,
    "shippedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReplacementShipment_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReplacementShipment_refundId_key" ON "ReplacementShipment"("refundId");

-- CreateIndex
CREATE INDEX "ReplacementShipment_trackingNumber_idx" ON "ReplacementShipment"("trackingNumber");

-- AddForeignKey
ALTER TABLE "ReplacementShipment" ADD CONSTRAINT "ReplacementShipment_refundId_fkey" FOREIGN KEY ("refundId") REFERENCES "Refund"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
