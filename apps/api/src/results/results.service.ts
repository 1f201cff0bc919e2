import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { Campaign, CampaignRun, LineAccount } from '@lcm/database';
import { resultsPeriod } from '@lcm/domain/results';
import { describeOutcome, LineOutcome, LineUnitStatistics } from '@lcm/line-client';
import { CampaignReadsService } from '../campaigns/campaign-reads.service';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import type { ResultsRun } from '../campaigns/campaign-runs.repository';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { LineGateway } from '../line/line-gateway';
import { AggregationUnitsService, NO_UNIT_NOTE } from './aggregation-units.service';
import type { AbTestResultsDto, CampaignResultsDto, RunResultsDto } from './results.dto';
import { abTestOf, variantsOf } from '../campaigns/campaign-ab-test';
import { toRunResults, totalOf } from './results.mapper';
import { RunResultReadingsRepository } from './run-result-readings.repository';
import { StatisticsBudgetService } from './statistics-budget.service';

/** LINE keeps a unit's figures changing until 14 days after the send day: runs started within this are read. */
export const RESULTS_WINDOW_MS = 15 * 86_400_000;

/**
 * What a campaign's sends did, from LINE's statistics per aggregation unit: the readings the job
 * and refreshes stored, shown with the run's delivered count and cost.
 */
@Injectable()
export class ResultsService {
  private readonly logger = new Logger(ResultsService.name);

  constructor(
    private readonly readings: RunResultReadingsRepository,
    private readonly runs: CampaignRunsService,
    private readonly campaigns: CampaignReadsService,
    private readonly accounts: LineAccountsService,
    private readonly units: AggregationUnitsService,
    private readonly budget: StatisticsBudgetService,
    private readonly gateway: LineGateway,
    private readonly clock: Clock,
  ) {}

  async forCampaign(campaignId: string): Promise<CampaignResultsDto> {
    const campaign = await this.campaigns.mustFind(campaignId);
    const account = await this.accounts.mustFind(campaign.lineAccountId);
    const runs = await this.runs.listStartedForCampaign(campaignId);
    const names = (variantsOf(campaign) ?? []).map((variant) => variant.name);
    const views = (await this.views(runs, account.currency)).map((view) => ({
      ...view,
      variantName: view.variant ? (names[view.variant.charCodeAt(0) - 65] ?? null) : null,
    }));
    return {
      campaignId,
      currency: account.currency,
      total: totalOf(views, account.currency),
      runs: views,
      abTest: await this.abTestResults(campaign, views),
      aggregationUnits: await this.units.usage(account),
    };
  }

  async forRun(runId: string): Promise<RunResultsDto> {
    const run = await this.runs.findById(runId);
    if (!run) throw ApiError.notFound(`run ${runId}`);
    const account = await this.accounts.mustFind(run.lineAccountId);
    return (await this.views([run], account.currency))[0];
  }

  /**
   * Reads LINE now for each of the campaign's runs LINE still updates, within the channel's hourly
   * budget (all the requests or none: 429 with Retry-After when it is spent). When LINE fails one
   * (502), the budget of that request and of those not made is given back.
   */
  async refresh(campaignId: string): Promise<CampaignResultsDto> {
    const campaign = await this.campaigns.mustFind(campaignId);
    const account = await this.accounts.mustFind(campaign.lineAccountId);
    const now = this.clock.now();
    const due = (await this.runs.listStartedForCampaign(campaignId)).filter(
      (run): run is CampaignRun & { aggregationUnit: string; startedAt: Date } =>
        run.aggregationUnit !== null &&
        run.startedAt !== null &&
        now.getTime() - run.startedAt.getTime() < RESULTS_WINDOW_MS,
    );
    if (due.length > 0) {
      const taken = await this.budget.transaction(async (tx) => {
        const take = await this.budget.take(tx, account.id, due.length, true);
        if (take.ok)
          await this.runs.markResultsRead(
            tx,
            due.map((run) => run.id),
            now,
          );
        return take;
      });
      if (!taken.ok)
        throw ApiError.tooManyRequests(
          `LINE allows ${due.length > 1 ? 'these reads' : 'this read'} of the account's statistics again later (60 an hour per channel, shared with the scheduled reads)`,
          Math.ceil(taken.retryAfterMs / 1000),
        );
      for (const [index, run] of due.entries()) {
        const outcome = await this.read(run, account);
        if (outcome.kind === 'accepted') continue;
        // The budget was taken for every run; the requests that got nothing (this one, unless LINE
        // counted it with its own 429, and the ones never made) give theirs back.
        const counted = outcome.kind === 'rate_limited' ? index + 1 : index;
        await this.budget.giveBack(account.id, due.length - counted, taken.at);
        if (outcome.kind === 'rate_limited')
          throw ApiError.tooManyRequests(
            'LINE refused the read for now (its rate limit)',
            Math.max(1, Math.ceil(outcome.retryAfterMs / 1000)),
          );
        throw new ApiError(HttpStatus.BAD_GATEWAY, `LINE's statistics could not be read: ${describeOutcome(outcome)}`);
      }
    }
    return this.forCampaign(campaignId);
  }

