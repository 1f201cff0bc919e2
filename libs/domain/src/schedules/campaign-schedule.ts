import { cronProblem, parseCron } from './cron';
import { nextOccurrence } from './next-occurrence';
import { isValidTimeZone } from '../time/zoned-time';

/** A send once at an instant. */
export interface OneOffSchedule {
  at: Date;
}

/** A send at every local time the cron expression names, in the zone, up to and including `until`. */
export interface RecurringSchedule {
  cron: string;
  timezone: string;
  until: Date;
}

/** null: no schedule; the campaign sends only when told to (send-now). */
export type CampaignSchedule = OneOffSchedule | RecurringSchedule | null;

export function isRecurring(schedule: CampaignSchedule): schedule is RecurringSchedule {
  return schedule !== null && 'cron' in schedule;
}

/**
 * The last instant a send may be at: still 9999-12 in every zone (UTC+14 is the easternmost), the
 * last month the service counts. A later one would be month 10000-01 in Asia, which has no ledger.
 */
export const LAST_SEND_AT = new Date('9999-12-31T09:59:59.999Z');

/** Why a send at this instant can't be counted, or null. */
export function lastSendProblem(at: Date): string | null {
  return at.getTime() > LAST_SEND_AT.getTime() ? `must be no later than ${LAST_SEND_AT.toISOString()}` : null;
}

export interface ScheduleProblem {
  /** Path inside the schedule object: `at`, `cron`, `timezone`, `until`. */
  field: string;
  problem: string;
}

/**
 * What is wrong with a schedule as of `now`: a time already past, a bad expression or zone, or a
 * recurrence that never happens before its end. An empty list means it will produce a send.
 */
export function scheduleProblems(schedule: CampaignSchedule, now: Date): ScheduleProblem[] {
  if (schedule === null) return [];
  if (!isRecurring(schedule)) {
    const late = lastSendProblem(schedule.at);
    if (late) return [{ field: 'at', problem: late }];
    return schedule.at.getTime() > now.getTime() ? [] : [{ field: 'at', problem: 'must be in the future' }];
  }
  const problems: ScheduleProblem[] = [];
  const cron = cronProblem(schedule.cron);
  if (cron) problems.push({ field: 'cron', problem: cron });
  if (!isValidTimeZone(schedule.timezone))
    problems.push({ field: 'timezone', problem: 'must be an IANA time zone such as Asia/Taipei' });
  if (schedule.until.getTime() <= now.getTime()) problems.push({ field: 'until', problem: 'must be in the future' });
  if (
    !problems.length &&
    !nextOccurrence(parseCron(schedule.cron), now, schedule.timezone, { notAfter: schedule.until })
  ) {
    problems.push({ field: 'cron', problem: 'names no time between now and until' });
  }
  return problems;
}

/** When the first send is due: the one-off's time, or the recurrence's first occurrence after `now`. */
export function firstSendAt(schedule: CampaignSchedule, now: Date): Date | null {
  if (schedule === null) return null;
  if (!isRecurring(schedule)) return schedule.at;
  return nextSendAfter(schedule, now);
}

/** The recurrence's occurrence after `previous` (a run's scheduled time), or null past `until`. */
export function nextSendAfter(schedule: RecurringSchedule, previous: Date): Date | null {
  return nextOccurrence(parseCron(schedule.cron), previous, schedule.timezone, { notAfter: schedule.until });
}
