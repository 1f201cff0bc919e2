-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "ab_test" JSONB,
ADD COLUMN     "variants" JSONB;

-- AlterTable
ALTER TABLE "campaign_runs" ADD COLUMN     "ab_decided_at" TIMESTAMPTZ(3),
ADD COLUMN     "ab_decision" JSONB,
ADD COLUMN     "ab_seed" TEXT,
ADD COLUMN     "ab_test_run_id" UUID,
ADD COLUMN     "ab_waits" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "variant" INTEGER;

-- CreateIndex
CREATE INDEX "campaign_runs_ab_test_run_id_idx" ON "campaign_runs"("ab_test_run_id");

