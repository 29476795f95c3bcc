-- AlterTable
ALTER TABLE "OrderItem" ADD COLUMN     "category" TEXT;

-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "policyOverrideCode" TEXT,
ADD COLUMN     "policyOverrideReason" TEXT,
ADD COLUMN     "returnAddress" JSONB;

-- CreateTable
CREATE TABLE "ReturnPolicy" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "category" TEXT,
    "skuPattern" TEXT,
    "noReasonDays" INTEGER,
    "qualityDays" INTEGER,
    "exemption" TEXT,
    "terms" TEXT,
    "qualityReasonCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReturnPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReturnAddress" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "province" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "district" TEXT,
    "street" TEXT NOT NULL,
    "postalCode" TEXT,
    "requirements" TEXT,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReturnAddress_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReturnPolicy_shopId_subject_key" ON "ReturnPolicy"("shopId", "subject");

-- CreateIndex
CREATE INDEX "ReturnAddress_shopId_idx" ON "ReturnAddress"("shopId");

-- AddForeignKey
ALTER TABLE "ReturnPolicy" ADD CONSTRAINT "ReturnPolicy_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReturnAddress" ADD CONSTRAINT "ReturnAddress_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
