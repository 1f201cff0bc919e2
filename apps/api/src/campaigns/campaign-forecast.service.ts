import { Injectable } from '@nestjs/common';
import type { Campaign, LineAccount } from '@lcm/database';
import { type OverBudgetPolicy, type RestOfSend, underWayNote, withoutOwnHolds } from '@lcm/domain/forecast';
import { ApiError } from '../common/api-error';
import type { AudienceSizeResponseDto } from '../audiences/audiences.dto';
import { campaignFrequencyCap } from '../frequency-caps/frequency-caps.service';
import { AudiencesService } from '../audiences/audiences.service';
import { ComputedForecast, ForecastEngineService } from '../billing/forecast-engine.service';
import { ForecastsService } from '../billing/forecasts.service';
import { LedgerService } from '../billing/ledger.service';
import { QuotaRefresher } from '../ports/quota-refresher';
import { ScheduledSends } from '../ports/scheduled-sends';
import type { DueSend } from '@lcm/domain/forecast';
import type { Transaction } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { deferPriorityOf } from './campaign-defer-priority';
import { abTestOf, messageObjectsOf, variantsOf } from './campaign-ab-test';
import { smallGroupsNote } from '@lcm/domain/ab-tests';

export type ForecastPurpose = 'preview' | 'submission' | 'approval';

/** What a forecast reads of a campaign: a saved one, or a draft the composer holds (no id yet). */
export type ForecastSubject = Pick<
  Campaign,
  | 'lineAccountId'
  | 'audienceId'
  | 'messages'
  | 'variants'
  | 'maxRecipients'
  | 'overBudgetPolicy'
  | 'frequencyCap'
  | 'frequencyCapMessages'
  | 'frequencyCapDays'
> &
  Partial<Pick<Campaign, 'deferPriorityAttribute' | 'deferPriorityOrder' | 'abTest'>> & {
    id: string | null;
    costCap: { toString(): string } | null;
    scheduleCron: string | null;
  };

/**
 * A campaign's forecast: the audience's live size (following, deduplicated, capped by
 * maxRecipients) against the account's month ledger, which includes what other runs hold.
 */
@Injectable()
export class CampaignForecastService {
  /** The decision forecasts being computed, by campaign, version and send time (computeForDecision). */
  private readonly deciding = new Map<string, Promise<ComputedForecast>>();

  constructor(
    private readonly accounts: LineAccountsService,
    private readonly audiences: AudiencesService,
    private readonly ledger: LedgerService,
    private readonly engine: ForecastEngineService,
    private readonly forecasts: ForecastsService,
    private readonly quota: QuotaRefresher,
    private readonly scheduled: ScheduledSends,
  ) {}

  /**
   * The forecast of one send at `sendAt` (now when null), in that send's month; its plan suggestion
   * weighs the month's projection with the runs still due (`dueSends`, read when not given).
   */
  async compute(
    campaign: ForecastSubject,
    sendAt: Date | null,
    account?: LineAccount,
    dueSends?: readonly DueSend[],
  ): Promise<ComputedForecast> {
    const lineAccount = account ?? (await this.accounts.mustFind(campaign.lineAccountId));
    await this.quota.refreshIfStale(lineAccount);
    const audience = await this.audienceOf(campaign, lineAccount);
    const recipients = capped(audience.recipients, campaign.maxRecipients);
    const month = this.engine.monthOf(lineAccount, sendAt);
    const ledger = await this.ledger.readMonth(lineAccount.id, month);
    // An A/B test is forecast whole (variants and remainder) at its largest variant's requests per recipient.
    const messageObjects = messageObjectsOf(campaign);
    const costCap = campaign.costCap?.toString() ?? null;
    const computed = await this.engine.compute(
      lineAccount,
      ledger,
      {
        recipients,
        messageObjects,
        costCap,
        overBudgetPolicy: campaign.overBudgetPolicy as OverBudgetPolicy,
        // Saving refuses defer on an A/B test and on a recurring schedule, so it is not suggested to them.
        deferrable: variantsOf(campaign) === null && campaign.scheduleCron === null,
      },
      {
        campaignId: campaign.id,
        sendAt,
        audience: { excluded: audience.excluded, frequencyCap: audience.frequencyCap },
        dueSends: dueSends ?? (await this.scheduled.dueInMonth(lineAccount, month)),
      },
    );
    // Under defer the split also says who goes now: by the campaign's priority attribute, else the seed alone.
    const { deferral } = computed.response;
    if (deferral) {
      const priority = deferPriorityOf({
        deferPriorityAttribute: campaign.deferPriorityAttribute ?? null,
        deferPriorityOrder: campaign.deferPriorityOrder ?? null,
      });
      computed.response = { ...computed.response, deferral: { ...deferral, priority } };
    }
    // A variant's group under LINE's 20 can never be read: a note, not a block, with what the rule then does.
    const variants = variantsOf(campaign);
    const abTest = abTestOf({ abTest: campaign.abTest ?? null });
    const note = variants && abTest ? smallGroupsNote(recipients, abTest, variants.length) : null;
    if (note)
      computed.response = {
        ...computed.response,
        reasons: [...computed.response.reasons, note.text],
        reasonDetails: [...computed.response.reasonDetails, note],
      };
    return computed;
  }

