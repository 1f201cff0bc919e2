import { Injectable } from '@nestjs/common';
import type { Campaign, CampaignRun, CampaignRunStatus, LineAccount, Prisma } from '@lcm/database';
import { formatLocalTime, isRecurring, nextSendAfter, quietAt } from '@lcm/domain/schedules';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { Keyset, Page, PageQueryDto, toPage } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import type { ReservationRow } from '../billing/ledger.repository';
import { ForecastsService } from '../billing/forecasts.service';
import { LedgerService } from '../billing/ledger.service';
import type { Transaction } from '../database/prisma.service';
import { FrequencyCapsService } from '../frequency-caps/frequency-caps.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { quietHoursOf } from '../line-accounts/line-accounts.mapper';
import { campaignStatusAfterRun, LIVE_STATUSES } from './campaign-workflow';
import { RunListQueryDto, RunResponseDto } from './campaign-runs.dto';
import { CampaignRunsRepository, ResultsRun, RunChanges } from './campaign-runs.repository';
import { CampaignsRepository } from './campaigns.repository';
import { scheduleOf } from './campaign-schedule';
import { RunWait, toRunResponse } from './campaign-runs.mapper';
import { messageObjectsOf, messagesFor, variantsOf } from './campaign-ab-test';
import type { RunUnderWay } from '@lcm/domain/forecast';
import { Dec, formatAmount } from '@lcm/domain/money';

/** Run statuses after which a run never sends again (retry, a dispatch concern, starts it over). */
export const FINISHED_RUN_STATUSES: readonly CampaignRunStatus[] = [
  'completed',
  'partial',
  'blocked',
  'failed',
  'cancelled',
];

export type RunTrigger = 'schedule' | 'send_now' | 'deferred' | 'ab_variant' | 'ab_remainder';

/** Run statuses in which a run may still send (or hold a reservation it shares). */
const LIVE_RUN_STATUSES: readonly CampaignRunStatus[] = ['scheduled', 'sending', 'paused'];

/**
 * A campaign's runs: one per send. Approval creates the first; each later occurrence of a recurring
 * schedule is created when the previous run finishes (onRunFinished). The scheduler and dispatch
 * (another module) claim due runs, take them through the budget gate and send them.
 */
@Injectable()
export class CampaignRunsService {
  constructor(
    private readonly repository: CampaignRunsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly accounts: LineAccountsService,
    private readonly forecasts: ForecastsService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly frequencyCaps: FrequencyCapsService,
  ) {}

  /** How many runs are in each status (for the metrics). */
  countByStatus(): Promise<{ status: string; count: number }[]> {
    return this.repository.countByStatus();
  }

  async list(campaignId: string, query: PageQueryDto): Promise<Page<RunResponseDto>> {
    const campaign = await this.campaigns.findById(campaignId);
    if (!campaign) throw ApiError.notFound(`campaign ${campaignId}`);
    const account = await this.accounts.mustFind(campaign.lineAccountId);
    const rows = await this.repository.listForCampaign(campaignId, query);
    return this.toResponses(rows, query, () => account);
  }

  /** Runs across campaigns, newest first: one request for a screen of every campaign's runs. */
  async listAcross(query: RunListQueryDto): Promise<Page<RunResponseDto>> {
    if (query.lineAccountId) await this.accounts.mustFind(query.lineAccountId);
    const rows = await this.repository.list(
      {
        ...(query.lineAccountId ? { lineAccountId: query.lineAccountId } : {}),
        ...(query.campaignId ? { campaignId: query.campaignId } : {}),
        ...(query.status ? { status: query.status } : {}),
      },
      query,
    );
    const accounts = new Map((await this.accounts.listAll()).map((a) => [a.id, a]));
    return this.toResponses(rows, query, (run) => accounts.get(run.lineAccountId)!);
  }

  private async toResponses(
    rows: (CampaignRun & Keyset)[],
    query: PageQueryDto,
    accountOf: (run: CampaignRun) => LineAccount,
  ): Promise<Page<RunResponseDto>> {
    const [forecasts, reservations, deferred, names] = await Promise.all([
      this.gateForecasts(rows),
      this.reservationsOf(rows),
      this.deferredOf(rows),
      this.variantNamesOf(rows),
    ]);
    const now = this.clock.now();
    return toPage(rows, query, (run) =>
      toRunResponse(
        run,
        accountOf(run).currency,
        forecasts.get(run.id) ?? null,
        reservations.get(run.reservationId ?? '') ?? null,
        now,
        waitingFor(run, accountOf(run), now),
        deferred.get(run.id) ?? null,
        names.get(run.campaignId) ?? [],
      ),
    );
  }

