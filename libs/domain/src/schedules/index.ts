export { CronSyntaxError, cronProblem, parseCron } from './cron';
export type { CronExpression, CronFieldName } from './cron';
export { nextOccurrence, nextOccurrences } from './next-occurrence';
export type { NextOccurrenceOptions } from './next-occurrence';
export { instantOfWallClock, isTimeZoneName, wallClockAsUtc, wallClockOf } from './zoned-time';
export type { WallClock } from './zoned-time';
export { firstSendAt, isRecurring, nextSendAfter, scheduleProblems } from './campaign-schedule';
export type { CampaignSchedule, OneOffSchedule, RecurringSchedule, ScheduleProblem } from './campaign-schedule';
