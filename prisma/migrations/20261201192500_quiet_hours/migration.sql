-- AlterTable
ALTER TABLE "line_accounts" ADD COLUMN     "quiet_checked_at" TIMESTAMPTZ(3),
ADD COLUMN     "quiet_hours_end" TEXT,
ADD COLUMN     "quiet_hours_start" TEXT,
ADD COLUMN     "quiet_window_end" TIMESTAMPTZ(3),
ADD COLUMN     "quiet_window_start" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "campaign_runs" ADD COLUMN     "quiet_hours_override" BOOLEAN NOT NULL DEFAULT false;

