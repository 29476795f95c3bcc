-- CreateEnum
CREATE TYPE "AppCheckFailurePolicy" AS ENUM ('CONTINUE', 'HOLD');

-- CreateEnum
CREATE TYPE "AppCheckDecision" AS ENUM ('CONTINUE', 'VETO', 'HOLD');

-- CreateEnum
CREATE TYPE "AppCheckOutcome" AS ENUM ('CONTINUE', 'VETO', 'HOLD', 'TIMEOUT', 'NETWORK_ERROR', 'BAD_STATUS', 'BAD_ANSWER', 'CIRCUIT_OPEN');

-- CreateTable
CREATE TABLE "AppCheck" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "actions" TEXT[],
    "targetUrl" TEXT NOT NULL,
    "timeoutMs" INTEGER NOT NULL,
    "onFailure" "AppCheckFailurePolicy" NOT NULL,
    "secret" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppCheck_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppCheckCall" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "checkId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "outcome" "AppCheckOutcome" NOT NULL,
    "applied" "AppCheckDecision" NOT NULL,
    "httpStatus" INTEGER,
    "latencyMs" INTEGER,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppCheckCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AppCheck_shopId_idx" ON "AppCheck"("shopId");

-- CreateIndex
CREATE INDEX "AppCheck_appId_idx" ON "AppCheck"("appId");

-- CreateIndex
CREATE INDEX "AppCheckCall_checkId_createdAt_idx" ON "AppCheckCall"("checkId", "createdAt");

-- AddForeignKey
ALTER TABLE "AppCheck" ADD CONSTRAINT "AppCheck_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AppCheckCall" ADD CONSTRAINT "AppCheckCall_checkId_fkey" FOREIGN KEY ("checkId") REFERENCES "AppCheck"("id") ON DELETE CASCADE ON UPDATE CASCADE;
