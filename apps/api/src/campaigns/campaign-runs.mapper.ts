import type { CampaignRun } from '@lcm/database';
import { BlockReasonCode, CLEARED_BY } from '@lcm/domain/forecast';
import { money } from '@lcm/domain/money';
import type { RunBlockReasonDto, RunResponseDto } from './campaign-runs.dto';

export function toRunResponse(run: CampaignRun, currency: string, forecast: unknown): RunResponseDto {
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
    forecast,
    reserved: { messages: run.reservedMessages, cost: money(run.reservedCost.toString(), currency) },
    progress: {
      recipients: run.recipients,
      batches: run.batches,
      batchesDone: run.batchesDone,
      delivered: run.delivered,
      failed: run.failed,
    },
    actual: { messages: run.actualMessages, cost: money(run.actualCost.toString(), currency) },
    blockReasons: Array.isArray(run.blockReasons)
      ? (run.blockReasons as unknown as StoredReason[]).map(blockReason)
      : [],
    stopRequested: run.stopRequested,
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
  };
}

type StoredReason = Omit<RunBlockReasonDto, 'clearedBy'> & { clearedBy?: string | null };

/** Runs blocked before block reasons named their call have none stored: the code still says which. */
function blockReason(reason: StoredReason): RunBlockReasonDto {
  return {
    code: reason.code,
    message: reason.message,
    clearedBy: reason.clearedBy !== undefined ? reason.clearedBy : (CLEARED_BY[reason.code as BlockReasonCode] ?? null),
  };
}