  /**
   * The forecast a submission or an approval of a saved campaign decides on. Requests for the same
   * campaign, version and send time that arrive while one is being computed share it (read-only):
   * a burst of approvals, of which PostgreSQL lets one through, computed it fifty times, and those
   * reads and the event loop were the whole service's (the burst e2e's /health bound).
   */
  computeForDecision(campaign: Campaign, sendAt: Date | null): Promise<ComputedForecast> {
    const key = `${campaign.id}:${campaign.version}:${sendAt?.toISOString() ?? 'now'}`;
    const running = this.deciding.get(key);
    if (running) return running;
    const computing = this.compute(campaign, sendAt).finally(() => this.deciding.delete(key));
    this.deciding.set(key, computing);
    return computing;
  }

  /**
   * The forecast of a send under way: of what it has still to send (`rest`, restOfSend), in the
   * month that part goes, as its own gate will forecast it (policy block: a part already split off
   * is never deferred or trimmed again), against the month without what the campaign's own runs
   * hold, since those holds are the rest itself: counting them as "reserved" beside the rest, and
   * the variants already sent in "spent" beside the whole test again, counted the campaign twice.
   */
  async computeRest(campaign: ForecastSubject, rest: RestOfSend, account?: LineAccount): Promise<ComputedForecast> {
    const lineAccount = account ?? (await this.accounts.mustFind(campaign.lineAccountId));
    await this.quota.refreshIfStale(lineAccount);
    const month = await this.ledger.readMonth(lineAccount.id, rest.month);
    const others = withoutOwnHolds({ messages: month.reservedMessages, cost: month.reservedCost }, rest.held);
    const computed = await this.engine.compute(
      lineAccount,
      { ...month, reservedMessages: others.messages, reservedCost: others.cost },
      {
        recipients: rest.recipients,
        messageObjects: rest.messageObjects,
        costCap: campaign.costCap?.toString() ?? null,
        overBudgetPolicy: 'block',
        deferrable: false,
      },
      {
        campaignId: campaign.id,
        sendAt: rest.sendAt,
        dueSends: await this.scheduled.dueInMonth(lineAccount, rest.month),
      },
    );
    const note = underWayNote(rest, computed.response.cost.currency);
    computed.response = {
      ...computed.response,
      reasons: [note.text, ...computed.response.reasons],
      reasonDetails: [note, ...computed.response.reasonDetails],
    };
    return computed;
  }

  /** Stores the forecast with its inputs, in the caller's transaction; returns its id. */
  store(
    campaign: Campaign,
    computed: ComputedForecast,
    purpose: ForecastPurpose,
    actorId: string | null,
    tx?: Transaction,
  ): Promise<string> {
    return this.forecasts.store(
      {
        lineAccountId: campaign.lineAccountId,
        campaignId: campaign.id,
        purpose,
        month: computed.response.month,
        verdict: computed.response.verdict,
        rateCardId: computed.rateCardId,
        inputs: computed.input,
        result: computed.response,
        createdById: actorId,
      },
      tx,
    );
  }

  /**
   * Following audience members, each LINE user once (counted in SQL), less those at the campaign's
   * frequency cap, capped by maxRecipients.
   */
  async recipients(
    campaign: Pick<
      Campaign,
      'audienceId' | 'maxRecipients' | 'lineAccountId' | 'frequencyCap' | 'frequencyCapMessages' | 'frequencyCapDays'
    >,
  ): Promise<number> {
    const size = await this.audienceOf(campaign, await this.accounts.mustFind(campaign.lineAccountId));
    return capped(size.recipients, campaign.maxRecipients);
  }

  private async audienceOf(
    campaign: Pick<Campaign, 'audienceId' | 'frequencyCap' | 'frequencyCapMessages' | 'frequencyCapDays'>,
    account: LineAccount,
  ): Promise<AudienceSizeResponseDto> {
    const audience = await this.audiences.find(campaign.audienceId);
    if (!audience)
      throw ApiError.unprocessable(`the campaign's audience ${campaign.audienceId} no longer exists; choose another`, [
        { field: 'audienceId', problem: 'no longer exists' },
      ]);
    return this.audiences.sizeOf(audience, campaignFrequencyCap(campaign, account));
  }
}

function capped(recipients: number, maxRecipients: number | null): number {
  return maxRecipients === null ? recipients : Math.min(recipients, maxRecipients);
}
