-- CreateTable
CREATE TABLE "PluginTaskLease" (
    "plugin" TEXT NOT NULL,
    "task" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "leasedUntil" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PluginTaskLease_pkey" PRIMARY KEY ("plugin","task")
);
