import type { CampaignRun } from '@lcm/database';
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
    blockReasons: Array.isArray(run.blockReasons) ? (run.blockReasons as unknown as RunBlockReasonDto[]) : [],
    stopRequested: run.stopRequested,
    createdAt: run.createdAt.toISOString(),
    updatedAt: run.updatedAt.toISOString(),
  };
}