  async get(id: string): Promise<RunResponseDto> {
    const run = await this.repository.findById(id);
    if (!run) throw ApiError.notFound(`run ${id}`);
    const [account, forecasts, reservations, deferred, names] = await Promise.all([
      this.accounts.mustFind(run.lineAccountId),
      this.gateForecasts([run]),
      this.reservationsOf([run]),
      this.deferredOf([run]),
      this.variantNamesOf([run]),
    ]);
    const now = this.clock.now();
    return toRunResponse(
      run,
      account.currency,
      forecasts.get(run.id) ?? null,
      reservations.get(run.reservationId ?? '') ?? null,
      now,
      waitingFor(run, account, now),
      deferred.get(run.id) ?? null,
      names.get(run.campaignId) ?? [],
    );
  }

  /** The variant names of the A/B tests among these runs, by campaign. */
  private async variantNamesOf(runs: CampaignRun[]): Promise<Map<string, string[]>> {
    const ids = [...new Set(runs.filter((run) => run.abTestRunId).map((run) => run.campaignId))];
    const campaigns = await Promise.all(ids.map((id) => this.campaigns.findById(id)));
    return new Map(
      campaigns.flatMap((campaign) =>
        campaign ? [[campaign.id, (variantsOf(campaign) ?? []).map((variant) => variant.name)] as const] : [],
      ),
    );
  }

  /** A run under the campaign's approval in force, due at `scheduledAt`. Idempotent per (approval, time). */
  async create(
    campaign: Campaign,
    scheduledAt: Date,
    trigger: RunTrigger,
    actorId: string | null,
    tx: Transaction,
    quietHoursOverride = false,
  ): Promise<CampaignRun> {
    return (await this.createOnce(campaign, scheduledAt, trigger, actorId, tx, 'scheduled', quietHoursOverride)).run;
  }

  private createOnce(
    campaign: Campaign,
    scheduledAt: Date,
    trigger: RunTrigger,
    actorId: string | null,
    tx: Transaction,
    status: CampaignRunStatus = 'scheduled',
    quietHoursOverride = false,
  ): Promise<{ run: CampaignRun; created: boolean }> {
    if (
      campaign.approvedVersion === null ||
      campaign.approvedRecipients === null ||
      campaign.approvedMessages === null ||
      campaign.approvedCost === null
    ) {
      throw new Error(`campaign ${campaign.id} has no approval to run under`);
    }
    return this.repository.createOnce(
      {
        campaignId: campaign.id,
        lineAccountId: campaign.lineAccountId,
        status,
        trigger,
        triggeredById: actorId,
        scheduledAt,
        campaignVersion: campaign.approvedVersion,
        approvedForecastId: campaign.approvedForecastId,
        approvedRecipients: campaign.approvedRecipients,
        approvedMessages: campaign.approvedMessages,
        approvedCost: campaign.approvedCost,
        quietHoursOverride,
      },
      tx,
    );
  }

  /**
   * Whether the run may go through the gate now: its campaign's approval in force is the one the
   * run carries (an edit needs a withdrawal, which discards the approval and cancels the runs, so
   * an edited campaign can't reach an old run) and the campaign is live. Dispatch calls this in the
   * gate's transaction after locking the campaign row (CampaignsRepository.lockById).
   */
  mayStart(run: CampaignRun, campaign: Campaign): boolean {
    return (
      run.status === 'scheduled' &&
      campaign.approvedVersion === run.campaignVersion &&
      LIVE_STATUSES.includes(campaign.status)
    );
  }

  /** Hook for dispatch when a run starts sending: the campaign shows `sending`. */
  async onRunStarted(runId: string, tx: Transaction): Promise<void> {
    const run = await this.mustFind(runId, tx);
    await this.campaigns.updateWhere(
      run.campaignId,
      { statuses: ['approved', 'blocked', 'failed'] },
      { status: 'sending' },
      tx,
    );
  }

