-- AlterTable
ALTER TABLE "contact_changes" DROP CONSTRAINT "contact_changes_pkey",
ADD COLUMN     "xact" BIGINT NOT NULL DEFAULT 0,
ADD CONSTRAINT "contact_changes_pkey" PRIMARY KEY ("line_account_id", "xact");


-- Each transaction that writes an account's contacts bumps a row of its own (xact: its transaction
-- id), no longer the account's one row. With one row, the first statement of a long import locked
-- the account's counter until commit, and any other writer that had locked a contact the import
-- had yet to write (a webhook's update, another import's chunk) then waited for the counter while
-- the import waited for that contact: a deadlock, which PostgreSQL resolved by failing one of them.
-- Now no writer waits for another's counter: the row a statement inserts or bumps is its own
-- transaction's. Readers take the sum of the account's rows, which moves exactly when a count of
-- the account's contacts can see another write (a snapshot that sees a transaction sees its row).
-- The rows of finished transactions are folded into the account's xact 0 row, sum unchanged
-- (ContactChangesRepository.compact, every minute). Subtransactions (an import's savepoints) share
-- their top transaction's id, so one import is one row however many chunks it writes.
-- Under REPEATABLE READ an account's delete racing an insert of its contacts is still refused
-- (40001) by the counter, as migration contacts_account_check says: the delete's cascade to
-- contact_changes finds a row changed after the delete's snapshot (the insert's own row, or row 0
-- if a fold has taken it in), where it found the account's one row updated
-- (test/contacts-account-check.e2e-spec.ts runs both races). A fold of the account's rows after a
-- REPEATABLE READ delete's snapshot refuses that delete the same way, with nothing raced: retry it
-- (the service itself deletes no account). Each writing transaction's row takes a key-share lock on
-- its account (the foreign key's check), which holds off only the account's delete or a change of
-- its id (refused anyway) until the transaction ends.
CREATE OR REPLACE FUNCTION "contacts_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "contact_changes" AS cc ("line_account_id", "xact", "seq")
    SELECT DISTINCT changed."line_account_id", pg_current_xact_id()::text::bigint, 1 FROM changed
     -- An account being deleted (its contacts going with it) keeps no counter.
     WHERE EXISTS (SELECT 1 FROM "line_accounts" a WHERE a."id" = changed."line_account_id")
  ON CONFLICT ("line_account_id", "xact") DO UPDATE SET "seq" = cc."seq" + 1;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "contacts_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "contact_changes" AS cc ("line_account_id", "xact", "seq")
    SELECT "id", pg_current_xact_id()::text::bigint, 1 FROM "line_accounts"
  ON CONFLICT ("line_account_id", "xact") DO UPDATE SET "seq" = cc."seq" + 1;
  RETURN NULL;
END $$;
