-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'marketer', 'approver');

-- CreateEnum
CREATE TYPE "ContactStatus" AS ENUM ('following', 'blocked', 'unfollowed');

-- CreateEnum
CREATE TYPE "ReservationStatus" AS ENUM ('held', 'settled', 'released');

-- CreateEnum
CREATE TYPE "CampaignStatus" AS ENUM ('draft', 'pending_approval', 'approved', 'sending', 'paused', 'completed', 'cancelled', 'blocked', 'failed');

-- CreateEnum
CREATE TYPE "CampaignRunStatus" AS ENUM ('scheduled', 'sending', 'completed', 'partial', 'blocked', 'failed', 'cancelled', 'paused');

-- CreateEnum
CREATE TYPE "RunBatchStatus" AS ENUM ('pending', 'sending', 'accepted', 'failed', 'released');

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "line_accounts" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "channel_id" TEXT NOT NULL,
    "channel_access_token" TEXT NOT NULL,
    "channel_secret" TEXT NOT NULL,
    "region" TEXT NOT NULL DEFAULT 'TW',
    "plan" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'Asia/Taipei',
    "monthly_budget" DECIMAL(18,4) NOT NULL,
    "additional_message_cap" INTEGER,
    "other_push_headroom" INTEGER NOT NULL DEFAULT 0,
    "api_base_url" TEXT,
    "is_sandbox" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "line_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contacts" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "line_user_id" TEXT NOT NULL,
    "display_name" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "attributes" JSONB NOT NULL DEFAULT '{}',
    "status" "ContactStatus" NOT NULL DEFAULT 'following',
    "followed_at" TIMESTAMPTZ(3),
    "last_interaction_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_cards" (
    "id" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "monthly_fee" DECIMAL(18,4) NOT NULL,
    "free_messages" INTEGER NOT NULL,
    "additional_allowed" BOOLEAN NOT NULL,
    "tiers" JSONB NOT NULL,
    "effective_from" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "verified" BOOLEAN NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rate_cards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account_months" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "used_messages" INTEGER NOT NULL DEFAULT 0,
    "paid_messages" INTEGER NOT NULL DEFAULT 0,
    "spend" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "reserved_messages" INTEGER NOT NULL DEFAULT 0,
    "reserved_cost" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "line_quota_type" TEXT,
    "line_quota_value" INTEGER,
    "line_consumption" INTEGER,
    "line_reading_at" TIMESTAMPTZ(3),
    "sent_since_reading" INTEGER NOT NULL DEFAULT 0,
    "last_sync_error" TEXT,
    "last_sync_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_months_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reservations" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "status" "ReservationStatus" NOT NULL DEFAULT 'held',
    "messages" INTEGER NOT NULL,
    "free_messages" INTEGER NOT NULL,
    "paid_from" INTEGER NOT NULL,
    "cost" DECIMAL(18,4) NOT NULL,
    "settled_messages" INTEGER NOT NULL DEFAULT 0,
    "settled_cost" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "rate_card_id" UUID NOT NULL,
    "forecast_id" UUID,
    "campaign_id" UUID,
    "run_id" UUID,
    "label" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reservations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "usage_entries" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "messages" INTEGER NOT NULL,
    "paid_messages" INTEGER NOT NULL,
    "cost" DECIMAL(18,4) NOT NULL,
    "reservation_id" UUID,
    "campaign_id" UUID,
    "run_id" UUID,
    "line_request_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_entries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "forecasts" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "campaign_id" UUID,
    "purpose" TEXT NOT NULL,
    "month" TEXT NOT NULL,
    "verdict" TEXT NOT NULL,
    "rate_card_id" UUID NOT NULL,
    "inputs" JSONB NOT NULL,
    "result" JSONB NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "forecasts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audiences" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "definition" JSONB NOT NULL,
    "referenced_audience_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by_id" UUID,
    "updated_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "audiences_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaigns" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "audience_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "messages" JSONB NOT NULL,
    "schedule_at" TIMESTAMPTZ(3),
    "schedule_cron" TEXT,
    "schedule_timezone" TEXT,
    "schedule_until" TIMESTAMPTZ(3),
    "max_recipients" INTEGER,
    "cost_cap" DECIMAL(18,4),
    "over_budget_policy" TEXT NOT NULL DEFAULT 'block',
    "status" "CampaignStatus" NOT NULL DEFAULT 'draft',
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by_id" UUID NOT NULL,
    "last_edited_by_id" UUID NOT NULL,
    "submitted_by_id" UUID,
    "submitted_at" TIMESTAMPTZ(3),
    "submission_forecast_id" UUID,
    "approved_by_id" UUID,
    "approved_at" TIMESTAMPTZ(3),
    "approval_comment" TEXT,
    "approved_version" INTEGER,
    "approved_forecast_id" UUID,
    "approved_recipients" INTEGER,
    "approved_messages" INTEGER,
    "approved_cost" DECIMAL(18,4),
    "rejected_by_id" UUID,
    "rejected_at" TIMESTAMPTZ(3),
    "rejection_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "campaign_runs" (
    "id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "status" "CampaignRunStatus" NOT NULL DEFAULT 'scheduled',
    "trigger" TEXT NOT NULL DEFAULT 'schedule',
    "triggered_by_id" UUID,
    "scheduled_at" TIMESTAMPTZ(3) NOT NULL,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "campaign_version" INTEGER NOT NULL,
    "approved_forecast_id" UUID,
    "approved_recipients" INTEGER NOT NULL,
    "approved_messages" INTEGER NOT NULL,
    "approved_cost" DECIMAL(18,4) NOT NULL,
    "forecast_id" UUID,
    "reservation_id" UUID,
    "reserved_messages" INTEGER NOT NULL DEFAULT 0,
    "reserved_cost" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "block_reasons" JSONB NOT NULL DEFAULT '[]',
    "stop_requested" TEXT,
    "recipients" INTEGER NOT NULL DEFAULT 0,
    "batches" INTEGER NOT NULL DEFAULT 0,
    "batches_done" INTEGER NOT NULL DEFAULT 0,
    "delivered" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "actual_messages" INTEGER NOT NULL DEFAULT 0,
    "actual_cost" DECIMAL(18,4) NOT NULL DEFAULT 0,
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_events" (
    "line_account_id" UUID NOT NULL,
    "webhook_event_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_events_pkey" PRIMARY KEY ("line_account_id","webhook_event_id")
);

