-- AlterTable
ALTER TABLE "campaign_runs" ADD COLUMN     "defer_seed" TEXT,
ADD COLUMN     "deferred_from_run_id" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "campaign_runs_deferred_from_run_id_key" ON "campaign_runs"("deferred_from_run_id");

