-- AlterTable
ALTER TABLE "usage_entries" ADD COLUMN     "line_day" DATE;

-- CreateTable
CREATE TABLE "line_delivery_days" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "day" DATE NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "line_count" INTEGER,
    "month" TEXT,
    "adjustment" INTEGER NOT NULL DEFAULT 0,
    "read_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "line_delivery_days_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "line_delivery_days_line_account_id_month_idx" ON "line_delivery_days"("line_account_id", "month");

-- CreateIndex
CREATE UNIQUE INDEX "line_delivery_days_line_account_id_kind_day_key" ON "line_delivery_days"("line_account_id", "kind", "day");

-- CreateIndex
CREATE INDEX "usage_entries_line_account_id_line_day_idx" ON "usage_entries"("line_account_id", "line_day");


-- Earlier entries: their day is the day they were settled on, in UTC+9 (settlement follows acceptance within seconds).
UPDATE "usage_entries" SET "line_day" = ("created_at" AT TIME ZONE 'Asia/Tokyo')::date WHERE "line_day" IS NULL;
