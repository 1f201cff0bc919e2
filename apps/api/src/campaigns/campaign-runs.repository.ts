import { LATEST_INSTANT_MS } from '@lcm/domain/time';
import { Injectable } from '@nestjs/common';
import type { CampaignRun, CampaignRunStatus, Prisma } from '@lcm/database';
import { Keyset, keysetArgs, PageQueryDto } from '../common/pagination';
import { PrismaService, Transaction } from '../database/prisma.service';
import { modelColumns } from '../database/sql-rows';
import { quietOpenSql } from '../line-accounts/line-accounts.repository';

/**
 * A run may start while its account is out of quiet hours, or when an approver overrode them for it;
 * an A/B test's remainder only once its winner is decided (AbTestDeciderService).
 */
const MAY_START_NOW = `(r.quiet_hours_override OR ${quietOpenSql('a', '$1::timestamptz')})
  AND (r.trigger <> 'ab_remainder' OR r.ab_decided_at IS NOT NULL)`;

/** A run the results job reads LINE's statistics for. */
export interface ResultsRun {
  id: string;
  campaignId: string;
  lineAccountId: string;
  aggregationUnit: string;
  startedAt: Date;
}

/** The columns a run's update may set. */
export type RunChanges = Prisma.CampaignRunUncheckedUpdateInput;

