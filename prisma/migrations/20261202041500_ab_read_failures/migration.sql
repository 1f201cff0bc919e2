-- AlterTable
ALTER TABLE "campaign_runs" ADD COLUMN     "ab_read_failures" INTEGER NOT NULL DEFAULT 0;