  /**
   * Hook for dispatch, in the transaction that gives a run its final status (completed, partial,
   * blocked, failed, or cancelled on a stop request). For a recurring campaign it creates the run of
   * the next occurrence after both the finished run's time and now (missed occurrences are skipped,
   * not caught up), until the schedule's end; on a paused campaign that run waits paused. Then the
   * campaign's status follows (campaignStatusAfterRun). Safe to call again for the same run, at any
   * later time: a run already chained from it is left alone.
   */
  async onRunFinished(runId: string, tx: Transaction): Promise<CampaignRun | null> {
    const finished = await this.mustFind(runId, tx);
    if (!FINISHED_RUN_STATUSES.includes(finished.status))
      throw new Error(`run ${runId} is ${finished.status}, not finished`);
    const campaign = await this.campaigns.lockById(finished.campaignId, tx);
    const paused = campaign?.status === 'paused';
    if (
      !campaign ||
      campaign.approvedVersion !== finished.campaignVersion ||
      !(paused || LIVE_STATUSES.includes(campaign.status))
    )
      return null;
    const schedule = scheduleOf(campaign);
    let next: { run: CampaignRun; created: boolean } | null = null;
    if (finished.trigger === 'schedule' && finished.status !== 'cancelled' && isRecurring(schedule)) {
      const chained = await this.repository.findForCampaign(
        campaign.id,
        { campaignVersion: finished.campaignVersion, trigger: 'schedule', scheduledAt: { gt: finished.scheduledAt } },
        tx,
      );
      const at = nextSendAfter(
        schedule,
        new Date(Math.max(finished.scheduledAt.getTime(), this.clock.now().getTime())),
      );
      if (!chained.length && at)
        next = await this.createOnce(campaign, at, 'schedule', null, tx, paused ? 'paused' : 'scheduled');
    }
    const waiting = await this.repository.findForCampaign(
      campaign.id,
      { campaignVersion: finished.campaignVersion, status: { in: ['scheduled', 'sending', 'paused'] } },
      tx,
    );
    const status = paused ? campaign.status : campaignStatusAfterRun(finished.status, waiting, campaign.status);
    if (status !== campaign.status || next?.created) {
      await this.campaigns.updateWhere(campaign.id, { statuses: [campaign.status] }, { status }, tx);
      await this.audit.record(
        {
          actorId: null,
          action: 'campaign.run_finished',
          entityType: 'campaign',
          entityId: campaign.id,
          before: { status: campaign.status },
          after: {
            status,
            run: { id: finished.id, status: finished.status },
            nextRun: next ? { id: next.run.id, scheduledAt: next.run.scheduledAt } : null,
          },
        },
        tx,
      );
    }
    return next?.run ?? null;
  }

  /**
   * Waiting runs stop for good, and what a run paused mid-send still holds in the ledger is given
   * back (locks: campaign row, then the account's month, the gate's order); a sending run is asked
   * to stop between batches.
   */
  async cancelAll(
    campaignId: string,
    now: Date,
    tx: Transaction,
  ): Promise<{ cancelled: CampaignRun[]; stopping: CampaignRun[] }> {
    const cancelled = await this.repository.updateForCampaign(
      campaignId,
      ['scheduled', 'paused'],
      { status: 'cancelled', finishedAt: now, leaseOwner: null, leaseExpiresAt: null },
      tx,
    );
    for (const run of cancelled) {
      if (run.reservationId) await this.releaseShared(run.reservationId, run.id, tx);
      // A deferred rest or an A/B test's remainder counted against its recipients' caps while it waited;
      // cancelled, it won't come.
      if ((run.deferredFromRunId || run.trigger === 'ab_remainder') && !run.startedAt)
        await this.frequencyCaps.forgetRun(run.id, tx);
    }
    const stopping = await this.repository.updateForCampaign(campaignId, ['sending'], { stopRequested: 'cancel' }, tx);
    return { cancelled, stopping };
  }

  async pauseAll(campaignId: string, tx: Transaction): Promise<{ paused: CampaignRun[]; stopping: CampaignRun[] }> {
    const paused = await this.repository.updateForCampaign(campaignId, ['scheduled'], { status: 'paused' }, tx);
    const stopping = await this.repository.updateForCampaign(campaignId, ['sending'], { stopRequested: 'pause' }, tx, {
      stopRequested: null,
    });
    return { paused, stopping };
  }

