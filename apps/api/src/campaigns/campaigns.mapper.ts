import type { Campaign } from '@lcm/database';
import { requestsPerRecipient } from '@lcm/domain/line-messages';
import { money } from '@lcm/domain/money';
import { scheduleOf, scheduleResponse } from './campaign-schedule';
import { frequencyCapField } from './campaign-frequency-cap';
import { deferPriorityOf } from './campaign-defer-priority';
import { abTestOf, messageObjectsOf, variantsOf } from './campaign-ab-test';
import type { ComputedForecast } from '../billing/forecast-engine.service';
import type { CampaignForecastSummaryDto, CampaignResponseDto, OverBudgetPolicy } from './campaigns.dto';

export function toCampaignResponse(campaign: Campaign, currency: string): CampaignResponseDto {
  const messages = campaign.messages as unknown[];
  return {
    id: campaign.id,
    lineAccountId: campaign.lineAccountId,
    audienceId: campaign.audienceId,
    name: campaign.name,
    messages,
    variants: variantsOf(campaign),
    abTest: abTestOf(campaign),
    requestsPerRecipient: requestsPerRecipient(messageObjectsOf(campaign)),
    schedule: scheduleResponse(scheduleOf(campaign)),
    maxRecipients: campaign.maxRecipients,
    costCap: campaign.costCap === null ? null : money(campaign.costCap.toString(), currency),
    overBudgetPolicy: campaign.overBudgetPolicy as OverBudgetPolicy,
    frequencyCap: frequencyCapField(campaign),
    deferPriority: deferPriorityOf(campaign),
    status: campaign.status,
    version: campaign.version,
    createdById: campaign.createdById,
    lastEditedById: campaign.lastEditedById,
    submission:
      campaign.submittedById && campaign.submittedAt
        ? {
            submittedById: campaign.submittedById,
            submittedAt: campaign.submittedAt.toISOString(),
            forecastId: campaign.submissionForecastId,
          }
        : null,
    approval:
      campaign.approvedById && campaign.approvedAt && campaign.approvedVersion !== null
        ? {
            approvedById: campaign.approvedById,
            approvedAt: campaign.approvedAt.toISOString(),
            comment: campaign.approvalComment,
            version: campaign.approvedVersion,
            forecastId: campaign.approvedForecastId,
            recipients: campaign.approvedRecipients ?? 0,
            messages: campaign.approvedMessages ?? 0,
            cost: money(campaign.approvedCost?.toString() ?? '0', currency),
          }
        : null,
    lastRejection:
      campaign.rejectedById && campaign.rejectedAt && campaign.rejectionReason
        ? {
            rejectedById: campaign.rejectedById,
            rejectedAt: campaign.rejectedAt.toISOString(),
            reason: campaign.rejectionReason,
          }
        : null,
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
  };
}

/** The forecast a submission or an approval was decided on, as its answer shows it. */
export function toForecastSummary(forecastId: string, computed: ComputedForecast): CampaignForecastSummaryDto {
  const { response } = computed;
  return {
    ...forecastFigures(forecastId, computed),
    blockReasons: response.blockReasons,
    warnings: response.warnings,
  };
}

/** A stored forecast's figures and verdict (the answer's summary and the audit entry's both start from these). */
export function forecastFigures(forecastId: string, { response }: ComputedForecast) {
  return {
    id: forecastId,
    month: response.month,
    recipients: response.recipients,
    messages: response.messages,
    freeMessages: response.freeMessages,
    paidMessages: response.paidMessages,
    // The same shape as GET /campaigns/:id/forecast's cost, bands included.
    cost: { amount: response.cost.amount, currency: response.cost.currency, bands: response.cost.bands },
    verdict: response.verdict,
    deferral: response.deferral,
    trim: response.trim ?? null,
  };
}