  /** The latest A/B test's variants and remainder, side by side, with its decision. */
  private async abTestResults(campaign: Campaign, views: RunResultsDto[]): Promise<AbTestResultsDto | null> {
    const abTest = abTestOf(campaign);
    const first = [...views].reverse().find((view) => view.abPart === 'variant' && view.variant === 'A');
    if (!abTest || !first) return null;
    const parts = await this.runs.findAbTestRuns(first.runId);
    const ids = new Set(parts.map((run) => run.id));
    const remainderRun = parts.find((run) => run.trigger === 'ab_remainder') ?? null;
    const decision = (remainderRun?.abDecision ?? null) as { outcome?: string } | null;
    const remainder = views.find((view) => view.abPart === 'remainder' && ids.has(view.runId)) ?? null;
    return {
      testRunId: first.runId,
      metric: abTest.metric,
      testShare: abTest.testShare,
      variants: views
        .filter((view) => view.abPart === 'variant' && ids.has(view.runId))
        .sort((a, b) => (a.variant ?? '').localeCompare(b.variant ?? '')),
      remainder,
      // A remainder cancelled before its decision is never decided: it would otherwise read 'waiting' forever.
      outcome: remainderRun?.abDecidedAt
        ? (decision?.outcome ?? null)
        : remainderRun?.status === 'cancelled'
          ? 'cancelled'
          : decision?.outcome === 'wait'
            ? 'wait'
            : 'waiting',
      winner:
        remainderRun?.abDecidedAt && remainderRun.variant !== null
          ? String.fromCharCode(65 + remainderRun.variant)
          : null,
      decision,
    };
  }

  /** One reading of LINE's statistics for the run's unit, stored with its time when LINE answered. */
  async read(
    run: Pick<ResultsRun, 'id' | 'campaignId' | 'aggregationUnit' | 'startedAt'>,
    account: LineAccount,
  ): Promise<LineOutcome<LineUnitStatistics>> {
    const readAt = this.clock.now();
    const period = resultsPeriod(run.startedAt, readAt);
    const outcome = await this.gateway
      .clientFor(account)
      .getStatisticsPerUnit(run.aggregationUnit, period.from, period.to);
    if (outcome.kind !== 'accepted') {
      this.logger.warn({ runId: run.id, outcome: describeOutcome(outcome) }, "LINE's statistics could not be read");
      return outcome;
    }
    await this.readings.add({
      runId: run.id,
      campaignId: run.campaignId,
      aggregationUnit: run.aggregationUnit,
      readAt,
      fromDate: period.from,
      toDate: period.to,
      uniqueImpression: outcome.value.uniqueImpression,
      uniqueClick: outcome.value.uniqueClick,
      uniqueMediaPlayed: outcome.value.uniqueMediaPlayed,
      uniqueMediaPlayed100Percent: outcome.value.uniqueMediaPlayed100Percent,
    });
    return outcome;
  }

  private async views(runs: readonly CampaignRun[], currency: string): Promise<RunResultsDto[]> {
    const readings = await this.readings.listForRuns(runs.map((run) => run.id));
    return runs.map((run) => {
      const noUnit = run.startedAt !== null && !run.aggregationUnit;
      return toRunResults(
        run,
        readings.filter((reading) => reading.runId === run.id),
        currency,
        noUnit ? NO_UNIT_NOTE.message : null,
        noUnit ? NO_UNIT_NOTE.details : undefined,
      );
    });
  }
}