  /**
   * Paused runs go back: one that had started to `sending` with no lease (any worker may pick it
   * up), one that hadn't to `scheduled`. An overdue occurrence of a recurring schedule moves to the
   * next one (a weekly send paused over its Monday doesn't go out on Wednesday); an overdue one-off
   * goes at once. A pause not yet honoured by a sending run is withdrawn.
   */
  async resumeAll(campaign: Campaign, now: Date, tx: Transaction): Promise<CampaignRun[]> {
    await this.repository.updateForCampaign(campaign.id, ['sending'], { stopRequested: null }, tx, {
      stopRequested: 'pause',
    });
    const started = await this.repository.updateForCampaign(
      campaign.id,
      ['paused'],
      { status: 'sending', leaseOwner: null, leaseExpiresAt: null },
      tx,
      { startedAt: { not: null } },
    );
    const resumed = await this.repository.updateForCampaign(campaign.id, ['paused'], { status: 'scheduled' }, tx);
    const schedule = scheduleOf(campaign);
    const result: CampaignRun[] = [...started];
    for (const run of resumed) {
      if (run.trigger !== 'schedule' || !isRecurring(schedule) || run.scheduledAt.getTime() > now.getTime()) {
        result.push(run);
        continue;
      }
      const at = nextSendAfter(schedule, now);
      if (at) result.push(await this.repository.update(run.id, { scheduledAt: at }, tx));
      else await this.repository.update(run.id, { status: 'cancelled', finishedAt: now }, tx);
    }
    return result;
  }

  findForCampaign(
    campaignId: string,
    statuses: readonly CampaignRunStatus[],
    tx: Transaction,
    campaignVersion?: number,
  ): Promise<CampaignRun[]> {
    return this.repository.findForCampaign(
      campaignId,
      { status: { in: [...statuses] }, ...(campaignVersion === undefined ? {} : { campaignVersion }) },
      tx,
    );
  }

  /**
   * Policy defer: the rest of `from`, a second run of the same campaign under the same approval,
   * scheduled at `at` (the next monthly reset). Dispatch carries the snapshot rows over to it.
   */
  createDeferred(from: CampaignRun, at: Date, note: object, tx: Transaction): Promise<CampaignRun> {
    return this.repository.create(
      {
        campaignId: from.campaignId,
        lineAccountId: from.lineAccountId,
        status: 'scheduled',
        trigger: 'deferred',
        triggeredById: null,
        scheduledAt: at,
        campaignVersion: from.campaignVersion,
        approvedForecastId: from.approvedForecastId,
        approvedRecipients: from.approvedRecipients,
        approvedMessages: from.approvedMessages,
        approvedCost: from.approvedCost,
        deferredFromRunId: from.id,
        blockReasons: [note],
      },
      tx,
    );
  }

  /**
   * An A/B test's other runs, made at the first run's gate in its transaction: variants B… go out at
   * once (`sending`), the remainder waits `scheduled` for the winner. They share the first run's
   * reservation (the whole test was reserved once) and its approval.
   */
  createAbRun(
    from: CampaignRun,
    part: { trigger: 'ab_variant'; variant: number; startedAt: Date },
    fields: RunChanges & { reservationId: string | null },
    tx: Transaction,
  ): Promise<CampaignRun> {
    return this.repository.create(
      {
        ...abRunOf(from),
        status: 'sending',
        trigger: part.trigger,
        // Variant i's run is due i ms after the first: runs are unique per (campaign, approval, time).
        scheduledAt: new Date(from.scheduledAt.getTime() + part.variant),
        startedAt: part.startedAt,
        variant: part.variant,
        ...(fields as object),
      } as Prisma.CampaignRunUncheckedCreateInput,
      tx,
    );
  }

  /**
   * The test's remainder, scheduled at `at`, unless the test has one already (a unique key decides,
   * across instances): `created` false means another transaction made it, and that one is returned.
   */
  createAbRemainder(
    from: CampaignRun,
    at: Date,
    fields: RunChanges & { reservationId: string | null },
    tx: Transaction,
  ): Promise<{ run: CampaignRun; created: boolean }> {
    return this.repository.createAbRemainderOnce(
      {
        ...abRunOf(from),
        status: 'scheduled',
        trigger: 'ab_remainder',
        scheduledAt: at,
        startedAt: null,
        variant: null,
        abRemainderOfRunId: from.id,
        ...(fields as object),
      } as Prisma.CampaignRunUncheckedCreateInput & { abRemainderOfRunId: string },
      tx,
    );
  }

