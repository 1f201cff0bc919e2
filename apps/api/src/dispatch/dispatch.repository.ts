import { Injectable } from '@nestjs/common';
import { Prisma } from '@lcm/database';
import { PrismaService, Transaction } from '../database/prisma.service';

export interface ClaimedBatch {
  id: string;
  runId: string;
  batchNo: number;
  recipients: number;
  retryKey: string;
  requestsDone: number;
  attempts: number;
  lineAccountId: string;
  campaignId: string;
  reservationId: string | null;
}

export interface RunProgress {
  pendingOrSending: number;
  sending: number;
  accepted: number;
  failed: number;
}

/** The SQL of the sending pipeline. Everything two instances could race on is decided here, in PostgreSQL. */
@Injectable()
export class DispatchRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.client.$transaction(work, { maxWait: 30_000, timeout: 300_000 });
  }

  /** Runs that are due, oldest first; the gate locks and re-checks each one. */
  async dueRuns(limit: number): Promise<{ id: string; campaignId: string }[]> {
    return this.prisma.client.$queryRaw<{ id: string; campaignId: string }[]>`
      SELECT id::text, campaign_id::text AS "campaignId" FROM campaign_runs
       WHERE status = 'scheduled' AND scheduled_at <= now() ORDER BY scheduled_at, id LIMIT ${limit}`;
  }

  /** The run's row, locked, if it is still scheduled and due and no other instance holds it. */
  async lockDueRun(tx: Transaction, runId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM campaign_runs WHERE id = ${runId}::uuid AND status = 'scheduled' AND scheduled_at <= now()
         FOR UPDATE SKIP LOCKED`;
    return rows.length === 1;
  }

  async lockRun(tx: Transaction, runId: string): Promise<void> {
    await tx.$queryRaw`SELECT id FROM campaign_runs WHERE id = ${runId}::uuid FOR UPDATE`;
  }

  /**
   * The gate's snapshot: following audience members, deduplicated (one contact per LINE user id),
   * capped at maxRecipients, numbered and put in batches of `batchSize` — one INSERT … SELECT, never
   * through Node. The predicate's placeholders start at $2 ($1 is the account).
   */
  async snapshotRecipients(
    tx: Transaction,
    runId: string,
    lineAccountId: string,
    predicate: { sql: string; params: unknown[] },
    maxRecipients: number | null,
    batchSize: number,
  ): Promise<number> {
    const n = predicate.params.length;
    return tx.$executeRawUnsafe(
      `INSERT INTO run_recipients (run_id, ordinal, batch_no, line_user_id)
       SELECT $${n + 2}::uuid, s.ordinal, (s.ordinal - 1) / $${n + 4}::int, s.line_user_id
         FROM (SELECT c.line_user_id, row_number() OVER (ORDER BY c.line_user_id)::int AS ordinal
                 FROM contacts c
                WHERE c.line_account_id = $1::uuid AND c.status = 'following' AND (${predicate.sql})
                ORDER BY c.line_user_id
                LIMIT $${n + 3}::bigint) s`,
      lineAccountId,
      ...predicate.params,
      runId,
      maxRecipients ?? null,
      batchSize,
    );
  }

  /** Policy `trim`: keep the first `keep` recipients. */
  async trimRecipients(tx: Transaction, runId: string, keep: number): Promise<void> {
    await tx.$executeRaw`DELETE FROM run_recipients WHERE run_id = ${runId}::uuid AND ordinal > ${keep}`;
  }

  /** A blocked or failed run that delivered nothing starts over: no recipients, no batches. */
  async resetForRetry(tx: Transaction, runId: string): Promise<void> {
    await tx.$executeRaw`DELETE FROM run_batches WHERE run_id = ${runId}::uuid`;
    await tx.$executeRaw`DELETE FROM run_recipients WHERE run_id = ${runId}::uuid`;
  }

  async dropRecipients(tx: Transaction, runId: string): Promise<void> {
    await tx.$executeRaw`DELETE FROM run_recipients WHERE run_id = ${runId}::uuid`;
  }

  /** One batch per batch number, each with its retry key fixed now, before any attempt. */
  async createBatches(tx: Transaction, runId: string, retryKeyOf: (batchNo: number) => string): Promise<number> {
    const groups = await tx.$queryRaw<{ batch_no: number; recipients: number }[]>`
      SELECT batch_no, count(*)::int AS recipients FROM run_recipients WHERE run_id = ${runId}::uuid GROUP BY batch_no ORDER BY batch_no`;
    if (!groups.length) return 0;
    const rows = groups.map((g) => Prisma.sql`(gen_random_uuid(), ${runId}::uuid, ${g.batch_no}, ${g.recipients}, ${retryKeyOf(g.batch_no)}::uuid)`);
    await tx.$executeRaw`INSERT INTO run_batches (id, run_id, batch_no, recipients, retry_key) VALUES ${Prisma.join(rows)}`;
    return groups.length;
  }

  /**
   * Claims the next batch any instance may send: pending and due, or sending under an expired
   * lease (its instance died). SKIP LOCKED lets every worker of every instance take a different one.
   */
  async claimBatch(owner: string, leaseSeconds: number): Promise<ClaimedBatch | null> {
    const rows = await this.prisma.client.$queryRaw<ClaimedBatch[]>`
      UPDATE run_batches b SET status = 'sending', attempts = b.attempts + 1, lease_owner = ${owner},
             lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
        FROM campaign_runs r
       WHERE b.id = (
               SELECT b2.id FROM run_batches b2 JOIN campaign_runs r2 ON r2.id = b2.run_id
                WHERE r2.status = 'sending'
                  AND ((b2.status = 'pending' AND b2.next_attempt_at <= now() AND r2.stop_requested IS NULL)
                       -- a batch in flight when its instance died is always resolved, even on a stopping
                       -- run: re-sent with its key, LINE delivers it or answers 409 if it already had
                       OR (b2.status = 'sending' AND b2.lease_expires_at < now()))
                ORDER BY r2.scheduled_at, b2.run_id, b2.batch_no
                  FOR UPDATE OF b2 SKIP LOCKED LIMIT 1)
         AND r.id = b.run_id
      RETURNING b.id::text, b.run_id::text AS "runId", b.batch_no AS "batchNo", b.recipients, b.retry_key::text AS "retryKey",
                b.requests_done AS "requestsDone", b.attempts, r.line_account_id::text AS "lineAccountId",
                r.campaign_id::text AS "campaignId", r.reservation_id::text AS "reservationId"`;
    return rows[0] ?? null;
  }

  batchRecipients(runId: string, batchNo: number): Promise<string[]> {
    return this.prisma.client.$queryRaw<{ line_user_id: string }[]>`
      SELECT line_user_id FROM run_recipients WHERE run_id = ${runId}::uuid AND batch_no = ${batchNo} ORDER BY ordinal`.then((rows) => rows.map((r) => r.line_user_id));
  }

  /** True while this instance still holds the batch's lease (it may have expired and moved on). */
  async lockOwnedBatch(tx: Transaction, batchId: string, owner: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM run_batches WHERE id = ${batchId}::uuid AND status = 'sending' AND lease_owner = ${owner} FOR UPDATE`;
    return rows.length === 1;
  }

  /** One more request of the batch accepted; the lease is renewed for the next. */
  async markRequestDone(tx: Transaction, batchId: string, requestId: string): Promise<void> {
    await tx.$executeRaw`UPDATE run_batches SET requests_done = requests_done + 1, line_request_ids = array_append(line_request_ids, ${requestId}),
        lease_expires_at = greatest(lease_expires_at, now() + interval '10 seconds')
      WHERE id = ${batchId}::uuid`;
  }

  async requestStop(tx: Transaction, runId: string, reason: string): Promise<void> {
    await tx.$executeRaw`UPDATE campaign_runs SET stop_requested = ${reason} WHERE id = ${runId}::uuid AND status = 'sending'`;
  }

  async finishBatch(tx: Transaction, batchId: string, status: 'accepted' | 'failed' | 'released', owner: string, error: unknown = null): Promise<void> {
    await tx.$executeRaw`UPDATE run_batches SET status = ${status}::"RunBatchStatus", finished_at = now(), sent_by = ${owner},
        lease_owner = NULL, lease_expires_at = NULL, error = ${error === null ? null : JSON.stringify(error)}::jsonb
      WHERE id = ${batchId}::uuid`;
  }

  /** Back to pending, to be retried no sooner than `delayMs` from now. */
  async retryBatchLater(batchId: string, owner: string, delayMs: number, error: unknown): Promise<void> {
    await this.prisma.client.$executeRaw`UPDATE run_batches SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL,
        next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}), error = ${JSON.stringify(error)}::jsonb
      WHERE id = ${batchId}::uuid AND lease_owner = ${owner} AND status = 'sending'`;
  }

  async addRunProgress(tx: Transaction, runId: string, delta: { batchesDone: number; delivered: number; failed: number; messages: number; cost: string }): Promise<void> {
    await tx.$executeRaw`UPDATE campaign_runs SET batches_done = batches_done + ${delta.batchesDone}, delivered = delivered + ${delta.delivered},
        failed = failed + ${delta.failed}, actual_messages = actual_messages + ${delta.messages}, actual_cost = actual_cost + ${delta.cost}::numeric,
        updated_at = now()
      WHERE id = ${runId}::uuid`;
  }

  /** Batches not yet sent stop here (monthly limit, cancel): they'll never be claimed again. */
  async releaseUnsentBatches(tx: Transaction, runId: string): Promise<number> {
    return tx.$executeRaw`UPDATE run_batches SET status = 'released', lease_owner = NULL, lease_expires_at = NULL, finished_at = now()
      WHERE run_id = ${runId}::uuid AND status IN ('pending', 'sending')`;
  }

  async progress(tx: Transaction, runId: string): Promise<RunProgress> {
    const rows = await tx.$queryRaw<RunProgress[]>`
      SELECT count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS "pendingOrSending",
             count(*) FILTER (WHERE status = 'sending')::int AS sending,
             count(*) FILTER (WHERE status = 'accepted')::int AS accepted,
             count(*) FILTER (WHERE status = 'failed')::int AS failed
        FROM run_batches WHERE run_id = ${runId}::uuid`;
    return rows[0];
  }

  /** Sending runs that may be ready to finish: all batches done, or a stop asked and nothing in flight. */
  async runsToFinish(limit: number): Promise<{ id: string; campaignId: string }[]> {
    return this.prisma.client.$queryRaw<{ id: string; campaignId: string }[]>`
      SELECT r.id::text, r.campaign_id::text AS "campaignId" FROM campaign_runs r
       WHERE r.status = 'sending'
         AND NOT EXISTS (SELECT 1 FROM run_batches b WHERE b.run_id = r.id
                          AND (b.status = 'sending' OR (b.status = 'pending' AND r.stop_requested IS NULL)))
       ORDER BY r.scheduled_at LIMIT ${limit}`;
  }
}
