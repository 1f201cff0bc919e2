import { Injectable } from '@nestjs/common';
import type { AudienceResponseDto, AudienceSizeResponseDto } from '../audiences/audiences.dto';
import { AudiencesService } from '../audiences/audiences.service';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import { CampaignChangesService } from './campaign-changes.service';
import { CampaignReadsService } from './campaign-reads.service';
import type {
  ApprovalItemDto,
  ApprovalListQueryDto,
  ApprovalListResponseDto,
  CampaignResponseDto,
} from './campaigns.dto';

/**
 * The Approvals page in one answer: each campaign pending approval with what its card shows (the
 * forecast now and at submission, what changed since the last approval, its audience and size),
 * instead of five requests per campaign from the browser.
 */
@Injectable()
export class CampaignApprovalsService {
  constructor(
    private readonly reads: CampaignReadsService,
    private readonly changes: CampaignChangesService,
    private readonly audiences: AudiencesService,
    private readonly audit: AuditService,
  ) {}

  async pending(actor: AuthUser, query: ApprovalListQueryDto): Promise<ApprovalListResponseDto> {
    const page = await this.reads.list({ ...query, status: 'pending_approval' });
    // Campaigns often share an audience: each is read and counted once per answer.
    const audiences = new Map<string, Promise<[AudienceResponseDto, AudienceSizeResponseDto]>>();
    const audienceOf = (id: string) => {
      if (!audiences.has(id)) audiences.set(id, Promise.all([this.audiences.get(id), this.audiences.size(id)]));
      return audiences.get(id)!;
    };
    const items: ApprovalItemDto[] = [];
    // One campaign at a time: each forecast counts its audience, and a page of them at once would
    // hold as many pool connections as there are campaigns.
    for (const campaign of page.items) items.push(await this.item(actor, campaign, audienceOf));
    return { items, nextCursor: page.nextCursor };
  }

  private async item(
    actor: AuthUser,
    campaign: CampaignResponseDto,
    audienceOf: (id: string) => Promise<[AudienceResponseDto, AudienceSizeResponseDto]>,
  ): Promise<ApprovalItemDto> {
    const [forecast, submitted, changes, [audience, audienceSize]] = await Promise.all([
      // As GET /campaigns/:id/forecast: computed now and stored as a preview.
      this.reads.forecast(actor, campaign.id),
      this.audit.latestSince('campaign', campaign.id, 'campaign.submitted', new Date(0)),
      this.changes.changes(campaign.id),
      audienceOf(campaign.audienceId),
    ]);
    const atSubmission = (submitted?.after as { forecast?: object } | null)?.forecast ?? null;
    return { campaign, forecast, atSubmission, changes, audience, audienceSize };
  }
}
