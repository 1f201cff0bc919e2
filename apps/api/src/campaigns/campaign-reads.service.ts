import { Injectable } from '@nestjs/common';
import type { Campaign } from '@lcm/database';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { Page, toPage } from '../common/pagination';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import type { ForecastResponse } from '../billing/forecast-engine.service';
import type { Transaction } from '../database/prisma.service';
import { formatLocalDateTime, quietAt } from '@lcm/domain/schedules';
import type { QuietHoursNowDto } from '../billing/billing.dto';
import { quietHoursOf } from '../line-accounts/line-accounts.mapper';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { CampaignForecastService } from './campaign-forecast.service';
import { CampaignRunsService } from './campaign-runs.service';
import { restOfSend } from '@lcm/domain/forecast';
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
    private readonly runs: CampaignRunsService,
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

  /**
   * The forecast of the campaign's next send, stored as a preview with its inputs. While a one-off
   * send is under way (sending, an A/B test waiting for its winner, a rest deferred to the reset),
   * the next send is what it has still to send, not the whole audience again. A recurring
   * campaign's next send is its next occurrence, a run of its own: its forecast is the usual one.
   */
  async forecast(actor: AuthUser, id: string): Promise<ForecastResponse & { quietHoursNow: QuietHoursNowDto | null }> {
    const campaign = await this.mustFind(id);
    const now = this.clock.now();
    const account = await this.accounts.mustFind(campaign.lineAccountId);
    const rest =
      campaign.scheduleCron === null ? restOfSend(await this.runs.underWay(campaign), now, account.timezone) : null;
    const computed = rest
      ? await this.forecaster.computeRest(campaign, rest, account)
      : await this.forecaster.compute(campaign, nextSendAt(campaign, now), account);
    await this.forecaster.store(campaign, computed, 'preview', actor.id);
    // Send-now's own rule (quietAt, as CampaignSendNowService refuses by it), so the console can say
    // before asking that the send would be refused, and until when, without working it out itself.
    const quietHours = quietHoursOf(account);
    const quiet = quietAt(now, quietHours, account.timezone);
    const quietHoursNow =
      quiet && quietHours
        ? {
            start: quietHours.start,
            end: quietHours.end,
            timezone: account.timezone,
            until: quiet.end.toISOString(),
            untilLocal: formatLocalDateTime(quiet.end, account.timezone),
          }
        : null;
    return { ...computed.response, quietHoursNow };
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