  abRemaindersDue(now: Date, limit: number): Promise<{ id: string; campaignId: string }[]> {
    return this.repository.abRemaindersDue(now, limit);
  }

  claimAbRemainder(runId: string, owner: string, leaseSeconds: number, tx: Transaction): Promise<boolean> {
    return this.repository.claimAbRemainder(runId, owner, leaseSeconds, tx);
  }

  /** The remainder's decision waits `delayMs` after a failed read of LINE (see the repository). */
  holdAbDecision(runId: string, owner: string, failures: number, delayMs: number): Promise<boolean> {
    return this.repository.holdAbDecision(runId, owner, failures, delayMs);
  }

  /** Every run of an A/B test (its first run's id), the first included. */
  findAbTestRuns(testRunId: string, tx?: Transaction): Promise<CampaignRun[]> {
    return this.repository.findAbTestRuns(testRunId, tx);
  }

  /**
   * Releases what the reservation still holds, unless another run that shares it (an A/B test's
   * runs share the test's) may still send: the last of them gives it back.
   */
  async releaseShared(reservationId: string, exceptRunId: string, tx: Transaction): Promise<void> {
    const sharing = await this.repository.countSharing(reservationId, exceptRunId, LIVE_RUN_STATUSES, tx);
    if (sharing === 0) await this.ledger.releaseInTransaction(reservationId, tx);
  }

  /** The run's deferred remainder, if policy defer left one. */
  async findDeferredFrom(runId: string, tx?: Transaction): Promise<CampaignRun | null> {
    return (await this.repository.findDeferredFrom([runId], tx))[0] ?? null;
  }

  /** A waiting run brought forward to now by send-now. */
  bringForward(
    run: CampaignRun,
    now: Date,
    actorId: string,
    tx: Transaction,
    quietHoursOverride = false,
  ): Promise<CampaignRun> {
    return this.repository.update(
      run.id,
      { status: 'scheduled', scheduledAt: now, trigger: 'send_now', triggeredById: actorId, quietHoursOverride },
      tx,
    );
  }

  private async mustFind(id: string, tx?: Transaction): Promise<CampaignRun> {
    const run = await this.repository.findById(id, tx);
    if (!run) throw ApiError.notFound(`run ${id}`);
    return run;
  }

  // For dispatch, which reads and moves runs through this service (the table is this feature's).
  findById(id: string, tx?: Transaction): Promise<CampaignRun | null> {
    return this.repository.findById(id, tx);
  }

  update(id: string, data: RunChanges, tx: Transaction): Promise<CampaignRun> {
    return this.repository.update(id, data, tx);
  }

  dueRuns(now: Date, limit: number): Promise<{ id: string; campaignId: string }[]> {
    return this.repository.dueRuns(now, limit);
  }

  lockDueRun(runId: string, now: Date, tx: Transaction): Promise<boolean> {
    return this.repository.lockDueRun(runId, now, tx);
  }

  lockRun(runId: string, tx: Transaction): Promise<void> {
    return this.repository.lockRun(runId, tx);
  }

  requestStop(runId: string, reason: string, tx: Transaction): Promise<void> {
    return this.repository.requestStop(runId, reason, tx);
  }

  addRunProgress(
    runId: string,
    delta: { batchesDone: number; delivered: number; failed: number; messages: number; cost: string },
    tx: Transaction,
  ): Promise<void> {
    return this.repository.addRunProgress(runId, delta, tx);
  }

  /**
   * The campaign's runs under way, as the forecast of the rest of its send reads them: what each
   * has still to send, in which content, and what its held reservation still holds.
   */
  async underWay(campaign: Pick<Campaign, 'id' | 'messages' | 'variants'>): Promise<RunUnderWay[]> {
    const rows = await this.repository.underWay(campaign.id);
    const reservations = await this.reservationsOf(rows.map((row) => row.run));
    return rows.map(({ run, unsent }) => {
      const reservation = run.reservationId ? reservations.get(run.reservationId) : undefined;
      return {
        id: run.id,
        status: run.status as RunUnderWay['status'],
        scheduledAt: run.scheduledAt,
        unsent,
        // An undecided A/B remainder may get any variant: the largest, as the test's forecast counts it.
        messageObjects: run.variant === null ? messageObjectsOf(campaign) : messagesFor(campaign, run.variant).length,
        held:
          reservation && reservation.status === 'held'
            ? {
                reservationId: reservation.id,
                month: reservation.month,
                messages: reservation.messages - reservation.settledMessages,
                cost: formatAmount(Dec(reservation.cost).minus(reservation.settledCost)),
              }
            : null,
      };
    });
  }

