-- delivery_history: one row per run and bucket of its recipients (256 buckets by a hash of the LINE
-- user id, the expression deliveryBucketSql writes) instead of one per batch, so that counting a
-- window aggregates one bucket at a time. The rows written so far are regrouped: same runs, same
-- times, same ids.
CREATE TEMP TABLE "delivery_history_regrouped" ON COMMIT DROP AS
  SELECT h."run_id", (hashtextextended(u.id, 0) & 255)::int AS "bucket", min(h."line_account_id"::text)::uuid AS "line_account_id",
         max(h."reserved_at") AS "reserved_at", array_agg(u.id) AS "line_user_ids"
    FROM "delivery_history" h CROSS JOIN LATERAL unnest(h."line_user_ids") AS u(id)
   GROUP BY h."run_id", 2;
DELETE FROM "delivery_history";

-- DropIndex
DROP INDEX "delivery_history_line_account_id_reserved_at_idx";

-- AlterTable
ALTER TABLE "delivery_history" DROP CONSTRAINT "delivery_history_pkey",
DROP COLUMN "batch_no",
ADD COLUMN     "bucket" INTEGER NOT NULL,
ADD CONSTRAINT "delivery_history_pkey" PRIMARY KEY ("run_id", "bucket");

-- CreateIndex
CREATE INDEX "delivery_history_line_account_id_bucket_reserved_at_idx" ON "delivery_history"("line_account_id", "bucket", "reserved_at");

INSERT INTO "delivery_history" ("run_id", "bucket", "line_account_id", "reserved_at", "line_user_ids")
  SELECT "run_id", "bucket", "line_account_id", "reserved_at", "line_user_ids" FROM "delivery_history_regrouped";
