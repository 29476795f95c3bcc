-- DropIndex
DROP INDEX "Order_shopId_paidAt_idx";

-- CreateIndex
CREATE INDEX "Order_shopId_paidAt_customerId_idx" ON "Order"("shopId", "paidAt", "customerId");

-- CreateIndex
CREATE INDEX "RefundTransition_shopId_actorKind_createdAt_version_actorRo_idx" ON "RefundTransition"("shopId", "actorKind", "createdAt", "version", "actorRole", "refundId");
