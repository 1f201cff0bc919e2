-- CreateTable
CREATE TABLE "contact_changes" (
    "line_account_id" UUID NOT NULL,
    "seq" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "contact_changes_pkey" PRIMARY KEY ("line_account_id")
);

-- AddForeignKey
ALTER TABLE "contact_changes" ADD CONSTRAINT "contact_changes_line_account_id_fkey" FOREIGN KEY ("line_account_id") REFERENCES "line_accounts"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Each statement that writes contacts bumps its accounts' counter once, in its own transaction (so a
-- reader sees the counter move exactly when it can see the rows it counts). Accounts in id order, so
-- two statements writing the same accounts lock their counters in the same order.
CREATE FUNCTION "contacts_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "contact_changes" AS cc ("line_account_id", "seq")
    SELECT DISTINCT changed."line_account_id", 1 FROM changed
     -- An account being deleted (its contacts going with it) keeps no counter.
     WHERE EXISTS (SELECT 1 FROM "line_accounts" a WHERE a."id" = changed."line_account_id")
     ORDER BY 1
  ON CONFLICT ("line_account_id") DO UPDATE SET "seq" = cc."seq" + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER "contacts_inserted" AFTER INSERT ON "contacts"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "contacts_changed"();
CREATE TRIGGER "contacts_updated" AFTER UPDATE ON "contacts"
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "contacts_changed"();
CREATE TRIGGER "contacts_deleted" AFTER DELETE ON "contacts"
  REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION "contacts_changed"();

-- TRUNCATE has no rows to look at: every account's counter moves (a row made for those without one).
CREATE FUNCTION "contacts_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "contact_changes" AS cc ("line_account_id", "seq")
    SELECT "id", 1 FROM "line_accounts" ORDER BY 1
  ON CONFLICT ("line_account_id") DO UPDATE SET "seq" = cc."seq" + 1;
  RETURN NULL;
END $$;

CREATE TRIGGER "contacts_truncated" AFTER TRUNCATE ON "contacts"
  FOR EACH STATEMENT EXECUTE FUNCTION "contacts_truncated"();
