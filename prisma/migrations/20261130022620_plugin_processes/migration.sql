-- CreateTable
CREATE TABLE "PluginProcess" (
    "id" TEXT NOT NULL,
    "plugins" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "heartbeatAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PluginProcess_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PluginProcess_heartbeatAt_idx" ON "PluginProcess"("heartbeatAt");
