-- CreateEnum
CREATE TYPE "AutomationTrigger" AS ENUM ('REQUESTED', 'ENTERS_STATUS');

-- AlterTable
ALTER TABLE "Refund" ADD COLUMN     "nextTimeoutAction" TEXT,
ADD COLUMN     "nextTimeoutAt" TIMESTAMP(3),
ADD COLUMN     "nextTimeoutName" TEXT,
ADD COLUMN     "timeoutClaimedUntil" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AutomationRule" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "trigger" "AutomationTrigger" NOT NULL,
    "status" "RefundStatus",
    "match" TEXT NOT NULL,
    "conditions" JSONB NOT NULL,
    "action" JSONB NOT NULL,
    "priority" INTEGER NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "stopAfterMatch" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutomationRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationTimer" (
    "shopId" TEXT NOT NULL,
    "status" "RefundStatus" NOT NULL,
    "minutes" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AutomationTimer_pkey" PRIMARY KEY ("shopId","status")
);

-- CreateTable
CREATE TABLE "AutomationChange" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "subjectId" TEXT NOT NULL,
    "change" TEXT NOT NULL,
    "actorRole" "Role",
    "actorName" TEXT,
    "before" JSONB,
    "after" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutomationChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AutomationRun" (
    "id" TEXT NOT NULL,
    "shopId" TEXT NOT NULL,
    "refundId" TEXT NOT NULL,
    "ruleId" TEXT,
    "name" TEXT NOT NULL,
    "refundVersion" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "transitionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AutomationRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AutomationRule_shopId_name_key" ON "AutomationRule"("shopId", "name");

-- CreateIndex
CREATE INDEX "AutomationChange_shopId_createdAt_idx" ON "AutomationChange"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "AutomationRun_refundId_idx" ON "AutomationRun"("refundId");

-- CreateIndex
CREATE INDEX "AutomationRun_shopId_createdAt_idx" ON "AutomationRun"("shopId", "createdAt");

-- CreateIndex
CREATE INDEX "Refund_nextTimeoutAt_idx" ON "Refund"("nextTimeoutAt");

-- AddForeignKey
ALTER TABLE "AutomationRule" ADD CONSTRAINT "AutomationRule_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AutomationTimer" ADD CONSTRAINT "AutomationTimer_shopId_fkey" FOREIGN KEY ("shopId") REFERENCES "Shop"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Data: shops created before rules existed get the default rules of a new shop
-- (src/domain/automation-rules.ts DEFAULT_AUTOMATION_RULES), so their classification is
-- unchanged and visible as a rule.
INSERT INTO "AutomationRule" ("id", "shopId", "name", "trigger", "status", "match", "conditions", "action", "priority", "enabled", "stopAfterMatch", "updatedAt")
SELECT gen_random_uuid()::text, s."id", 'Unshipped: refund at once', 'REQUESTED', NULL, 'ALL',
       '[{"field":"shippingStatus","operator":"EQ","value":"NOT_SHIPPED"}]'::jsonb,
       '{"kind":"TRANSITION","refundAction":"CLASSIFY"}'::jsonb, 100, true, true, CURRENT_TIMESTAMP
FROM "Shop" s;
INSERT INTO "AutomationRule" ("id", "shopId", "name", "trigger", "status", "match", "conditions", "action", "priority", "enabled", "stopAfterMatch", "updatedAt")
SELECT gen_random_uuid()::text, s."id", 'Small amounts from good customers: approve', 'ENTERS_STATUS', 'PENDING_REVIEW', 'ALL',
       '[{"field":"amount","operator":"LT","value":5000},{"field":"refundsLast30Days","operator":"LT","value":2}]'::jsonb,
       '{"kind":"TRANSITION","refundAction":"APPROVE"}'::jsonb, 100, false, true, CURRENT_TIMESTAMP
FROM "Shop" s;
