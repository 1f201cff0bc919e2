import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/**
 * The contact-change counters (table contact_changes): how many statements have written each
 * account's contacts, as the sum of a row per writing transaction that statement triggers bump
 * inside PostgreSQL (migration contact_changes_per_transaction says why a row per transaction).
 * This repository reads the sum and folds finished transactions' rows into each account's row 0.
 */
@Injectable()
export class ContactChangesRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The account's counter as text (a bigint): '0' before its first write. */
  async changeSeq(lineAccountId: string): Promise<string> {
    const { rows } = await this.prisma.pool.query<{ seq: string }>({
      name: 'contact-changes.sum',
      text: 'SELECT coalesce(sum(seq), 0)::text AS seq FROM contact_changes WHERE line_account_id = $1::uuid',
      values: [lineAccountId],
    });
    return rows[0].seq;
  }

  /**
   * Folds the rows of finished transactions into each account's row 0 (every account's, or only
   * `lineAccountId`'s), in one statement: the sum every snapshot reads stays the same (a reader
   * sees the rows or their fold, never both). It waits for no writer: a running transaction's row
   * is invisible to it, and rows or accounts that another statement has locked (another instance
   * folding the same rows, an account being deleted) are skipped, left for the next time; only
   * another fold writing the same rows 0 is waited for, and both write them in account order. Each
   * account's key-share lock comes first, so an account's delete waits for the fold instead of the
   * fold waiting inside the delete's cascade. (A REPEATABLE READ delete whose snapshot is older
   * than the fold is refused with 40001: see the migration.) Returns how many rows were folded.
   */
  async compact(lineAccountId: string | null = null): Promise<number> {
    const { rows } = await this.prisma.pool.query<{ folded: number }>(
      `WITH account AS (
         SELECT id FROM line_accounts
          WHERE ($1::uuid IS NULL OR id = $1::uuid)
            AND id IN (SELECT line_account_id FROM contact_changes WHERE xact <> 0)
          ORDER BY id FOR KEY SHARE SKIP LOCKED),
       finished AS (
         SELECT c.ctid FROM contact_changes c JOIN account a ON a.id = c.line_account_id
          WHERE c.xact <> 0 FOR UPDATE OF c SKIP LOCKED),
       folded AS (
         DELETE FROM contact_changes c USING finished f WHERE c.ctid = f.ctid RETURNING c.line_account_id, c.seq),
       added AS (
         INSERT INTO contact_changes AS cc (line_account_id, xact, seq)
         SELECT line_account_id, 0, sum(seq) FROM folded GROUP BY line_account_id ORDER BY line_account_id
         ON CONFLICT (line_account_id, xact) DO UPDATE SET seq = cc.seq + EXCLUDED.seq)
       SELECT count(*)::int AS folded FROM folded`,
      [lineAccountId],
    );
    return rows[0].folded;
  }
}
