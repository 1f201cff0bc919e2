import type { Campaign } from '@lcm/database';
import { CampaignSchedule, firstSendAt } from '@lcm/domain/schedules';
import { ApiError } from '../common/api-error';
import type { CampaignScheduleDto, CampaignScheduleResponseDto } from './campaigns.dto';

type ScheduleColumns = Pick<Campaign, 'scheduleAt' | 'scheduleCron' | 'scheduleTimezone' | 'scheduleUntil'>;

/** The schedule a campaign's columns hold. */
export function scheduleOf(campaign: ScheduleColumns): CampaignSchedule {
  if (campaign.scheduleAt) return { at: campaign.scheduleAt };
  if (campaign.scheduleCron && campaign.scheduleTimezone && campaign.scheduleUntil) {
    return { cron: campaign.scheduleCron, timezone: campaign.scheduleTimezone, until: campaign.scheduleUntil };
  }
  return null;
}

/** The request's schedule (already shape-checked by the DTO); mixing the two kinds is a 400. */
export function scheduleFromDto(dto: CampaignScheduleDto | null | undefined): CampaignSchedule {
  if (!dto) return null;
  if (dto.at !== undefined && dto.cron !== undefined) {
    throw ApiError.field('schedule', 'give either at (once), or cron with timezone and until (recurring), not both');
  }
  if (dto.at !== undefined) return { at: new Date(dto.at) };
  return { cron: dto.cron!.trim().split(/\s+/).join(' '), timezone: dto.timezone!, until: new Date(dto.until!) };
}

export function scheduleColumns(schedule: CampaignSchedule): ScheduleColumns {
  if (schedule === null) return { scheduleAt: null, scheduleCron: null, scheduleTimezone: null, scheduleUntil: null };
  if ('at' in schedule)
    return { scheduleAt: schedule.at, scheduleCron: null, scheduleTimezone: null, scheduleUntil: null };
  return {
    scheduleAt: null,
    scheduleCron: schedule.cron,
    scheduleTimezone: schedule.timezone,
    scheduleUntil: schedule.until,
  };
}

export function scheduleResponse(schedule: CampaignSchedule): CampaignScheduleResponseDto | null {
  if (schedule === null) return null;
  if ('at' in schedule) return { at: schedule.at.toISOString() };
  return { cron: schedule.cron, timezone: schedule.timezone, until: schedule.until.toISOString() };
}

/** When the campaign's next send is due, if it is after `now`; null means now (no schedule, or past it). */
export function nextSendAt(campaign: ScheduleColumns, now: Date): Date | null {
  const at = firstSendAt(scheduleOf(campaign), now);
  return at && at.getTime() > now.getTime() ? at : null;
}
