-- AlterTable
ALTER TABLE "campaign_runs" ADD COLUMN     "ab_remainder_of_run_id" UUID;

-- An A/B test's remainder so far: its test's first run (the gate's lock kept it to one per test).
UPDATE "campaign_runs" SET "ab_remainder_of_run_id" = "ab_test_run_id" WHERE "trigger" = 'ab_remainder';

-- CreateIndex
CREATE UNIQUE INDEX "campaign_runs_ab_remainder_of_run_id_key" ON "campaign_runs"("ab_remainder_of_run_id");
