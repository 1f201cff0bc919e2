import { Injectable } from '@nestjs/common';
import { Prisma } from '@lcm/database';
import { PrismaService, Transaction } from '../database/prisma.service';

export type FollowersImportState = 'running' | 'completed' | 'failed';

export interface FollowersImportJobRow {
  id: string;
  lineAccountId: string;
  state: FollowersImportState;
  trigger: string;
  requestedById: string | null;
  nextCursor: string | null;
  pages: number;
  idsSeen: number;
  created: number;
  updated: number;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
  updatedAt: Date;
}

/** What one page adds to a job, and what the job becomes after it. */
export interface PageProgress {
  nextCursor: string | null;
  ids: number;
  created: number;
  updated: number;
  /** running: more pages follow; completed: that was the last; failed: stop, with `error`. */
  state: FollowersImportState;
  error?: string;
}

const JOB_COLUMNS =
  Prisma.raw(`j.id::text AS "id", j.line_account_id::text AS "lineAccountId", j.state::text AS "state",
  j.trigger, j.requested_by_id::text AS "requestedById", j.next_cursor AS "nextCursor", j.pages, j.ids_seen AS "idsSeen",
  j.created, j.updated, j.error, j.started_at AS "startedAt", j.finished_at AS "finishedAt", j.updated_at AS "updatedAt"`);

/**
 * Followers import jobs. At most one runs per account: `running_account_id` holds the account's id
 * while a job runs and is unique, so PostgreSQL, not the caller, decides which of two concurrent
 * requests starts one. A job is run by the instance holding its lease; every write checks it.
 */
@Injectable()
export class FollowersImportJobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /** A new running job for the account, or the one already running (created: false). */
  async startOrFindRunning(
    lineAccountId: string,
    trigger: string,
    requestedById: string | null,
  ): Promise<{ job: FollowersImportJobRow; created: boolean }> {
    // The running job can end between the conflicting insert and the read: then insert again.
    for (;;) {
      const inserted = await this.prisma.client.$queryRaw<FollowersImportJobRow[]>`
        WITH j AS (
          INSERT INTO followers_import_jobs (id, line_account_id, running_account_id, trigger, requested_by_id)
          VALUES (gen_random_uuid(), ${lineAccountId}::uuid, ${lineAccountId}::uuid, ${trigger}, ${requestedById}::uuid)
          ON CONFLICT (running_account_id) DO NOTHING
          RETURNING *)
        SELECT ${JOB_COLUMNS} FROM j`;
      if (inserted[0]) return { job: inserted[0], created: true };
      const running = await this.prisma.client.$queryRaw<FollowersImportJobRow[]>`
        SELECT ${JOB_COLUMNS} FROM followers_import_jobs j WHERE j.running_account_id = ${lineAccountId}::uuid`;
      if (running[0]) return { job: running[0], created: false };
    }
  }

  /**
   * Leases a running job to `owner`: the one named, or else the oldest whose lease is free or has
   * expired (its instance died or stopped). Null when there is none.
   */
  async claim(owner: string, leaseSeconds: number, jobId?: string): Promise<FollowersImportJobRow | null> {
    const only = jobId === undefined ? Prisma.empty : Prisma.sql`AND c.id = ${jobId}::uuid`;
    const rows = await this.prisma.client.$queryRaw<FollowersImportJobRow[]>`
      WITH j AS (
        UPDATE followers_import_jobs SET lease_owner = ${owner}, lease_expires_at = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
         WHERE id = (SELECT c.id FROM followers_import_jobs c
                      WHERE c.state = 'running' AND (c.lease_expires_at IS NULL OR c.lease_expires_at < now()) ${only}
                      ORDER BY c.started_at FOR UPDATE SKIP LOCKED LIMIT 1)
        RETURNING *)
      SELECT ${JOB_COLUMNS} FROM j`;
    return rows[0] ?? null;
  }

  /**
   * Adds a page to the job and moves its cursor, in the caller's transaction (the one that wrote the
   * page's contacts), and renews the lease; a job that ends gives up its account's running slot.
   * False when `owner` no longer holds the job: the caller must roll back.
   */
  async recordPage(
    jobId: string,
    owner: string,
    leaseSeconds: number,
    page: PageProgress,
    tx: Transaction,
  ): Promise<boolean> {
    const ended = page.state !== 'running';
    const changed = await this.prisma.db(tx).$executeRaw`
      UPDATE followers_import_jobs
         SET pages = pages + 1, ids_seen = ids_seen + ${page.ids}, created = created + ${page.created},
             updated = updated + ${page.updated}, next_cursor = ${page.nextCursor}, state = ${page.state}::"FollowersImportState",
             error = ${page.error ?? null}, updated_at = now(),
             running_account_id = CASE WHEN ${ended} THEN NULL ELSE running_account_id END,
             finished_at = CASE WHEN ${ended} THEN now() END,
             lease_owner = CASE WHEN ${ended} THEN NULL ELSE lease_owner END,
             lease_expires_at = CASE WHEN ${ended} THEN NULL ELSE now() + make_interval(secs => ${leaseSeconds}) END
       WHERE id = ${jobId}::uuid AND lease_owner = ${owner} AND state = 'running'`;
    return changed === 1;
  }

  /** Ends the job as failed without a page (LINE refused to answer). False when `owner` lost it. */
  async fail(jobId: string, owner: string, error: string): Promise<boolean> {
    const changed = await this.prisma.client.$executeRaw`
      UPDATE followers_import_jobs
         SET state = 'failed', error = ${error}, running_account_id = NULL, finished_at = now(), updated_at = now(),
             lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ${jobId}::uuid AND lease_owner = ${owner} AND state = 'running'`;
    return changed === 1;
  }

  /** Keeps the lease while the job waits (a rate limit, a back-off). False when `owner` lost it. */
  async renewLease(jobId: string, owner: string, leaseSeconds: number): Promise<boolean> {
    const changed = await this.prisma.client.$executeRaw`
      UPDATE followers_import_jobs SET lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
       WHERE id = ${jobId}::uuid AND lease_owner = ${owner} AND state = 'running'`;
    return changed === 1;
  }

  /** Lets another instance (or this one, later) take the job over at once: this one is stopping. */
  async release(jobId: string, owner: string): Promise<void> {
    await this.prisma.client.$executeRaw`
      UPDATE followers_import_jobs SET lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ${jobId}::uuid AND lease_owner = ${owner} AND state = 'running'`;
  }

  async find(lineAccountId: string, jobId: string): Promise<FollowersImportJobRow | null> {
    const rows = await this.prisma.client.$queryRaw<FollowersImportJobRow[]>`
      SELECT ${JOB_COLUMNS} FROM followers_import_jobs j WHERE j.id = ${jobId}::uuid AND j.line_account_id = ${lineAccountId}::uuid`;
    return rows[0] ?? null;
  }

  async latest(lineAccountId: string): Promise<FollowersImportJobRow | null> {
    const rows = await this.prisma.client.$queryRaw<FollowersImportJobRow[]>`
      SELECT ${JOB_COLUMNS} FROM followers_import_jobs j WHERE j.line_account_id = ${lineAccountId}::uuid
       ORDER BY j.started_at DESC, j.id LIMIT 1`;
    return rows[0] ?? null;
  }
}
