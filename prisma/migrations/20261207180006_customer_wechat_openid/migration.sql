-- AlterTable
ALTER TABLE "Customer" ADD COLUMN     "wechatOpenId" TEXT;
