export { CronSyntaxError, cronProblem, parseCron } from './cron';
export type { CronExpression, CronFieldName } from './cron';
export { nextOccurrence, nextOccurrences } from './next-occurrence';
export type { NextOccurrenceOptions } from './next-occurrence';
export {
  firstSendAt,
  isRecurring,
  LAST_SEND_AT,
  lastSendProblem,
  nextSendAfter,
  scheduleProblems,
} from './campaign-schedule';
export type { CampaignSchedule, OneOffSchedule, RecurringSchedule, ScheduleProblem } from './campaign-schedule';
export {
  formatLocalDateTime,
  formatLocalTime,
  parseClockTime,
  quietAt,
  quietHoursProblems,
  quietWindowAt,
} from './quiet-hours';
export type { QuietHours, QuietWindow } from './quiet-hours';
