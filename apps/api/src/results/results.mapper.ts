import type { CampaignRun, RunResultReading } from '@lcm/database';
import type { ReasonDetail } from '@lcm/domain/forecast';
import { Dec, formatAmount, money, sumDecimals } from '@lcm/domain/money';
import {
  costPer,
  countFromLine,
  isoDateOfLineDate,
  NOT_READ,
  rateOf,
  ResultCount,
  resultsFinalAt,
  sumCounts,
} from '@lcm/domain/results';
import type { ResultFiguresDto, ResultReadingDto, RunResultsDto } from './results.dto';

interface Counts {
  uniqueImpressions: ResultCount;
  uniqueClicks: ResultCount;
  uniqueMediaPlayed: ResultCount;
}

interface Costs {
  forecast: string;
  approved: string;
  actual: string;
}

function countsOf(reading: RunResultReading | undefined): Counts {
  if (!reading) return { uniqueImpressions: NOT_READ, uniqueClicks: NOT_READ, uniqueMediaPlayed: NOT_READ };
  return {
    uniqueImpressions: countFromLine(reading.uniqueImpression),
    uniqueClicks: countFromLine(reading.uniqueClick),
    uniqueMediaPlayed: countFromLine(reading.uniqueMediaPlayed),
  };
}

function figures(delivered: number, counts: Counts, costs: Costs, currency: string): ResultFiguresDto {
  const amount = (value: string | null) => (value === null ? null : money(value, currency));
  return {
    delivered,
    ...counts,
    rates: {
      uniqueImpressionRate: rateOf(counts.uniqueImpressions, delivered),
      uniqueClickRate: rateOf(counts.uniqueClicks, delivered),
      uniqueMediaPlayedRate: rateOf(counts.uniqueMediaPlayed, delivered),
    },
    cost: {
      forecast: money(formatAmount(costs.forecast), currency),
      approved: money(formatAmount(costs.approved), currency),
      actual: money(formatAmount(costs.actual), currency),
      difference: money(formatAmount(new Dec(costs.actual).minus(costs.forecast)), currency),
    },
    costPer: {
      thousandDelivered: amount(costPer(costs.actual, delivered, 1000)),
      uniqueImpression: amount(costPer(costs.actual, counts.uniqueImpressions.value)),
      uniqueClick: amount(costPer(costs.actual, counts.uniqueClicks.value)),
    },
  };
}

function costsOf(run: CampaignRun): Costs {
  return {
    forecast: run.reservedCost.toString(),
    approved: run.approvedCost.toString(),
    actual: run.actualCost.toString(),
  };
}

function readingView(reading: RunResultReading): ResultReadingDto {
  return {
    readAt: reading.readAt.toISOString(),
    from: isoDateOfLineDate(reading.fromDate),
    to: isoDateOfLineDate(reading.toDate),
    ...countsOf(reading),
  };
}

/** A run's results from its row and its readings (oldest first): the latest reading decides the figures. */
export function toRunResults(
  run: CampaignRun,
  readings: readonly RunResultReading[],
  currency: string,
  note: string | null,
  noteDetails?: ReasonDetail[],
): RunResultsDto {
  const latest = readings[readings.length - 1];
  return {
    runId: run.id,
    campaignId: run.campaignId,
    status: run.status,
    startedAt: run.startedAt?.toISOString() ?? null,
    aggregationUnit: run.aggregationUnit,
    note,
    ...(note && noteDetails ? { noteDetails } : {}),
    readAt: latest?.readAt.toISOString() ?? null,
    updatesUntil: run.startedAt && run.aggregationUnit ? resultsFinalAt(run.startedAt).toISOString() : null,
    ...figures(run.delivered, countsOf(latest), costsOf(run), currency),
    readings: readings.map(readingView),
    abPart: run.abTestRunId ? (run.trigger === 'ab_remainder' ? 'remainder' : 'variant') : null,
    variant: run.abTestRunId && run.variant !== null ? String.fromCharCode(65 + run.variant) : null,
    variantName: null,
    deferredFromRunId: run.deferredFromRunId,
  };
}

/**
 * An A/B test is forecast, approved and reserved once, whole, by its first run (variant A's); its
 * other runs carry the same approval, and the remainder's gate re-reserves within it, so adding
 * theirs would count the test two or three times over.
 */
function carriesItsForecast(run: RunResultsDto): boolean {
  return run.abPart === null || (run.abPart === 'variant' && run.variant === 'A');
}

/**
 * A deferred rest (policy defer) is a second run under its first run's approval and carries a copy
 * of it; each part reserves (forecasts) only its own share, so only the approval would count twice.
 */
function carriesItsApproval(run: RunResultsDto): boolean {
  return carriesItsForecast(run) && run.deferredFromRunId === null;
}

/**
 * All runs together: counts add up (a part under 20 leaves the total unknown, with a lower bound),
 * costs add up. A rate and a cost per result take only the runs LINE has figures of for that count:
 * a run sent without an aggregation unit (or not read yet) has none, and its delivered messages and
 * cost would otherwise dilute the rate and inflate the cost per result. An A/B test's forecast and
 * approved cost are its first run's (carriesItsForecast), a deferred campaign's approval is its first
 * run's (carriesItsApproval).
 */
export function totalOf(runs: readonly RunResultsDto[], currency: string): ResultFiguresDto {
  const sum = (of: readonly RunResultsDto[], pick: (run: RunResultsDto) => string) =>
    sumDecimals(of.map((run) => new Dec(pick(run)))).toFixed();
  const deliveredOf = (of: readonly RunResultsDto[]) => of.reduce((total, run) => total + run.delivered, 0);
  const counts: Counts = {
    uniqueImpressions: sumCounts(runs.map((run) => run.uniqueImpressions)),
    uniqueClicks: sumCounts(runs.map((run) => run.uniqueClicks)),
    uniqueMediaPlayed: sumCounts(runs.map((run) => run.uniqueMediaPlayed)),
  };
  const total = figures(
    deliveredOf(runs),
    counts,
    {
      forecast: sum(runs.filter(carriesItsForecast), (run) => run.cost.forecast.amount),
      approved: sum(runs.filter(carriesItsApproval), (run) => run.cost.approved.amount),
      actual: sum(runs, (run) => run.cost.actual.amount),
    },
    currency,
  );
  const withFigures = (pick: (run: RunResultsDto) => ResultCount) => {
    const read = runs.filter((run) => isRead(pick(run)));
    return { delivered: deliveredOf(read), actual: sum(read, (run) => run.cost.actual.amount) };
  };
  const impressions = withFigures((run) => run.uniqueImpressions);
  const clicks = withFigures((run) => run.uniqueClicks);
  const media = withFigures((run) => run.uniqueMediaPlayed);
  const amount = (value: string | null) => (value === null ? null : money(value, currency));
  return {
    ...total,
    rates: {
      uniqueImpressionRate: rateOf(counts.uniqueImpressions, impressions.delivered),
      uniqueClickRate: rateOf(counts.uniqueClicks, clicks.delivered),
      uniqueMediaPlayedRate: rateOf(counts.uniqueMediaPlayed, media.delivered),
    },
    costPer: {
      thousandDelivered: total.costPer.thousandDelivered,
      uniqueImpression: amount(costPer(impressions.actual, counts.uniqueImpressions.value)),
      uniqueClick: amount(costPer(clicks.actual, counts.uniqueClicks.value)),
    },
  };
}

/** LINE gave a figure for the count (a number, or "fewer than 20"): the run counts toward its rate. */
function isRead(count: ResultCount): boolean {
  return count.value !== null || count.belowThreshold;
}
