-- CreateTable
CREATE TABLE "contact_imports" (
    "id" UUID NOT NULL,
    "line_account_id" UUID NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'reading',
    "rows_read" INTEGER NOT NULL DEFAULT 0,
    "rows_to_write" INTEGER,
    "rows_written" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER,
    "updated" INTEGER,
    "rejected_count" INTEGER,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "contact_imports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "contact_imports_line_account_id_started_at_idx" ON "contact_imports"("line_account_id", "started_at");

-- AddForeignKey
ALTER TABLE "contact_imports" ADD CONSTRAINT "contact_imports_line_account_id_fkey" FOREIGN KEY ("line_account_id") REFERENCES "line_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