  // For results, which reads runs and takes their reading turns through this service.
  listStartedForCampaign(campaignId: string): Promise<CampaignRun[]> {
    return this.repository.listStartedForCampaign(campaignId);
  }

  accountsWithResultsDue(since: Date, readBefore: Date): Promise<string[]> {
    return this.repository.accountsWithResultsDue(since, readBefore);
  }

  claimForResults(
    tx: Transaction,
    lineAccountId: string,
    since: Date,
    readBefore: Date,
    now: Date,
  ): Promise<ResultsRun | null> {
    return this.repository.claimForResults(tx, lineAccountId, since, readBefore, now);
  }

  markResultsRead(tx: Transaction, runIds: readonly string[], now: Date): Promise<void> {
    return this.repository.markResultsRead(tx, runIds, now);
  }

  private async reservationsOf(runs: CampaignRun[]): Promise<Map<string, ReservationRow>> {
    const ids = runs.flatMap((run) => (run.reservationId ? [run.reservationId] : []));
    return new Map((await this.ledger.findReservations(ids)).map((row) => [row.id, row]));
  }

  /** Each run's deferred remainder's id, by the run's id. */
  private async deferredOf(runs: CampaignRun[]): Promise<Map<string, string>> {
    const remainders = await this.repository.findDeferredFrom(runs.filter((run) => run.deferSeed).map((run) => run.id));
    return new Map(remainders.map((remainder) => [remainder.deferredFromRunId!, remainder.id]));
  }

  private async gateForecasts(runs: CampaignRun[]): Promise<Map<string, unknown>> {
    const ids = runs.flatMap((run) => (run.forecastId ? [run.forecastId] : []));
    const records = new Map((await this.forecasts.findMany(ids)).map((record) => [record.id, record.result]));
    return new Map(runs.map((run) => [run.id, records.get(run.forecastId ?? '') ?? null]));
  }
}

/**
 * What a run is waiting for now, in words, when quiet hours hold it: a due run is not started (the
 * due-run query leaves it out) and a sending one has no batch claimed until the window ends.
 */
/**
 * When a scheduled run will start: its time, or the end of the quiet hours that hold it (once due,
 * its waitingUntil), which may fall in the next month. Runs with an approver's override go on time.
 */
export function expectedStartOf(run: CampaignRun, account: LineAccount, now: Date): Date {
  const wait = waitingFor(run, account, now);
  if (wait) return wait.until;
  if (run.quietHoursOverride || run.scheduledAt.getTime() <= now.getTime()) return run.scheduledAt;
  return quietAt(run.scheduledAt, quietHoursOf(account), account.timezone)?.end ?? run.scheduledAt;
}

export function waitingFor(run: CampaignRun, account: LineAccount, now: Date): RunWait | null {
  if (run.quietHoursOverride) return null;
  const due = run.status === 'scheduled' && run.scheduledAt.getTime() <= now.getTime();
  if (!due && run.status !== 'sending') return null;
  const window = quietAt(now, quietHoursOf(account), account.timezone);
  if (!window) return null;
  const at = formatLocalTime(window.end, account.timezone);
  const detail = due
    ? `waiting for quiet hours to end at ${at}`
    : `paused between batches for quiet hours; resumes at ${at}`;
  return {
    until: window.end,
    detail,
    details: [{ code: due ? 'quiet_hours.waiting' : 'quiet_hours.paused', params: { at }, text: detail }],
  };
}

/** What every run of an A/B test takes from its first run: campaign, account, approval and quiet hours. */
function abRunOf(from: CampaignRun) {
  return {
    campaignId: from.campaignId,
    lineAccountId: from.lineAccountId,
    triggeredById: null,
    abTestRunId: from.id,
    campaignVersion: from.campaignVersion,
    approvedForecastId: from.approvedForecastId,
    approvedRecipients: from.approvedRecipients,
    approvedMessages: from.approvedMessages,
    approvedCost: from.approvedCost,
    quietHoursOverride: from.quietHoursOverride,
  };
}
