-- CreateEnum
CREATE TYPE "FollowersImportState" AS ENUM ('running', 'completed', 'failed');

-- CreateTable
CREATE TABLE "followers_import_jobs" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "running_account_id" UUID,
    "state" "FollowersImportState" NOT NULL DEFAULT 'running',
    "trigger" TEXT NOT NULL DEFAULT 'manual',
    "requested_by_id" UUID,
    "next_cursor" TEXT,
    "pages" INTEGER NOT NULL DEFAULT 0,
    "ids_seen" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "lease_owner" TEXT,
    "lease_expires_at" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "followers_import_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "followers_import_jobs_running_account_id_key" ON "followers_import_jobs"("running_account_id");

-- CreateIndex
CREATE INDEX "followers_import_jobs_line_account_id_started_at_idx" ON "followers_import_jobs"("line_account_id", "started_at");

-- CreateIndex
CREATE INDEX "followers_import_jobs_state_lease_expires_at_idx" ON "followers_import_jobs"("state", "lease_expires_at");

-- AddForeignKey
ALTER TABLE "followers_import_jobs" ADD CONSTRAINT "followers_import_jobs_line_account_id_fkey" FOREIGN KEY ("line_account_id") REFERENCES "line_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

