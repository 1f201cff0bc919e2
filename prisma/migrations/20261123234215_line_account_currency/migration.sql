-- AlterTable
ALTER TABLE "line_accounts" ADD COLUMN     "currency" TEXT NOT NULL DEFAULT 'TWD';


-- Existing accounts take the currency of their region's rate cards (the defaults: TW in TWD, JP in JPY).
UPDATE "line_accounts" a
   SET "currency" = c."currency"
  FROM (SELECT DISTINCT ON ("region") "region", "currency" FROM "rate_cards" ORDER BY "region", "effective_from" DESC, "created_at" DESC) c
 WHERE c."region" = a."region";
