import { Injectable } from '@nestjs/common';
import { PrismaService, Transaction } from '../database/prisma.service';
import { ContactPredicate, followingMatchingSql } from '../contacts/contacts.repository';
import { quietOpenSql } from '../line-accounts/line-accounts.repository';
import { atCapSql, CapWindow } from '../frequency-caps/delivery-history.repository';
import type { DeferPriority } from '../campaigns/campaign-defer-priority';

/**
 * A contact's rank under a defer priority, from `contacts c` (the attribute's name is parameter
 * $<param>): its instant for a date in the audience rules' ISO grammar, else its JSON value (numbers
 * by value, text in the database's order; jsonb ranks true above numbers, numbers above text). A
 * contact without it, or with null, comes last in either order.
 */
function priorityRankSql(param: number): string {
  return `nullif(coalesce(c.attribute_instants -> $${param}::text, c.attributes -> $${param}::text), 'null'::jsonb)`;
}

function priorityOrderSql(priority: DeferPriority | null, column: string): string {
  return priority ? `${column} ${priority.order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, ` : '';
}

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
  /** The batch's LINE user ids, read in the same statement that claims it. */
  to: string[];
}

type ClaimedBatchRow = Omit<ClaimedBatch, 'to'> & { to: string };

/** One comma-joined string parses far cheaper than a 500-element text[] (user ids hold no comma). */
function claimedBatch(row: ClaimedBatchRow): ClaimedBatch {
  return { ...row, to: row.to.split(',') };
}

/**
 * `claimed`: the next batch any instance may send, leased to $1 for $2 seconds. It walks the
 * (status, next_attempt_at) index in order and stops at the first row no other worker holds. A
 * batch already tried is resolved even on a stopping run (its outcome may be unknown): re-sent with
 * its key, LINE delivers it or answers 409. Quiet hours are decided here, at `now` (the service's
 * clock, passed in): no batch of an account in its quiet hours is claimed, unless an approver
 * overrode them for the run, so a run pauses between batches (one in flight finishes) and its
 * batches are claimed again, each once, when the window ends.
 */
const claimCte = (now: string) => `claimed AS (
  UPDATE run_batches b SET status = 'sending', attempts = b.attempts + 1, lease_owner = $1,
         lease_expires_at = now() + make_interval(secs => $2)
    FROM campaign_runs r
   WHERE b.id = (SELECT b2.id FROM run_batches b2 JOIN campaign_runs r2 ON r2.id = b2.run_id
                   JOIN line_accounts a2 ON a2.id = r2.line_account_id
                  WHERE b2.status = 'pending' AND b2.next_attempt_at <= now()
                    AND r2.status = 'sending' AND (r2.stop_requested IS NULL OR b2.attempts > 0)
                    AND (r2.quiet_hours_override OR ${quietOpenSql('a2', `${now}::timestamptz`)})
                  ORDER BY b2.next_attempt_at
                    FOR UPDATE OF b2 SKIP LOCKED LIMIT 1)
     AND r.id = b.run_id
  RETURNING b.id::text, b.run_id::text AS "runId", b.batch_no AS "batchNo", b.recipients, b.retry_key::text AS "retryKey",
            b.requests_done AS "requestsDone", b.attempts, r.line_account_id::text AS "lineAccountId",
            r.campaign_id::text AS "campaignId", r.reservation_id::text AS "reservationId",
            array_to_string(b.line_user_ids, ',') AS "to")`;

export interface RunProgress {
  pendingOrSending: number;
  sending: number;
  /** Pending batches already tried once: their outcome may be unknown, so they are resolved even on a stop. */
  pendingAttempted: number;
  accepted: number;
  failed: number;
}

/** Accepted requests not yet counted on the run or in the ledger. */
export interface AcceptedProgress {
  /** Messages LINE accepted: recipients × requests. */
  messages: number;
  /** Batches whose last request was accepted. */
  batchesDone: number;
  /** Recipients of those batches. */
  delivered: number;
}

