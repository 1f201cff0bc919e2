import { Injectable } from '@nestjs/common';
import type { Campaign } from '@lcm/database';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, toPage } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import type { ForecastResponse } from '../billing/forecast-engine.service';
import type { Transaction } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { CampaignForecastService } from './campaign-forecast.service';
import { nextSendAt } from './campaign-schedule';
import { AUDIENCE_HOLDING_STATUSES } from './campaign-workflow';
import { CampaignAuditResponseDto, CampaignListQueryDto, CampaignResponseDto } from './campaigns.dto';
import { toCampaignResponse } from './campaigns.mapper';
import { CampaignsRepository } from './campaigns.repository';

/** What the API reads about campaigns: one, a page, the forecast of the next send, the audit trail. */
@Injectable()
export class CampaignReadsService {
  constructor(
    private readonly repository: CampaignsRepository,
    private readonly forecaster: CampaignForecastService,
    private readonly accounts: LineAccountsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async list(query: CampaignListQueryDto): Promise<Page<CampaignResponseDto>> {
    const rows = await this.repository.list(query);
    const accounts = await Promise.all(
      [...new Set(rows.map((row) => row.lineAccountId))].map((id) => this.accounts.mustFind(id)),
    );
    const currencies = new Map(accounts.map((account) => [account.id, account.currency]));
    return toPage(rows, query, (campaign) => toCampaignResponse(campaign, currencies.get(campaign.lineAccountId)!));
  }

  async get(id: string): Promise<CampaignResponseDto> {
    return this.respond(await this.mustFind(id));
  }

  /** The forecast of the campaign's next send, stored as a preview with its inputs. */
  async forecast(actor: AuthUser, id: string): Promise<ForecastResponse> {
    const campaign = await this.mustFind(id);
    const computed = await this.forecaster.compute(campaign, nextSendAt(campaign, this.clock.now()));
    await this.forecaster.store(campaign, computed, 'preview', actor.id);
    return computed.response;
  }

  async auditTrail(id: string): Promise<CampaignAuditResponseDto> {
    await this.mustFind(id);
    const events = await this.audit.listFor('campaign', id);
    return {
      items: events.map((event) => ({
        id: event.id,
        action: event.action,
        actorId: event.actorId,
        reason: event.reason,
        before: event.before,
        after: event.after,
        createdAt: event.createdAt.toISOString(),
      })),
      nextCursor: null,
    };
  }

  findById(id: string, tx?: Transaction): Promise<Campaign | null> {
    return this.repository.findById(id, tx);
  }

  /** The campaign with its row locked until the transaction ends (dispatch's gate and finisher). */
  lockById(id: string, tx: Transaction): Promise<Campaign | null> {
    return this.repository.lockById(id, tx);
  }

  async mustFind(id: string, tx?: Transaction): Promise<Campaign> {
    const campaign = await this.repository.findById(id, tx);
    if (!campaign) throw ApiError.notFound(`campaign ${id}`);
    return campaign;
  }

  /** For audiences (the AudienceHolders port): campaigns that keep the audience from being deleted. */
  countCampaignsHolding(audienceId: string, tx: Transaction): Promise<number> {
    return this.repository.countUsingAudience(audienceId, AUDIENCE_HOLDING_STATUSES, tx);
  }

  /** For audiences (the AudienceHolders port): which of `ids` are campaigns of the account, for `tappedPostback` rules. */
  campaignsOnAccount(ids: readonly string[], lineAccountId: string, tx: Transaction): Promise<string[]> {
    return this.repository.findIdsOnAccount(ids, lineAccountId, tx);
  }

  /** The campaign as the API shows it, money in its account's currency (read in `tx` when inside one). */
  async respond(campaign: Campaign, tx?: Transaction): Promise<CampaignResponseDto> {
    return toCampaignResponse(campaign, (await this.accounts.mustFind(campaign.lineAccountId, tx)).currency);
  }
}
