-- CreateEnum
CREATE TYPE "ApprovalOverLimit" AS ENUM ('REFUSE', 'SEND_TO_FINANCE');

-- AlterTable
ALTER TABLE "RefundTransition" ADD COLUMN     "actorMemberId" TEXT,
ADD COLUMN     "escalated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pastDue" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "careDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "overLimit" "ApprovalOverLimit" NOT NULL DEFAULT 'REFUSE';

-- CreateTable
CREATE TABLE "ApprovalLimit" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "role" "Role",
    "staffMemberId" TEXT,
    "maxAmount" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ApprovalLimit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RefundRating" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "customerId" TEXT NOT NULL,
    "score" INTEGER NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RefundRating_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ApprovalLimit_shopId_subject_key" ON "ApprovalLimit"("shopId", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "RefundRating_refundId_key" ON "RefundRating"("refundId");

-- CreateIndex
CREATE INDEX "RefundRating_shopId_createdAt_idx" ON "RefundRating"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "RefundTransition_shopId_actorMemberId_createdAt_idx" ON "RefundTransition"("shopId", "actorMemberId", "createdAt");

-- AddForeignKey
ALTER TABLE "ApprovalLimit" ADD CONSTRAINT "ApprovalLimit_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApprovalLimit" ADD CONSTRAINT "ApprovalLimit_staffMemberId_fkey" FOREIGN KEY ("staffMemberId") REFERENCES "StaffMember"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RefundRating" ADD CONSTRAINT "RefundRating_refundId_fkey" FOREIGN KEY ("refundId") REFERENCES "Refund"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