/** Every column, for the reads on the pg pool (a run's progress, polled by the console). */
const RUN = modelColumns<CampaignRun>({
  id: 'id',
  campaignId: 'campaign_id',
  lineAccountId: 'line_account_id',
  status: 'status',
  trigger: 'trigger',
  triggeredById: 'triggered_by_id',
  scheduledAt: 'scheduled_at',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  campaignVersion: 'campaign_version',
  approvedForecastId: 'approved_forecast_id',
  approvedRecipients: 'approved_recipients',
  approvedMessages: 'approved_messages',
  approvedCost: { decimal: 'approved_cost' },
  forecastId: 'forecast_id',
  reservationId: 'reservation_id',
  reservedMessages: 'reserved_messages',
  reservedCost: { decimal: 'reserved_cost' },
  blockReasons: 'block_reasons',
  stopRequested: 'stop_requested',
  quietHoursOverride: 'quiet_hours_override',
  recipients: 'recipients',
  batches: 'batches',
  batchesDone: 'batches_done',
  delivered: 'delivered',
  frequencyCapped: 'frequency_capped',
  failed: 'failed',
  actualMessages: 'actual_messages',
  actualCost: { decimal: 'actual_cost' },
  leaseOwner: 'lease_owner',
  leaseExpiresAt: 'lease_expires_at',
  deferSeed: 'defer_seed',
  deferredFromRunId: 'deferred_from_run_id',
  variant: 'variant',
  abTestRunId: 'ab_test_run_id',
  abRemainderOfRunId: 'ab_remainder_of_run_id',
  abSeed: 'ab_seed',
  abDecidedAt: 'ab_decided_at',
  abDecision: 'ab_decision',
  abWaits: 'ab_waits',
  abReadFailures: 'ab_read_failures',
  aggregationUnit: 'aggregation_unit',
  resultsReadAt: 'results_read_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

@Injectable()
export class CampaignRunsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** How many runs are in each status (for the metrics). */
  async countByStatus(): Promise<{ status: string; count: number }[]> {
    const groups = await this.prisma.client.campaignRun.groupBy({ by: ['status'], _count: { _all: true } });
    return groups.map((group) => ({ status: group.status, count: group._count._all }));
  }

  /** Outside a transaction a prepared statement on the pg pool: the console polls a sending run's progress. */
  async findById(id: string, tx?: Transaction): Promise<CampaignRun | null> {
    if (tx) return this.prisma.db(tx).campaignRun.findUnique({ where: { id } });
    const { rows } = await this.prisma.pool.query({
      name: 'campaign-runs.by-id',
      text: `SELECT ${RUN.select('r')} FROM campaign_runs r WHERE r.id = $1`,
      values: [id],
    });
    return rows[0] ? RUN.read(rows[0]) : null;
  }

  listForCampaign(campaignId: string, query: PageQueryDto): Promise<(CampaignRun & Keyset)[]> {
    const page = keysetArgs(query);
    return this.prisma.client.campaignRun.findMany({ ...page, where: { AND: [page.where, { campaignId }] } });
  }

  /** Runs across campaigns, newest first, by account, campaign and status (each optional). */
  list(filter: Prisma.CampaignRunWhereInput, query: PageQueryDto): Promise<(CampaignRun & Keyset)[]> {
    const page = keysetArgs(query, 'desc');
    return this.prisma.client.campaignRun.findMany({ ...page, where: { AND: [page.where, filter] } });
  }

  findForCampaign(campaignId: string, where: Prisma.CampaignRunWhereInput, tx: Transaction): Promise<CampaignRun[]> {
    return this.prisma.db(tx).campaignRun.findMany({
      where: { ...where, campaignId },
      orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * Creates the run unless one exists for the same campaign, approved version and time, and returns
   * whichever is there: asking twice for the same occurrence (a retried hook) makes one run.
   */
  async createOnce(
    data: Prisma.CampaignRunUncheckedCreateInput,
    tx: Transaction,
  ): Promise<{ run: CampaignRun; created: boolean }> {
    const { count } = await this.prisma.db(tx).campaignRun.createMany({ data: [data], skipDuplicates: true });
    const run = await this.prisma.db(tx).campaignRun.findUniqueOrThrow({
      where: {
        campaignId_campaignVersion_scheduledAt: {
          campaignId: data.campaignId,
          campaignVersion: data.campaignVersion,
          scheduledAt: data.scheduledAt,
        },
      },
    });
    return { run, created: count === 1 };
  }

  /** A deferred remainder; the unique key on deferred_from_run_id makes a second one for the same run fail. */
  create(data: Prisma.CampaignRunUncheckedCreateInput, tx: Transaction): Promise<CampaignRun> {
    return this.prisma.db(tx).campaignRun.create({ data });
  }

  /**
   * An A/B test's remainder, unless the test has one: the unique key on ab_remainder_of_run_id lets
   * one insert through (a concurrent one waits for it and then inserts nothing), and whichever is
   * there is returned. `created` is false when another transaction made it.
   */
  async createAbRemainderOnce(
    data: Prisma.CampaignRunUncheckedCreateInput & { abRemainderOfRunId: string },
    tx: Transaction,
  ): Promise<{ run: CampaignRun; created: boolean }> {
    const { count } = await this.prisma.db(tx).campaignRun.createMany({ data: [data], skipDuplicates: true });
    const run = await this.prisma.db(tx).campaignRun.findUnique({
      where: { abRemainderOfRunId: data.abRemainderOfRunId },
    });
    // Skipped on another key (a run of the campaign at that very time) with no remainder: not ours to hide.
    if (!run) throw new Error(`the remainder of A/B test run ${data.abRemainderOfRunId} could not be created`);
    return { run, created: count === 1 };
  }

  findAbTestRuns(testRunId: string, tx?: Transaction): Promise<CampaignRun[]> {
    return this.prisma.db(tx).campaignRun.findMany({
      where: { abTestRunId: testRunId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /**
   * A/B test remainders whose wait is over and whose variants have all finished (their figures are
   * final enough, and none still settles into the shared reservation), not held by another instance.
   */
  abRemaindersDue(now: Date, limit: number): Promise<{ id: string; campaignId: string }[]> {
    return this.prisma.client.$queryRaw<{ id: string; campaignId: string }[]>`
      SELECT r.id::text, r.campaign_id::text AS "campaignId" FROM campaign_runs r
       WHERE r.trigger = 'ab_remainder' AND r.status = 'scheduled' AND r.ab_decided_at IS NULL
         AND r.scheduled_at <= ${now.toISOString()}::timestamptz
         AND (r.lease_expires_at IS NULL OR r.lease_expires_at < now())
         AND NOT EXISTS (SELECT 1 FROM campaign_runs v WHERE v.ab_test_run_id = r.ab_test_run_id AND v.id <> r.id
                           AND v.status IN ('scheduled', 'sending', 'paused'))
       ORDER BY r.scheduled_at, r.id LIMIT ${limit}`;
  }

  /** Takes the remainder's decision for `owner` for `leaseSeconds` (one instance reads LINE for it at a time). */
  async claimAbRemainder(runId: string, owner: string, leaseSeconds: number, tx: Transaction): Promise<boolean> {
    const count = await this.prisma.db(tx).$executeRaw`
      UPDATE campaign_runs SET lease_owner = ${owner}, lease_expires_at = now() + make_interval(secs => ${leaseSeconds})
       WHERE id = ${runId}::uuid AND trigger = 'ab_remainder' AND status = 'scheduled' AND ab_decided_at IS NULL
         AND (lease_expires_at IS NULL OR lease_expires_at < now())`;
    return count === 1;
  }

  /**
   * A failed read of the remainder's figures, by the instance holding its decision: the failures so
   * far become `failures`, and the lease runs `delayMs` from now (PostgreSQL's clock, as the claim's),
   * so no instance reads again before the back-off is over. False when the lease is no longer `owner`'s.
   */
  async holdAbDecision(runId: string, owner: string, failures: number, delayMs: number): Promise<boolean> {
    const count = await this.prisma.client.$executeRaw`
      UPDATE campaign_runs SET ab_read_failures = ${failures},
             lease_expires_at = now() + ${delayMs}::int * interval '1 millisecond', updated_at = now()
       WHERE id = ${runId}::uuid AND lease_owner = ${owner} AND status = 'scheduled' AND ab_decided_at IS NULL`;
    return count === 1;
  }

  /** Other runs holding the same reservation in one of `statuses` (an A/B test's runs share one). */
  countSharing(
    reservationId: string,
    exceptRunId: string,
    statuses: readonly CampaignRunStatus[],
    tx: Transaction,
  ): Promise<number> {
    return this.prisma.db(tx).campaignRun.count({
      where: { reservationId, id: { not: exceptRunId }, status: { in: [...statuses] } },
    });
  }

  /** The deferred remainders of these runs. */
  async findDeferredFrom(runIds: string[], tx?: Transaction): Promise<CampaignRun[]> {
    if (runIds.length === 0) return [];
    if (tx) return this.prisma.db(tx).campaignRun.findMany({ where: { deferredFromRunId: { in: runIds } } });
    const { rows } = await this.prisma.pool.query({
      name: 'campaign-runs.deferred-from',
      text: `SELECT ${RUN.select('r')} FROM campaign_runs r WHERE r.deferred_from_run_id = ANY($1::uuid[])`,
      values: [runIds],
    });
    return rows.map((row) => RUN.read(row));
  }

  /** Changes the campaign's runs that are in one of `statuses`; returns the changed rows. */
  updateForCampaign(
    campaignId: string,
    statuses: readonly CampaignRunStatus[],
    data: Prisma.CampaignRunUncheckedUpdateManyInput,
    tx: Transaction,
    where: Prisma.CampaignRunWhereInput = {},
  ): Promise<CampaignRun[]> {
    return this.prisma
      .db(tx)
      .campaignRun.updateManyAndReturn({ where: { ...where, campaignId, status: { in: [...statuses] } }, data });
  }

  update(id: string, data: RunChanges, tx: Transaction): Promise<CampaignRun> {
    return this.prisma.db(tx).campaignRun.update({ where: { id }, data });
  }

  /** The account's runs waiting for their time in [start, end), earliest first (the month's projection). */
  async scheduledWithin(lineAccountId: string, start: Date, end: Date): Promise<CampaignRun[]> {
    // `< end` as `<= end - 1 ms` (the column keeps milliseconds), capped at the last instant the API
    // takes: December 9999 ends in the year 10000, which the driver can't write as a timestamp.
    const last = new Date(Math.min(end.getTime() - 1, LATEST_INSTANT_MS));
    const { rows } = await this.prisma.pool.query({
      name: 'campaign-runs.scheduled-within',
      text: `SELECT ${RUN.select('r')} FROM campaign_runs r
              WHERE r.line_account_id = $1 AND r.status = 'scheduled' AND r.scheduled_at >= $2 AND r.scheduled_at <= $3
              ORDER BY r.scheduled_at, r.id`,
      values: [lineAccountId, start, last],
    });
    return rows.map((row) => RUN.read(row));
  }

  // For dispatch: the run rows the scheduler, the gate and the workers lock and move.
  /**
   * Runs due at `now` (the service's clock), oldest first; the gate locks and re-checks each one. A
   * run due inside its account's quiet hours is not due yet: it waits for them to end (and says so,
   * CampaignRunsService.waitingFor).
   */
  async dueRuns(now: Date, limit: number): Promise<{ id: string; campaignId: string }[]> {
    return this.prisma.client.$queryRawUnsafe<{ id: string; campaignId: string }[]>(
      `SELECT r.id::text, r.campaign_id::text AS "campaignId" FROM campaign_runs r JOIN line_accounts a ON a.id = r.line_account_id
        WHERE r.status = 'scheduled' AND r.scheduled_at <= $1::timestamptz AND ${MAY_START_NOW}
        ORDER BY r.scheduled_at, r.id LIMIT $2`,
      now.toISOString(),
      limit,
    );
  }

  /** The run's row, locked, if it is still scheduled and due at `now` (quiet hours too) and no other instance holds it. */
  async lockDueRun(runId: string, now: Date, tx: Transaction): Promise<boolean> {
    const rows = await this.prisma.db(tx).$queryRawUnsafe<{ id: string }[]>(
      `SELECT r.id::text FROM campaign_runs r JOIN line_accounts a ON a.id = r.line_account_id
        WHERE r.id = $2::uuid AND r.status = 'scheduled' AND r.scheduled_at <= $1::timestamptz AND ${MAY_START_NOW}
          FOR UPDATE OF r SKIP LOCKED`,
      now.toISOString(),
      runId,
    );
    return rows.length === 1;
  }

  async lockRun(runId: string, tx: Transaction): Promise<void> {
    await this.prisma.db(tx).$queryRaw`SELECT id FROM campaign_runs WHERE id = ${runId}::uuid FOR UPDATE`;
  }

  async requestStop(runId: string, reason: string, tx: Transaction): Promise<void> {
    await this.prisma.db(tx)
      .$executeRaw`UPDATE campaign_runs SET stop_requested = ${reason} WHERE id = ${runId}::uuid AND status = 'sending'`;
  }

  /** The campaign's runs that started sending, in the order they started. */
  /**
   * The campaign's runs under way — sending or paused, or a part of its send waiting for its time
   * (an A/B test's remainder, the rest deferred to the reset) — each with its recipients not yet
   * sent (its batches still pending or being sent), for the forecast of what is left to send.
   */
  async underWay(campaignId: string): Promise<{ run: CampaignRun; unsent: number }[]> {
    const runs = await this.prisma.client.campaignRun.findMany({
      where: {
        campaignId,
        OR: [
          { status: { in: ['sending', 'paused'] } },
          { status: 'scheduled', trigger: { in: ['ab_remainder', 'deferred'] } },
        ],
      },
      orderBy: [{ scheduledAt: 'asc' }, { id: 'asc' }],
    });
    if (runs.length === 0) return [];
    const ids = runs.map((run) => run.id);
    const rows = await this.prisma.client.$queryRaw<{ run_id: string; unsent: number }[]>`
      SELECT run_id::text AS run_id, coalesce(sum(recipients), 0)::int AS unsent FROM run_batches
       WHERE run_id = ANY(${ids}::uuid[]) AND status IN ('pending', 'sending') GROUP BY run_id`;
    const unsent = new Map(rows.map((row) => [row.run_id, row.unsent]));
    return runs.map((run) => ({ run, unsent: unsent.get(run.id) ?? 0 }));
  }

  listStartedForCampaign(campaignId: string): Promise<CampaignRun[]> {
    return this.prisma.client.campaignRun.findMany({
      where: { campaignId, startedAt: { not: null } },
      orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
    });
  }

  // For results: runs whose aggregation unit LINE still updates, read oldest-refreshed first.
  /** Accounts with a run whose results are due a reading (started after `since`, not read after `readBefore`). */
  async accountsWithResultsDue(since: Date, readBefore: Date): Promise<string[]> {
    const rows = await this.prisma.client.$queryRaw<{ id: string }[]>`
      SELECT DISTINCT line_account_id::text AS id FROM campaign_runs
       WHERE aggregation_unit IS NOT NULL AND started_at > ${since}
         AND (results_read_at IS NULL OR results_read_at <= ${readBefore})`;
    return rows.map((row) => row.id);
  }

  /**
   * The account's run whose results were read longest ago (never read first), locked so no other
   * instance takes the same turn, and marked read at `now`.
   */
  async claimForResults(
    tx: Transaction,
    lineAccountId: string,
    since: Date,
    readBefore: Date,
    now: Date,
  ): Promise<ResultsRun | null> {
    const rows = await this.prisma.db(tx).$queryRaw<ResultsRun[]>`
      UPDATE campaign_runs SET results_read_at = ${now}
       WHERE id = (SELECT id FROM campaign_runs
                    WHERE line_account_id = ${lineAccountId}::uuid AND aggregation_unit IS NOT NULL
                      AND started_at > ${since} AND (results_read_at IS NULL OR results_read_at <= ${readBefore})
                    ORDER BY results_read_at ASC NULLS FIRST, started_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id::text, campaign_id::text AS "campaignId", line_account_id::text AS "lineAccountId",
                aggregation_unit AS "aggregationUnit", started_at AS "startedAt"`;
    return rows[0] ?? null;
  }

  async markResultsRead(tx: Transaction, runIds: readonly string[], now: Date): Promise<void> {
    await this.prisma
      .db(tx)
      .campaignRun.updateMany({ where: { id: { in: [...runIds] } }, data: { resultsReadAt: now } });
  }

  async addRunProgress(
    runId: string,
    delta: { batchesDone: number; delivered: number; failed: number; messages: number; cost: string },
    tx: Transaction,
  ): Promise<void> {
    await this.prisma.db(tx)
      .$executeRaw`UPDATE campaign_runs SET batches_done = batches_done + ${delta.batchesDone}, delivered = delivered + ${delta.delivered},
        failed = failed + ${delta.failed}, actual_messages = actual_messages + ${delta.messages}, actual_cost = actual_cost + ${delta.cost}::numeric,
        updated_at = now()
      WHERE id = ${runId}::uuid`;
  }
}
