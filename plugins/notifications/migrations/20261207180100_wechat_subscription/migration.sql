-- AlterTable
ALTER TABLE "Notification" ADD COLUMN     "failureCode" TEXT,
ADD COLUMN     "payload" JSONB,
ADD COLUMN     "providerAnswer" TEXT;

-- CreateTable
CREATE TABLE "WechatAccessToken" (
    "shopId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "accessToken" TEXT,
    "expiresAt" TIMESTAMP(3),
    "fetchingUntil" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WechatAccessToken_pkey" PRIMARY KEY ("shopId")
);
