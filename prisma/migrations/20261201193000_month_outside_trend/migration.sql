-- AlterTable
ALTER TABLE "account_months" ADD COLUMN     "first_reading_at" TIMESTAMPTZ(3),
ADD COLUMN     "first_reading_outside" INTEGER;

