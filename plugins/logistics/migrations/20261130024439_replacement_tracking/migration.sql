-- CreateTable
CREATE TABLE "ReplacementTracking" (
    "refundId" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "lastEvent" TEXT,
    "lastMovementAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReplacementTracking_pkey" PRIMARY KEY ("refundId")
);
