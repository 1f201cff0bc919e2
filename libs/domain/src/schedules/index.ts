export { CronSyntaxError, cronProblem, parseCron } from './cron';
export type { CronExpression, CronFieldName } from './cron';
export { nextOccurrence, nextOccurrences } from './next-occurrence';
export type { NextOccurrenceOptions } from './next-occurrence';
export { instantOfWallClock, isValidTimeZone as isTimeZoneName, wallClockAsUtc, wallClockOf } from '../time/zoned-time';
export type { WallClock } from '../time/zoned-time';
export { firstSendAt, isRecurring, nextSendAfter, scheduleProblems } from './campaign-schedule';
export type { CampaignSchedule, OneOffSchedule, RecurringSchedule, ScheduleProblem } from './campaign-schedule';