-- CreateTable
CREATE TABLE "run_batches" (
    "id" UUID NOT NULL,
    "run_id" UUID NOT NULL,
    "batch_no" INTEGER NOT NULL,
    "recipients" INTEGER NOT NULL,
    "line_user_ids" TEXT[],
    "retry_key" UUID NOT NULL,
    "status" "RunBatchStatus" NOT NULL DEFAULT 'pending',
    "requests_done" INTEGER NOT NULL DEFAULT 0,
    "settled_requests" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    "line_request_ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "error" JSONB,
    "sent_by" TEXT,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "run_batches_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "line_accounts_channel_id_key" ON "line_accounts"("channel_id");

-- CreateIndex
CREATE INDEX "audit_events_entity_type_entity_id_created_at_idx" ON "audit_events"("entity_type", "entity_id", "created_at");

-- CreateIndex
CREATE INDEX "contacts_line_account_id_status_idx" ON "contacts"("line_account_id", "status");

-- CreateIndex
CREATE INDEX "contacts_tags_idx" ON "contacts" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "contacts_attributes_idx" ON "contacts" USING GIN ("attributes" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "contacts_line_account_id_followed_at_idx" ON "contacts"("line_account_id", "followed_at");

-- CreateIndex
CREATE INDEX "contacts_line_account_id_last_interaction_at_idx" ON "contacts"("line_account_id", "last_interaction_at");

-- CreateIndex
CREATE UNIQUE INDEX "contacts_line_account_id_line_user_id_key" ON "contacts"("line_account_id", "line_user_id");

-- CreateIndex
CREATE INDEX "rate_cards_region_plan_effective_from_idx" ON "rate_cards"("region", "plan", "effective_from");

-- CreateIndex
CREATE UNIQUE INDEX "rate_cards_region_plan_effective_from_source_key" ON "rate_cards"("region", "plan", "effective_from", "source");

-- CreateIndex
CREATE UNIQUE INDEX "account_months_line_account_id_month_key" ON "account_months"("line_account_id", "month");

-- CreateIndex
CREATE INDEX "reservations_line_account_id_month_status_idx" ON "reservations"("line_account_id", "month", "status");

-- CreateIndex
CREATE INDEX "usage_entries_line_account_id_month_idx" ON "usage_entries"("line_account_id", "month");

-- CreateIndex
CREATE INDEX "usage_entries_campaign_id_idx" ON "usage_entries"("campaign_id");

-- CreateIndex
CREATE INDEX "forecasts_line_account_id_created_at_idx" ON "forecasts"("line_account_id", "created_at");

-- CreateIndex
CREATE INDEX "forecasts_campaign_id_created_at_idx" ON "forecasts"("campaign_id", "created_at");

-- CreateIndex
CREATE INDEX "audiences_line_account_id_created_at_idx" ON "audiences"("line_account_id", "created_at");

-- CreateIndex
CREATE INDEX "campaigns_line_account_id_status_idx" ON "campaigns"("line_account_id", "status");

-- CreateIndex
CREATE INDEX "campaigns_audience_id_status_idx" ON "campaigns"("audience_id", "status");

-- CreateIndex
CREATE INDEX "campaigns_status_created_at_idx" ON "campaigns"("status", "created_at");

-- CreateIndex
CREATE INDEX "campaign_runs_status_scheduled_at_idx" ON "campaign_runs"("status", "scheduled_at");

-- CreateIndex
CREATE INDEX "campaign_runs_campaign_id_created_at_idx" ON "campaign_runs"("campaign_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_runs_campaign_id_campaign_version_scheduled_at_key" ON "campaign_runs"("campaign_id", "campaign_version", "scheduled_at");

-- CreateIndex
CREATE INDEX "run_batches_status_next_attempt_at_idx" ON "run_batches"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "run_batches_run_id_batch_no_key" ON "run_batches"("run_id", "batch_no");

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_line_account_id_fkey" FOREIGN KEY ("line_account_id") REFERENCES "line_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_months" ADD CONSTRAINT "account_months_line_account_id_fkey" FOREIGN KEY ("line_account_id") REFERENCES "line_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audiences" ADD CONSTRAINT "audiences_line_account_id_fkey" FOREIGN KEY ("line_account_id") REFERENCES "line_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "campaign_runs" ADD CONSTRAINT "campaign_runs_campaign_id_fkey" FOREIGN KEY ("campaign_id") REFERENCES "campaigns"("id") ON DELETE CASCADE ON UPDATE CASCADE;

