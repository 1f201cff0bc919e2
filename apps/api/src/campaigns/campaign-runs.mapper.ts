import type { CampaignRun } from '@lcm/database';
import { BlockReasonCode, CLEARED_BY } from '@lcm/domain/forecast';
import type { ReasonDetail } from '@lcm/domain/forecast';
import { Dec, formatAmount, money } from '@lcm/domain/money';
import type { ReservationRow } from '../billing/ledger.repository';
import type { RunBlockReasonDto, RunReservationDto, RunResponseDto } from './campaign-runs.dto';

/** Why a run that could go now is held (quiet hours), and until when. */
export interface RunWait {
  until: Date;
  detail: string;
  /** `detail` as a code with its figures, for a client to word in its own language. */
  details: ReasonDetail[];
}

export function toRunResponse(
  run: CampaignRun,
  currency: string,
  forecast: unknown,
  reservation: ReservationRow | null,
  now: Date,
  wait: RunWait | null = null,
  deferredRunId: string | null = null,
  variantNames: readonly string[] = [],
): RunResponseDto {
  return {
    id: run.id,
    campaignId: run.campaignId,
    lineAccountId: run.lineAccountId,
    status: run.status,
    trigger: run.trigger,
    scheduledAt: run.scheduledAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    campaignVersion: run.campaignVersion,
    approved: {
      forecastId: run.approvedForecastId,
      recipients: run.approvedRecipients,
      messages: run.approvedMessages,
      cost: money(run.approvedCost.toString(), currency),
    },
    forecast: withRateCardReference(forecast),
    reserved: { messages: run.reservedMessages, cost: money(run.reservedCost.toString(), currency) },
    reservation: reservationOf(reservation, currency),
    progress: {
      recipients: run.recipients,
      batches: run.batches,
      batchesDone: run.batchesDone,
      delivered: run.delivered,
      failed: run.failed,
      remaining: Math.max(0, run.recipients - run.delivered - run.failed),
      recipientsPerSecond: recipientsPerSecond(run, now),
      frequencyCapped: run.frequencyCapped,
    },
    actual: { messages: run.actualMessages, cost: money(run.actualCost.toString(), currency) },
    blockReasons: Array.isArray(run.blockReasons)
      ? (run.blockReasons as unknown as StoredReason[]).map(blockReason)
      : [],
    stopRequested: run.stopRequested,
    statusDetail: wait?.detail ?? null,
    ...(wait ? { statusDetails: wait.details } : {}),
    waitingUntil: wait?.until.toISOString() ?? null,
    quietHoursOverride: run.quietHoursOverride,
    deferral:
      run.deferSeed === null && run.deferredFromRunId === null
        ? null
        : { seed: run.deferSeed, deferredRunId, deferredFromRunId: run.deferredFromRunId },
    aggregationUnit: run.aggregationUnit,
    abTest: run.abTestRunId
      ? {
          testRunId: run.abTestRunId,
          part: run.trigger === 'ab_remainder' ? 'remainder' : 'variant',
          variant: run.variant === null ? null : String.fromCharCode(65 + run.variant),
          variantName: run.variant === null ? null : (variantNames[run.variant] ?? null),
          seed: run.abSeed,
          decidedAt: run.abDecidedAt?.toISOString() ?? null,
          decision: run.abDecision ?? null,
          waits: run.abWaits,
        }
      : null,
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
  };
}

/**
 * Recipients LINE answered for (delivered or failed) per second since the run started, to its end
 * or now: one decimal; null before it started.
 */
export function recipientsPerSecond(
  run: Pick<CampaignRun, 'startedAt' | 'finishedAt' | 'delivered' | 'failed'>,
  now: Date,
): number | null {
  if (!run.startedAt) return null;
  const seconds = ((run.finishedAt ?? now).getTime() - run.startedAt.getTime()) / 1000;
  if (seconds <= 0) return null;
  return Math.round(((run.delivered + run.failed) / seconds) * 10) / 10;
}

type StoredReason = Omit<RunBlockReasonDto, 'clearedBy'> & { clearedBy?: string | null };

/** Runs blocked before block reasons named their call have none stored: the code still says which. */
function blockReason(reason: StoredReason): RunBlockReasonDto {
  return {
    code: reason.code,
    message: reason.message,
    clearedBy: reason.clearedBy !== undefined ? reason.clearedBy : (CLEARED_BY[reason.code as BlockReasonCode] ?? null),
    ...(reason.details ? { details: reason.details } : {}),
  };
}

/**
 * What the gate's reservation became: settled as LINE accepted messages, the rest still held while
 * the run sends, and released when it ended (so `reserved` above is what was held at the gate).
 */
function reservationOf(row: ReservationRow | null, currency: string): RunReservationDto | null {
  if (!row) return null;
  const open = { messages: row.messages - row.settledMessages, cost: Dec(row.cost).minus(row.settledCost) };
  const zero = { messages: 0, cost: Dec(0) };
  const held = row.status === 'held' ? open : zero;
  const released = row.status === 'held' ? zero : open;
  const view = (part: { messages: number; cost: ReturnType<typeof Dec> }) => ({
    messages: part.messages,
    cost: money(formatAmount(part.cost), currency),
  });
  return {
    status: row.status,
    settled: { messages: row.settledMessages, cost: money(formatAmount(Dec(row.settledCost)), currency) },
    held: view(held),
    released: view(released),
  };
}

/** Runs point at the rate card the gate priced with; its source text lives on GET /rate-cards. */
function withRateCardReference(forecast: unknown): unknown {
  if (!forecast || typeof forecast !== 'object' || !('rateCard' in forecast)) return forecast;
  const card = (forecast as { rateCard: { id?: string; region?: string; plan?: string; verified?: boolean } }).rateCard;
  return { ...forecast, rateCard: { id: card.id, region: card.region, plan: card.plan, verified: card.verified } };
}
