-- AlterTable
ALTER TABLE "line_accounts" ADD COLUMN     "frequency_cap_days" INTEGER,
ADD COLUMN     "frequency_cap_messages" INTEGER;

-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "frequency_cap" TEXT NOT NULL DEFAULT 'account',
ADD COLUMN     "frequency_cap_days" INTEGER,
ADD COLUMN     "frequency_cap_messages" INTEGER;

-- AlterTable
ALTER TABLE "campaign_runs" ADD COLUMN     "frequency_capped" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "delivery_history" (
    "run_id" UUID NOT NULL,
    "batch_no" INTEGER NOT NULL,
    "line_account_id" UUID NOT NULL,
    "reserved_at" TIMESTAMPTZ(3) NOT NULL,
    "line_user_ids" TEXT[],

    CONSTRAINT "delivery_history_pkey" PRIMARY KEY ("run_id","batch_no")
);

-- CreateIndex
CREATE INDEX "delivery_history_line_account_id_reserved_at_idx" ON "delivery_history"("line_account_id", "reserved_at");

-- CreateIndex
CREATE INDEX "delivery_history_reserved_at_idx" ON "delivery_history"("reserved_at");


-- Not expressible in schema.prisma: batches of LINE user ids (hex digits) barely compress, and pglz
-- compressing them cost the gate more than writing them; stored out of line, uncompressed.
ALTER TABLE "delivery_history" ALTER COLUMN "line_user_ids" SET STORAGE EXTERNAL;
-- The same for the gate's batches: their snapshot and every claim read and write these arrays.
ALTER TABLE "run_batches" ALTER COLUMN "line_user_ids" SET STORAGE EXTERNAL;
