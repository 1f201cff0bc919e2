-- A batch's 500 LINE user ids are random hex: compressing them gains nothing and costs the budget
-- gate's snapshot (one INSERT … SELECT of every recipient) and every claim. Store them out of line,
-- uncompressed. (Storage is not part of Prisma's schema language, hence a migration of its own.)
ALTER TABLE "run_batches" ALTER COLUMN "line_user_ids" SET STORAGE EXTERNAL;
