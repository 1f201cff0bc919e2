export { lineDateParam, lineDayBounds, lineDayOf } from './line-day';
export { dayAdjustment, LINE_DAY_STATUSES, LINE_PRIVACY_THRESHOLD, ledgerCountOfDay } from './day-count';
export type { DayReading, LineDayStatus } from './day-count';
