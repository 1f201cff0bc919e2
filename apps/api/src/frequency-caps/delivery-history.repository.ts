import { Injectable } from '@nestjs/common';
import { PrismaService, Transaction } from '../database/prisma.service';

/** A cap as the SQL needs it: how many sends a contact may have had since `since`. */
export interface CapWindow {
  messages: number;
  since: Date;
}

/**
 * The LINE user ids of account $<account> at their cap: `messages` or more deliveries reserved after
 * $<since>. One pass over the window's batches (a hash aggregate), so its cost follows the history
 * in the window, not the audience. For statements that join it to contacts (the gate's snapshot,
 * audience sizes).
 */
export function atCapSql(accountParam: number, sinceParam: number, messagesParam: number): string {
  return `SELECT u.line_user_id FROM delivery_history h CROSS JOIN LATERAL unnest(h.line_user_ids) AS u(line_user_id)
           WHERE h.line_account_id = $${accountParam}::uuid AND h.reserved_at > $${sinceParam}::timestamptz
           GROUP BY u.line_user_id HAVING count(*) >= $${messagesParam}::int`;
}

/**
 * The per-contact delivery history frequency caps count, one row per reserved batch. Rows are
 * written by the budget gate in its transaction, after its account's cap lock, so a gate that
 * follows sees them.
 */
@Injectable()
export class DeliveryHistoryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Serializes the gates of one account for the rest of the transaction. The month row's lock
   * already does so within a month; this one also holds across a month's boundary, where two gates
   * lock different month rows. Always taken after the month row, so the order is the same everywhere.
   */
  async lockAccount(lineAccountId: string, tx: Transaction): Promise<void> {
    await this.prisma.db(tx)
      .$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended('frequency-cap:' || ${lineAccountId}, 0))`;
  }

  /**
   * The run's batches, as the gate stored them, become its deliveries at `reservedAt`. Reads
   * run_batches (dispatch's table) in the same statement so a million ids never pass through Node.
   */
  async recordRun(runId: string, lineAccountId: string, reservedAt: Date, tx: Transaction): Promise<number> {
    return this.prisma.db(tx).$executeRaw`
      INSERT INTO delivery_history (run_id, batch_no, line_account_id, reserved_at, line_user_ids)
      SELECT b.run_id, b.batch_no, ${lineAccountId}::uuid, ${reservedAt}::timestamptz, b.line_user_ids
        FROM run_batches b WHERE b.run_id = ${runId}::uuid
      ON CONFLICT (run_id, batch_no) DO UPDATE SET reserved_at = EXCLUDED.reserved_at, line_user_ids = EXCLUDED.line_user_ids`;
  }

  /**
   * A finished run's batches that ended failed or released reached nobody: their contacts get that
   * send back.
   */
  async releaseUndelivered(runId: string, tx: Transaction): Promise<number> {
    return this.prisma.db(tx).$executeRaw`
      DELETE FROM delivery_history h USING run_batches b
       WHERE h.run_id = ${runId}::uuid AND b.run_id = h.run_id AND b.batch_no = h.batch_no
         AND b.status IN ('failed', 'released')`;
  }

  /** Deliveries before `before` can't count against any cap in force. */
  prune(before: Date): Promise<number> {
    return this.prisma.client.$executeRaw`DELETE FROM delivery_history WHERE reserved_at < ${before}::timestamptz`;
  }

  /**
   * The longest window of any cap in force, an account's or a campaign's own (reads line_accounts
   * and campaigns: the pruning needs every cap at once).
   */
  async longestWindowDays(): Promise<number | null> {
    const rows = await this.prisma.client.$queryRaw<{ days: number | null }[]>`
      SELECT greatest((SELECT max(frequency_cap_days) FROM line_accounts),
                      (SELECT max(frequency_cap_days) FROM campaigns WHERE frequency_cap = 'own'))::int AS days`;
    return rows[0].days;
  }

  /** How many deliveries one contact has had since `since` (for the console and tests). */
  async deliveriesOf(lineAccountId: string, lineUserId: string, since: Date): Promise<number> {
    const rows = await this.prisma.client.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM delivery_history
       WHERE line_account_id = ${lineAccountId}::uuid AND reserved_at > ${since}::timestamptz
         AND ${lineUserId} = ANY (line_user_ids)`;
    return rows[0].n;
  }
}
