import { Injectable } from '@nestjs/common';
import type { Campaign } from '@lcm/database';
import { CampaignContent, contentChanges } from '@lcm/domain/approvals';
import { AudiencesService } from '../audiences/audiences.service';
import type { Transaction } from '../database/prisma.service';
import { abTestOf, variantsOf } from './campaign-ab-test';
import { deferPriorityOf } from './campaign-defer-priority';
import { frequencyCapField } from './campaign-frequency-cap';
import { scheduleOf, scheduleResponse } from './campaign-schedule';
import { CampaignReadsService } from './campaign-reads.service';
import type { CampaignChangesResponseDto } from './campaigns.dto';

/** What `campaigns.last_approved` holds: the approval and the content it covered. */
export interface LastApproved {
  approvedAt: string;
  approvedById: string;
  version: number;
  comment: string | null;
  content: CampaignContent;
}

/**
 * What changed since the last approval: the content is stored when a campaign is approved and
 * compared with the campaign (and its audience's rule) as it is now.
 */
@Injectable()
export class CampaignChangesService {
  constructor(
    private readonly reads: CampaignReadsService,
    private readonly audiences: AudiencesService,
  ) {}

  /** The content an approval covers, audience rule included, to store beside the approval. */
  async contentOf(campaign: Campaign, tx?: Transaction): Promise<CampaignContent> {
    const audience = await this.audiences.find(campaign.audienceId, tx);
    return {
      name: campaign.name,
      // A deleted audience can't be approved for; its id alone still says whether it was swapped.
      audience: { id: campaign.audienceId, name: audience?.name ?? '', definition: audience?.definition ?? null },
      messages: campaign.messages as unknown[],
      variants: variantsOf(campaign),
      abTest: abTestOf(campaign),
      schedule: scheduleResponse(scheduleOf(campaign)),
      overBudgetPolicy: campaign.overBudgetPolicy,
      costCap: campaign.costCap?.toFixed(4) ?? null,
      maxRecipients: campaign.maxRecipients,
      frequencyCap: frequencyCapField(campaign),
      // Who goes now and who waits for the reset under policy defer: the approver signs that off too.
      deferPriority: deferPriorityOf(campaign),
    };
  }

  async changes(id: string): Promise<CampaignChangesResponseDto> {
    const campaign = await this.reads.mustFind(id);
    const last = campaign.lastApproved as LastApproved | null;
    if (!last) return { campaignId: id, lastApproval: null, changes: [] };
    const { content, ...approval } = last;
    return {
      campaignId: id,
      lastApproval: approval,
      changes: contentChanges(content, await this.contentOf(campaign)),
    };
  }
}
