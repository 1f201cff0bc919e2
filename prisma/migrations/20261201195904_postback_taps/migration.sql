-- CreateTable
CREATE TABLE "postback_taps" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "line_user_id" TEXT NOT NULL,
    "campaign_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "webhook_event_id" TEXT NOT NULL,
    "tapped_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "postback_taps_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "postback_taps_line_account_id_line_user_id_campaign_id_tapp_idx" ON "postback_taps"("line_account_id", "line_user_id", "campaign_id", "tapped_at");

-- CreateIndex
CREATE INDEX "postback_taps_campaign_id_tapped_at_idx" ON "postback_taps"("campaign_id", "tapped_at");

-- CreateIndex
CREATE UNIQUE INDEX "postback_taps_line_account_id_webhook_event_id_key" ON "postback_taps"("line_account_id", "webhook_event_id");

