-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'marketer', 'approver');

-- CreateEnum
CREATE TYPE "ContactStatus" AS ENUM ('following', 'blocked', 'unfollowed');

-- CreateEnum
CREATE TYPE "ReservationStatus" AS ENUM ('held', 'settled', 'released');

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

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_line_account_id_fkey" FOREIGN KEY ("line_account_id") REFERENCES "line_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_months" ADD CONSTRAINT "account_months_line_account_id_fkey" FOREIGN KEY ("line_account_id") REFERENCES "line_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

