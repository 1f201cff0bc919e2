import { Injectable } from '@nestjs/common';
import { PrismaService } from '../database/prisma.service';

/**
 * The contact-change counters (table contact_changes): how many statements have written each
 * account's contacts, as the sum of a row per writing transaction that statement triggers bump
 * inside PostgreSQL (migration contact_changes_per_transaction says why a row per transaction).
 * This repository reads the sum and folds finished transactions' rows into the account's row 0.
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

  /** The accounts with rows of transactions to fold. */
  async accountsToCompact(): Promise<string[]> {
    const { rows } = await this.prisma.pool.query<{ id: string }>(
      `SELECT DISTINCT line_account_id AS id FROM contact_changes WHERE xact <> 0`,
    );
    return rows.map(({ id }) => id);
  }

  /**
   * Folds the account's rows of finished transactions into its row 0, in one statement: the sum
   * every snapshot reads stays the same (a reader sees the rows or their fold, never both). It
   * waits for no writer: a running transaction's row is invisible to it, and rows or an account
   * that another statement has locked (another instance folding the same rows, the account being
   * deleted) are skipped, left for the next time; only another fold of the same account, writing
   * row 0, is waited for. The account's key-share lock comes first, so an account's delete waits
   * for the fold instead of the fold waiting inside the delete's cascade. (A REPEATABLE READ delete
   * whose snapshot is older than the fold is refused with 40001: see the migration.) Returns how
   * many rows were folded.
   */
  async compact(lineAccountId: string): Promise<number> {
    const { rows } = await this.prisma.pool.query<{ folded: number }>(
      `WITH account AS (
         SELECT id FROM line_accounts WHERE id = $1::uuid FOR KEY SHARE SKIP LOCKED),
       finished AS (
         SELECT c.ctid FROM contact_changes c JOIN account a ON a.id = c.line_account_id
          WHERE c.xact <> 0 FOR UPDATE OF c SKIP LOCKED),
       folded AS (
         DELETE FROM contact_changes c USING finished f WHERE c.ctid = f.ctid RETURNING c.seq),
       added AS (
         INSERT INTO contact_changes AS cc (line_account_id, xact, seq)
         SELECT $1::uuid, 0, sum(seq) FROM folded HAVING count(*) > 0
         ON CONFLICT (line_account_id, xact) DO UPDATE SET seq = cc.seq + EXCLUDED.seq)
       SELECT count(*)::int AS folded FROM folded`,
      [lineAccountId],
    );
    return rows[0].folded;
  }
}
