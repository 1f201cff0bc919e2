-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "defer_priority_attribute" TEXT,
ADD COLUMN     "defer_priority_order" TEXT;

