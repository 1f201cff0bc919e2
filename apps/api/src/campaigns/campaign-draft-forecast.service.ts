import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';
import {
  cronProblem,
  firstSendAt,
  formatLocalDateTime,
  isRecurring,
  nextOccurrences,
  scheduleProblems,
} from '@lcm/domain/schedules';
import { ApiError, FieldProblem } from '../common/api-error';
import { Clock } from '../common/clock';
import { AudiencesService } from '../audiences/audiences.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { abTestProblems } from './campaign-ab-test';
import { frequencyCapColumns } from './campaign-frequency-cap';
import { deferPriorityColumns } from './campaign-defer-priority';
import { CampaignForecastService } from './campaign-forecast.service';
import { scheduleColumns, scheduleFromDto } from './campaign-schedule';
import {
  CampaignDraftForecastDto,
  CampaignDraftForecastResponseDto,
  SchedulePreviewDto,
  SchedulePreviewResponseDto,
} from './campaigns.dto';

/** Without an end, a preview looks this far ahead for occurrences (a cron naming Feb 30 has none). */
const PREVIEW_HORIZON_MS = 10 * 366 * 24 * 3_600_000;

/**
 * What the composer shows while the marketer edits, before anything is saved: the forecast of the
 * draft as it stands, and a recurring schedule's next occurrences. The console computes neither.
 */
@Injectable()
export class CampaignDraftForecastService {
  constructor(
    private readonly accounts: LineAccountsService,
    private readonly audiences: AudiencesService,
    private readonly forecaster: CampaignForecastService,
    private readonly clock: Clock,
  ) {}

  /**
   * The draft's next send against the month ledger, as GET /campaigns/:id/forecast would answer once
   * saved; nothing is stored or reserved. The messages count here (their number makes the requests),
   * their content is checked on save; an A/B test's draft is forecast whole, at its largest variant.
   */
  async forecast(dto: CampaignDraftForecastDto): Promise<CampaignDraftForecastResponseDto> {
    const account = await this.accounts.findById(dto.lineAccountId);
    if (!account) throw ApiError.field('lineAccountId', 'no such LINE account');
    const schedule = scheduleFromDto(dto.schedule);
    const now = this.clock.now();
    const problems: FieldProblem[] = scheduleProblems(schedule, now).map((p) => ({
      field: `schedule.${p.field}`,
      problem: p.problem,
    }));
    const policy = dto.overBudgetPolicy ?? 'block';
    // Saving's A/B rules too, so the composer never shows a forecast (a deferral, a recurring test) it can't save.
    problems.push(
      ...abTestProblems(
        { messages: dto.messages ?? null, variants: dto.variants ?? null, abTest: dto.abTest ?? null },
        { overBudgetPolicy: policy, schedule },
      ),
    );
    if (policy === 'defer' && isRecurring(schedule))
      problems.push({
        field: 'overBudgetPolicy',
        problem: 'defer applies to one-off and send-now campaigns, not to a recurring schedule (use block or trim)',
      });
    const audience = await this.audiences.find(dto.audienceId);
    if (!audience) problems.push({ field: 'audienceId', problem: 'no such audience' });
    else if (audience.lineAccountId !== account.id)
      problems.push({ field: 'audienceId', problem: 'is an audience of another LINE account' });
    if (problems.length)
      throw ApiError.badRequest(problems.map((p) => `${p.field}: ${p.problem}`).join('; '), problems);
    const sendAt = firstSendAt(schedule, now);
    const computed = await this.forecaster.compute(
      {
        id: null,
        lineAccountId: account.id,
        audienceId: dto.audienceId,
        messages: (dto.messages ?? []) as never,
        variants: (dto.variants ?? null) as never,
        abTest: (dto.abTest ?? null) as never,
        maxRecipients: dto.maxRecipients ?? null,
        costCap: dto.costCap ?? null,
        overBudgetPolicy: policy,
        scheduleCron: scheduleColumns(schedule).scheduleCron,
        ...frequencyCapColumns(dto.frequencyCap ?? null),
        ...deferPriorityColumns(dto.deferPriority ?? null),
      },
      sendAt && sendAt.getTime() > now.getTime() ? sendAt : null,
      account,
    );
    return {
      ...(computed.response as unknown as CampaignDraftForecastResponseDto),
      sendAt: sendAt ? sendAt.toISOString() : null,
    };
  }

  /** The next occurrences of a cron in a zone after now, each with its local time and offset. */
  schedulePreview(dto: SchedulePreviewDto): SchedulePreviewResponseDto {
    const problem = cronProblem(dto.cron);
    if (problem) throw ApiError.field('cron', problem);
    const now = this.clock.now();
    const until = dto.until ? new Date(dto.until) : new Date(now.getTime() + PREVIEW_HORIZON_MS);
    const found = nextOccurrences(dto.cron.trim().split(/\s+/).join(' '), now, dto.timezone, dto.count ?? 5, {
      notAfter: until,
    });
    return {
      occurrences: found.map((at) => ({
        at: at.toISOString(),
        local: formatLocalDateTime(at, dto.timezone),
        weekday: DateTime.fromJSDate(at, { zone: dto.timezone }).setLocale('en').toFormat('ccc'),
      })),
    };
  }
}
