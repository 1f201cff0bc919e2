-- CreateIndex
CREATE INDEX "campaign_runs_line_account_id_created_at_idx" ON "campaign_runs"("line_account_id", "created_at");