/** The SQL of the sending pipeline. Everything two instances could race on is decided here, in PostgreSQL. */
@Injectable()
export class DispatchRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /**
   * The gate's snapshot: following audience members, deduplicated (contacts hold one row per LINE
   * user), capped at maxRecipients, split into batches of `batchSize` with their retry keys — one
   * INSERT … SELECT, never through Node. The predicate's placeholders start at $2 ($1 is the account).
   * A batch's retry key is a UUID (RFC 9562 version 8) made from the md5 of run id and batch number.
   */
  async snapshotBatches(
    runId: string,
    lineAccountId: string,
    predicate: ContactPredicate,
    maxRecipients: number | null,
    batchSize: number,
    seed: string | null,
    cap: CapWindow | null,
    priority: DeferPriority | null,
    tx: Transaction,
  ): Promise<{ recipients: number; batches: number; frequencyCapped: number }> {
    // A priority orders the seeded (policy defer) snapshot only; ties keep the seed's order.
    const ranked = seed === null ? null : priority;
    if (cap)
      return this.snapshotCappedBatches(
        runId,
        lineAccountId,
        predicate,
        maxRecipients,
        batchSize,
        seed,
        cap,
        ranked,
        tx,
      );
    const n = predicate.params.length;
    // No ORDER BY unless seeded: the split only has to be fixed once stored, and sorting a million
    // ids would cost more than the rest of the snapshot together. Policy defer pays for a seeded
    // order (md5(seed || user id)): its first recipients are the ones that go now.
    const order =
      seed === null
        ? ''
        : `ORDER BY ${priorityOrderSql(ranked, 'm.priority_rank')}md5($${n + 5}::text || m.line_user_id), m.line_user_id`;
    // Seeded, each batch's ids keep that order too, so the first `keep` of the snapshot are exactly the seed's first.
    const rank = seed === null ? '' : `, row_number() OVER (${order}) AS rn`;
    const within = seed === null ? '' : ' ORDER BY rn';
    const rows = await this.prisma.db(tx).$queryRawUnsafe<{ recipients: number; batches: number }[]>(
      `WITH picked AS (
         SELECT m.line_user_id, (row_number() OVER (${order}) - 1) / $${n + 4}::int AS batch_no${rank}
           FROM (${followingMatchingSql(predicate, n + 3, ranked ? `, ${priorityRankSql(n + 6)} AS priority_rank` : '')}) m),
       grouped AS (
         SELECT batch_no, count(*) AS recipients, array_agg(line_user_id${within}) AS ids, md5($${n + 2} || ':' || batch_no) AS h
           FROM picked GROUP BY batch_no),
       inserted AS (
         -- The retry key's md5 is taken per batch, after grouping: a million md5 calls would double the snapshot.
         INSERT INTO run_batches (id, run_id, batch_no, recipients, line_user_ids, retry_key)
         SELECT gen_random_uuid(), $${n + 2}::uuid, g.batch_no, g.recipients, g.ids,
                (substr(g.h, 1, 12) || '8' || substr(g.h, 14, 3) || '8' || substr(g.h, 18, 15))::uuid
           FROM grouped g
         RETURNING recipients)
       SELECT coalesce(sum(recipients), 0)::int AS recipients, count(*)::int AS batches FROM inserted`,
      lineAccountId,
      ...predicate.params,
      runId,
      maxRecipients ?? null,
      batchSize,
      ...(seed === null ? [] : [seed]),
      ...(ranked ? [ranked.attribute] : []),
    );
    return { ...rows[0], frequencyCapped: 0 };
  }

  /**
   * The snapshot under a frequency cap, still one statement: the window's contacts at their cap
   * (atCapSql, computed once: MATERIALIZED) are hashed, and each member is looked up in that hash
   * (a hashed SubPlan, whatever the planner's guess of the set's size: as a join it sometimes
   * hashed the million contacts instead and took twice as long) and left out, and counted. A running
   * count of the others numbers them into batches (and stops at maxRecipients) without sorting;
   * the flagged ones form group -1, which only counts them. More memory for the hashes (work_mem),
   * and no JIT: the planner can't see how many ids the history's arrays hold and would compile for
   * minutes' work.
   */
  private async snapshotCappedBatches(
    runId: string,
    lineAccountId: string,
    predicate: ContactPredicate,
    maxRecipients: number | null,
    batchSize: number,
    seed: string | null,
    cap: CapWindow,
    priority: DeferPriority | null,
    tx: Transaction,
  ): Promise<{ recipients: number; batches: number; frequencyCapped: number }> {
    const n = predicate.params.length;
    // Seeded (policy defer), the same md5(seed || user id) order as the uncapped snapshot, in the
    // running count and inside each batch's ids: carrying the rest over relies on both.
    const order =
      seed === null
        ? ''
        : `ORDER BY ${priorityOrderSql(priority, 'priority_rank')}md5($${n + 8}::text || line_user_id), line_user_id `;
    const rank = seed === null ? '' : `, row_number() OVER (${order}) AS rn`;
    const within = seed === null ? '' : ' ORDER BY rn';
    const db = this.prisma.db(tx);
    await db.$executeRawUnsafe(`SET LOCAL work_mem = '128MB'`);
    await db.$executeRawUnsafe(`SET LOCAL jit = off`);
    const rows = await db.$queryRawUnsafe<{ recipients: number; batches: number; frequencyCapped: number }[]>(
      `WITH capped AS MATERIALIZED (${atCapSql(1, n + 5, n + 6, n + 7)}),
       flagged AS (
         SELECT c.line_user_id, c.line_user_id IN (SELECT line_user_id FROM capped) AS at_cap${priority ? `, ${priorityRankSql(n + 9)} AS priority_rank` : ''}
           FROM contacts c
          WHERE c.line_account_id = $1::uuid AND c.status = 'following' AND (${predicate.sql})),
       numbered AS (
         SELECT line_user_id, at_cap,
                count(*) FILTER (WHERE NOT at_cap) OVER (${order}ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS ordinal${rank}
           FROM flagged),
       grouped AS (
         SELECT CASE WHEN at_cap THEN -1 ELSE (ordinal - 1) / $${n + 4}::int END AS batch_no, count(*) AS recipients,
                array_agg(line_user_id${within}) FILTER (WHERE NOT at_cap) AS ids
           FROM numbered WHERE at_cap OR $${n + 3}::bigint IS NULL OR ordinal <= $${n + 3}::bigint
          GROUP BY 1),
       inserted AS (
         INSERT INTO run_batches (id, run_id, batch_no, recipients, line_user_ids, retry_key)
         SELECT gen_random_uuid(), $${n + 2}::uuid, g.batch_no, g.recipients, g.ids,
                (substr(g.h, 1, 12) || '8' || substr(g.h, 14, 3) || '8' || substr(g.h, 18, 15))::uuid
           FROM (SELECT *, md5($${n + 2} || ':' || batch_no) AS h FROM grouped WHERE batch_no >= 0) g
         RETURNING recipients)
       SELECT coalesce(sum(recipients), 0)::int AS recipients, count(*)::int AS batches,
              coalesce((SELECT recipients FROM grouped WHERE batch_no = -1), 0)::int AS "frequencyCapped"
         FROM inserted`,
      lineAccountId,
      ...predicate.params,
      runId,
      maxRecipients ?? null,
      batchSize,
      cap.since.toISOString(),
      cap.messages,
      cap.until.toISOString(),
      ...(seed === null ? [] : [seed]),
      ...(priority ? [priority.attribute] : []),
    );
    await db.$executeRawUnsafe(`RESET jit`);
    await db.$executeRawUnsafe(`RESET work_mem`);
    return rows[0];
  }

  /**
   * Policy defer: the snapshot's recipients from position `keep` on (in the snapshot's seeded
   * order) become the batches of the deferred run, with its own retry keys, in one statement; the
   * caller then trims the first run to `keep`. So each snapshot row ends in exactly one of the two
   * runs, decided in PostgreSQL inside the gate's transaction.
   */
  async carryOverBatches(
    fromRunId: string,
    toRunId: string,
    keep: number,
    batchSize: number,
    tx: Transaction,
    end: number | null = null,
  ): Promise<{ recipients: number; batches: number }> {
    // `end` (an A/B test's groups): only positions [keep, end) move; the caller trims the first run afterwards.
    const rows = await this.prisma.db(tx).$queryRaw<{ recipients: number; batches: number }[]>`
      WITH positioned AS (
        SELECT u.id AS line_user_id, b.batch_no * ${batchSize}::int + u.ord::int - 1 - ${keep}::int AS pos
          FROM run_batches b, unnest(b.line_user_ids) WITH ORDINALITY AS u(id, ord)
         WHERE b.run_id = ${fromRunId}::uuid),
      rest AS (SELECT line_user_id, pos, pos / ${batchSize}::int AS batch_no FROM positioned
                WHERE pos >= 0 AND (${end}::int IS NULL OR pos < ${end === null ? null : end - keep}::int)),
      grouped AS (
        SELECT batch_no, count(*) AS recipients, array_agg(line_user_id ORDER BY pos) AS ids,
               md5(${toRunId}::text || ':' || batch_no) AS h
          FROM rest GROUP BY batch_no),
      inserted AS (
        INSERT INTO run_batches (id, run_id, batch_no, recipients, line_user_ids, retry_key)
        SELECT gen_random_uuid(), ${toRunId}::uuid, g.batch_no, g.recipients, g.ids,
               (substr(g.h, 1, 12) || '8' || substr(g.h, 14, 3) || '8' || substr(g.h, 18, 15))::uuid
          FROM grouped g
        RETURNING recipients)
      SELECT coalesce(sum(recipients), 0)::int AS recipients, count(*)::int AS batches FROM inserted`;
    return rows[0];
  }

  /** A deferred run's carried batches: its recipients are these rows, never a new snapshot. */
  async countBatches(runId: string, tx: Transaction): Promise<{ recipients: number; batches: number }> {
    const rows = await this.prisma.db(tx).$queryRaw<{ recipients: number; batches: number }[]>`
      SELECT coalesce(sum(recipients), 0)::int AS recipients, count(*)::int AS batches FROM run_batches WHERE run_id = ${runId}::uuid`;
    return rows[0];
  }

  /** A deferred run retried: its carried batches are sent afresh (it delivered to nobody, so none was accepted). */
  async resetBatches(runId: string, tx: Transaction): Promise<void> {
    await this.prisma.db(tx)
      .$executeRaw`UPDATE run_batches SET status = 'pending', attempts = 0, requests_done = 0, settled_requests = 0,
        lease_owner = NULL, lease_expires_at = NULL, line_request_ids = '{}', error = NULL, sent_by = NULL, finished_at = NULL
      WHERE run_id = ${runId}::uuid`;
  }

  /** Policy `trim`: keep the first `keep` recipients of the snapshot. */
  async trimBatches(runId: string, keep: number, batchSize: number, tx: Transaction): Promise<number> {
    await this.prisma.db(tx)
      .$executeRaw`DELETE FROM run_batches WHERE run_id = ${runId}::uuid AND batch_no * ${batchSize} >= ${keep}`;
    await this.prisma.db(tx)
      .$executeRaw`UPDATE run_batches SET line_user_ids = line_user_ids[1:${keep} - batch_no * ${batchSize}], recipients = ${keep} - batch_no * ${batchSize}
      WHERE run_id = ${runId}::uuid AND recipients > ${keep} - batch_no * ${batchSize}`;
    const rows = await this.prisma.db(tx).$queryRaw<
      { n: number }[]
    >`SELECT count(*)::int AS n FROM run_batches WHERE run_id = ${runId}::uuid`;
    return rows[0].n;
  }

  /** A blocked run keeps no snapshot; a retried one starts over. */
  async dropBatches(runId: string, tx: Transaction): Promise<void> {
    await this.prisma.db(tx).$executeRaw`DELETE FROM run_batches WHERE run_id = ${runId}::uuid`;
  }

  /**
   * Claims the next batch any instance may send (pending and due). SKIP LOCKED lets every worker of
   * every instance take a different one; batches of a dead instance come back through
   * reclaimExpiredLeases.
   */
  async claimBatch(owner: string, leaseSeconds: number, now: Date): Promise<ClaimedBatch | null> {
    const { rows } = await this.prisma.pool.query<ClaimedBatchRow>({
      // Named: each connection plans it once, not on every claim.
      name: 'dispatch.claim-batch',
      text: `WITH ${claimCte('$3')} SELECT * FROM claimed`,
      values: [owner, leaseSeconds, now.toISOString()],
    });
    return rows[0] ? claimedBatch(rows[0]) : null;
  }

  /**
   * The last request of a batch accepted: closes the batch and claims the next one in the same
   * statement, so a worker's steady state is one round trip and one commit per batch.
   */
  async completeBatchAndClaimNext(
    batchId: string,
    owner: string,
    requestId: string,
    leaseSeconds: number,
    now: Date,
  ): Promise<{ kept: boolean; next: ClaimedBatch | null }> {
    const { rows } = await this.prisma.pool.query<ClaimedBatchRow & { kept: boolean }>({
      name: 'dispatch.complete-batch-claim-next',
      text: `WITH done AS (
               UPDATE run_batches SET requests_done = requests_done + 1, line_request_ids = array_append(line_request_ids, $4::text),
                      sent_by = $1, status = 'accepted', finished_at = now(), lease_owner = NULL, lease_expires_at = NULL
                WHERE id = $3::uuid AND lease_owner = $1 AND status = 'sending'
               RETURNING id),
             ${claimCte('$5')}
           SELECT EXISTS (SELECT 1 FROM done) AS kept, claimed.* FROM (SELECT 1) AS one LEFT JOIN claimed ON true`,
      values: [owner, leaseSeconds, batchId, requestId, now.toISOString()],
    });
    const { kept, ...next } = rows[0];
    return { kept, next: next.id ? claimedBatch(next) : null };
  }

  /** True while this instance still holds the batch's lease (it may have expired and moved on). */
  async lockOwnedBatch(batchId: string, owner: string, tx: Transaction): Promise<boolean> {
    const rows = await this.prisma.db(tx).$queryRaw<{ id: string }[]>`
      SELECT id::text FROM run_batches WHERE id = ${batchId}::uuid AND status = 'sending' AND lease_owner = ${owner} FOR UPDATE`;
    return rows.length === 1;
  }

  /**
   * One more request of the batch accepted (the last one closes it), in one statement on the batch
   * alone: the run's counters and the ledger follow from these rows in bulk (takeUnsettledProgress),
   * so workers never queue on the run's row. False when this instance no longer holds the lease.
   */
  async completeRequest(batchId: string, owner: string, requestId: string, last: boolean): Promise<boolean> {
    const { rowCount } = await this.prisma.pool.query({
      name: 'dispatch.complete-request',
      text: `UPDATE run_batches SET requests_done = requests_done + 1, line_request_ids = array_append(line_request_ids, $3::text),
              sent_by = $2,
              status = CASE WHEN $4::boolean THEN 'accepted'::"RunBatchStatus" ELSE status END,
              finished_at = CASE WHEN $4::boolean THEN now() ELSE finished_at END,
              lease_owner = CASE WHEN $4::boolean THEN NULL ELSE lease_owner END,
              lease_expires_at = CASE WHEN $4::boolean THEN NULL ELSE greatest(lease_expires_at, now() + interval '10 seconds') END
        WHERE id = $1::uuid AND lease_owner = $2 AND status = 'sending'`,
      values: [batchId, owner, requestId, last],
    });
    return rowCount === 1;
  }

  /**
   * What accepted requests added since the last call, marked counted now (the caller adds it to the
   * run and the ledger in the same transaction). A batch's last request sets `accepted` in the same
   * row version that counts it, so a batch is counted done exactly once.
   */
  async takeUnsettledProgress(runId: string, tx: Transaction): Promise<AcceptedProgress> {
    const rows = await this.prisma.db(tx).$queryRaw<AcceptedProgress[]>`
      WITH d AS (SELECT id, requests_done - settled_requests AS delta, status = 'accepted' AS done FROM run_batches
                  WHERE run_id = ${runId}::uuid AND requests_done > settled_requests FOR UPDATE),
           u AS (UPDATE run_batches b SET settled_requests = b.requests_done FROM d WHERE b.id = d.id
                 RETURNING b.recipients * d.delta AS messages, d.done, b.recipients)
      SELECT coalesce(sum(messages), 0)::int AS messages, count(*) FILTER (WHERE done)::int AS "batchesDone",
             coalesce(sum(recipients) FILTER (WHERE done), 0)::int AS delivered
        FROM u`;
    return rows[0];
  }

  /** Sending runs with accepted requests the ledger doesn't count yet. */
  async runsWithUnsettledBatches(limit: number, lineAccountId?: string): Promise<string[]> {
    const rows = await this.prisma.client.$queryRaw<{ run_id: string }[]>`
      SELECT DISTINCT b.run_id::text FROM run_batches b JOIN campaign_runs r ON r.id = b.run_id
       WHERE r.status = 'sending' AND b.requests_done > b.settled_requests
         AND (${lineAccountId ?? null}::uuid IS NULL OR r.line_account_id = ${lineAccountId ?? null}::uuid)
       LIMIT ${limit}`;
    return rows.map((row) => row.run_id);
  }

  async finishBatch(
    batchId: string,
    status: 'accepted' | 'failed' | 'released',
    owner: string,
    tx: Transaction,
    error: unknown = null,
  ): Promise<void> {
    await this.prisma.db(tx)
      .$executeRaw`UPDATE run_batches SET status = ${status}::"RunBatchStatus", finished_at = now(), sent_by = ${owner},
        lease_owner = NULL, lease_expires_at = NULL, error = ${error === null ? null : JSON.stringify(error)}::jsonb
      WHERE id = ${batchId}::uuid`;
  }

  /** Back to pending, to be retried no sooner than `delayMs` from now. */
  async retryBatchLater(batchId: string, owner: string, delayMs: number, error: unknown): Promise<void> {
    await this.prisma.client
      .$executeRaw`UPDATE run_batches SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL,
        next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}), error = ${JSON.stringify(error)}::jsonb
      WHERE id = ${batchId}::uuid AND lease_owner = ${owner} AND status = 'sending'`;
  }

  /** Batches not yet sent stop here (monthly limit, cancel): they'll never be claimed again. */
  async releaseUnsentBatches(runId: string, tx: Transaction): Promise<number> {
    return this.prisma.db(tx)
      .$executeRaw`UPDATE run_batches SET status = 'released', lease_owner = NULL, lease_expires_at = NULL, finished_at = now()
      WHERE run_id = ${runId}::uuid AND status IN ('pending', 'sending')`;
  }

  async progress(runId: string, tx: Transaction): Promise<RunProgress> {
    const rows = await this.prisma.db(tx).$queryRaw<RunProgress[]>`
      SELECT count(*) FILTER (WHERE status IN ('pending', 'sending'))::int AS "pendingOrSending",
             count(*) FILTER (WHERE status = 'sending')::int AS sending,
             count(*) FILTER (WHERE status = 'pending' AND attempts > 0)::int AS "pendingAttempted",
             count(*) FILTER (WHERE status = 'accepted')::int AS accepted,
             count(*) FILTER (WHERE status = 'failed')::int AS failed
        FROM run_batches WHERE run_id = ${runId}::uuid`;
    return rows[0];
  }

  /** Batches whose instance died mid-send go back to pending (attempted, so resolved first). */
  async reclaimExpiredLeases(): Promise<number> {
    return this.prisma.client
      .$executeRaw`UPDATE run_batches SET status = 'pending', lease_owner = NULL, lease_expires_at = NULL
      WHERE status = 'sending' AND lease_expires_at < now()`;
  }

  /** Sending runs that may be ready to finish: all batches done, or a stop asked and nothing in flight. */
  async runsToFinish(limit: number): Promise<{ id: string; campaignId: string }[]> {
    return this.prisma.client.$queryRaw<{ id: string; campaignId: string }[]>`
      SELECT r.id::text, r.campaign_id::text AS "campaignId" FROM campaign_runs r
       WHERE r.status = 'sending'
         AND NOT EXISTS (SELECT 1 FROM run_batches b WHERE b.run_id = r.id
                          AND (b.status = 'sending' OR (b.status = 'pending' AND (r.stop_requested IS NULL OR b.attempts > 0))))
       ORDER BY r.scheduled_at LIMIT ${limit}`;
  }
}
