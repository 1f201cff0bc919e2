import { Injectable } from '@nestjs/common';
import type { Campaign, LineAccount } from '@lcm/database';
import type { DueSend } from '@lcm/domain/forecast';
import { monthBounds } from '@lcm/domain/pricing';
import { isRecurring } from '@lcm/domain/schedules';
import { Clock } from '../common/clock';
import { DueRunForecast, ScheduledSends } from '../ports/scheduled-sends';
import { CampaignForecastService } from './campaign-forecast.service';
import { CampaignRunsRepository } from './campaign-runs.repository';
import { expectedStartOf } from './campaign-runs.service';
import { scheduleOf } from './campaign-schedule';
import { CampaignsRepository } from './campaigns.repository';
import { messageObjectsOf } from './campaign-ab-test';

const DAY_MS = 86_400_000;

/**
 * The runs still due in an account's month, for the month's projection and its alerts: each
 * scheduled run before the month's end, with its campaign's recurrence and its audience's size now.
 */
@Injectable()
export class CampaignScheduledSendsService extends ScheduledSends {
  constructor(
    private readonly runs: CampaignRunsRepository,
    private readonly campaigns: CampaignsRepository,
    private readonly forecasts: CampaignForecastService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async dueInMonth(account: LineAccount, month: string): Promise<DueSend[]> {
    const due = await this.dueRuns(account, month);
    const sizes = new Map<string, Promise<number>>();
    return Promise.all(
      due.map(async ({ run, campaign, at }) => {
        const messageObjects = messageObjectsOf(campaign);
        // A deferred rest (or an A/B test's remainder) sends the snapshot rows it carries, never the audience again.
        if (run.deferredFromRunId || run.abTestRunId)
          return {
            campaignId: campaign.id,
            at,
            recurrence: null,
            recipients: run.recipients,
            messageObjects,
          };
        // Campaigns sharing an audience, limit and frequency cap are counted once.
        const key = [
          campaign.audienceId,
          campaign.maxRecipients,
          campaign.frequencyCap,
          campaign.frequencyCapMessages,
          campaign.frequencyCapDays,
        ].join(':');
        if (!sizes.has(key)) sizes.set(key, this.forecasts.recipients(campaign));
        const schedule = scheduleOf(campaign);
        return {
          campaignId: campaign.id,
          at,
          recurrence: isRecurring(schedule) ? schedule : null,
          recipients: await sizes.get(key)!,
          messageObjects,
        };
      }),
    );
  }

  async forecastDueRuns(account: LineAccount, month: string): Promise<DueRunForecast[]> {
    const due = await this.dueRuns(account, month);
    const { end } = monthBounds(month, account.timezone);
    const dueSends = await this.dueInMonth(account, month);
    const forecasts: DueRunForecast[] = [];
    for (const { run, campaign, at } of due) {
      if (at.getTime() >= end.getTime()) continue; // quiet hours hold it into the next month
      const { response } = await this.forecasts.compute(campaign, at, account, dueSends);
      forecasts.push({
        runId: run.id,
        campaignId: campaign.id,
        campaignName: campaign.name,
        scheduledAt: run.scheduledAt,
        verdict: response.verdict,
        verdicts: response.verdicts,
        reasons: response.blockReasons.map((reason) => reason.message),
      });
    }
    return forecasts;
  }

  /**
   * Scheduled runs of the month whose campaign is still approved (a paused one's runs wait), each
   * at the time it will start: quiet hours may hold a run of the month's last night into the next
   * one, or one of the previous month's last night into this one (a quiet window is shorter than a
   * day, hence the two days before the month).
   */
  private async dueRuns(account: LineAccount, month: string) {
    const { start, end } = monthBounds(month, account.timezone);
    const now = this.clock.now();
    const runs = await this.runs.scheduledWithin(account.id, new Date(start.getTime() - 2 * DAY_MS), end);
    const campaigns = new Map<string, Campaign | null>();
    const due = [];
    for (const run of runs) {
      const at = expectedStartOf(run, account, now);
      if (run.scheduledAt.getTime() < start.getTime() && at.getTime() < start.getTime()) continue;
      if (!campaigns.has(run.campaignId)) campaigns.set(run.campaignId, await this.campaigns.findById(run.campaignId));
      const campaign = campaigns.get(run.campaignId);
      if (campaign && campaign.status === 'approved' && campaign.approvedVersion === run.campaignVersion)
        due.push({ run, campaign, at });
    }
    return due;
  }
}
