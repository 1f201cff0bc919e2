-- DropIndex
DROP INDEX "contacts_line_account_id_status_idx";

-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "last_approved" JSONB;

-- CreateIndex
CREATE INDEX "contacts_line_account_id_status_line_user_id_idx" ON "contacts"("line_account_id", "status", "line_user_id");

