-- AlterTable
ALTER TABLE "campaign_runs" ADD COLUMN     "aggregation_unit" TEXT,
ADD COLUMN     "results_read_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "aggregation_unit_months" (
    "line_account_id" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "allocated" INTEGER NOT NULL DEFAULT 0,
    "line_used" INTEGER,
    "line_read_at" TIMESTAMPTZ(3),
    "allocated_since_reading" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "aggregation_unit_months_pkey" PRIMARY KEY ("line_account_id","month")
);

-- CreateTable
CREATE TABLE "line_rate_windows" (
    "line_account_id" UUID NOT NULL,
    "endpoint" TEXT NOT NULL,
    "calls" TIMESTAMPTZ(3)[] DEFAULT ARRAY[]::TIMESTAMPTZ(3)[],

    CONSTRAINT "line_rate_windows_pkey" PRIMARY KEY ("line_account_id","endpoint")
);

-- CreateTable
CREATE TABLE "run_result_readings" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "aggregation_unit" TEXT NOT NULL,
    "read_at" TIMESTAMPTZ(3) NOT NULL,
    "from_date" TEXT NOT NULL,
    "to_date" TEXT NOT NULL,
    "unique_impression" INTEGER,
    "unique_click" INTEGER,
    "unique_media_played" INTEGER,
    "unique_media_played_100_percent" INTEGER,

    CONSTRAINT "run_result_readings_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "run_result_readings_run_id_read_at_idx" ON "run_result_readings"("run_id", "read_at");

-- CreateIndex
CREATE INDEX "run_result_readings_campaign_id_read_at_idx" ON "run_result_readings"("campaign_id", "read_at");

-- CreateIndex
CREATE INDEX "campaign_runs_line_account_id_results_read_at_idx" ON "campaign_runs"("line_account_id", "results_read_at");

