-- AlterTable
ALTER TABLE "OrderItem" ADD COLUMN     "variants" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "RefundItem" ADD COLUMN     "exchangeSku" TEXT,
ADD COLUMN     "exchangeUnitPrice" INTEGER;
