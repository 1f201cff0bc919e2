import { instantOfWallClock, wallClockOf } from '../time/zoned-time';
/**
 * The account's month: LINE resets the quota monthly and does not document the instant, so months
 * are counted in the account's own time zone (zone arithmetic in time/zoned-time.ts).
 */

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
/** Months the domain computes with: the API's months, and the one after 9999-12 (its end). */
const COMPUTED_MONTH_PATTERN = /^(\d{4,5})-(0[1-9]|1[0-2])$/;
/** The API's months: those of its instants (1970-01-01 to 9999-12-31, see time/instant-range). */
const FIRST_MONTH = '1970-01';

export interface MonthBounds {
  /** First instant of the month: local midnight on the 1st (or the first instant of the 1st, if a DST jump skips midnight). */
  start: Date;
  /** First instant of the next month (exclusive). */
  end: Date;
}

function assertInstant(instant: Date): number {
  const ms = instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid Date');
  return ms;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function monthKey(year: number, month: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}`;
}

/** A month the API takes: "YYYY-MM" from 1970-01 to 9999-12. */
export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value) && value >= FIRST_MONTH;
}

function parseMonth(month: string): { year: number; month: number } {
  const match = COMPUTED_MONTH_PATTERN.exec(month);
  if (!match) throw new RangeError(`not a month "YYYY-MM": "${month}"`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** "YYYY-MM" of the instant as seen in the zone: 2026-11-30T16:30Z in Asia/Taipei is "2026-12". */
export function monthOf(instant: Date, timeZone: string): string {
  const parts = wallClockOf(new Date(assertInstant(instant)), timeZone);
  return monthKey(parts.year, parts.month);
}

/** "YYYY-MM-DD" of the instant in the zone (the date rate cards' effectiveFrom is compared with). */
export function localDateOf(instant: Date, timeZone: string): string {
  const parts = wallClockOf(new Date(assertInstant(instant)), timeZone);
  return `${monthKey(parts.year, parts.month)}-${pad(parts.day, 2)}`;
}

export function nextMonth(month: string): string {
  const { year, month: number } = parseMonth(month);
  return number === 12 ? monthKey(year + 1, 1) : monthKey(year, number + 1);
}

export function previousMonth(month: string): string {
  const { year, month: number } = parseMonth(month);
  return number === 1 ? monthKey(year - 1, 12) : monthKey(year, number - 1);
}

/** "2026-11" → "2026-11-01". */
export function firstDayOf(month: string): string {
  parseMonth(month);
  return `${month}-01`;
}

/**
 * First instant whose local month is `month`: local midnight on the 1st, or, when a DST change
 * skips that midnight (America/Asuncion, 2023-10-01), the instant the gap ends.
 */
function monthStart(month: string, timeZone: string): number {
  const { year, month: number } = parseMonth(month);
  return instantOfWallClock({ year, month: number, day: 1, hour: 0, minute: 0 }, timeZone).getTime();
}

/** The hour of the 1st a send moved to a month is suggested at, in the account's zone. */
export const MONTH_MORNING_HOUR = 10;

/** 10:00 (MONTH_MORNING_HOUR) on the 1st of `month` in the zone: the next_month suggestion's instant. */
export function monthMorning(month: string, timeZone: string): Date {
  const { year, month: number } = parseMonth(month);
  return instantOfWallClock({ year, month: number, day: 1, hour: MONTH_MORNING_HOUR, minute: 0 }, timeZone);
}

/**
 * Bounds by month and zone, at most KNOWN_BOUNDS_LIMIT (the oldest goes first). They depend on those
 * two alone (and the tz database, fixed while the process runs), and a request asks for them several
 * times through the zone arithmetic (README, "API latency"): computed once each.
 */
const knownBounds = new Map<string, [number, number]>();
const KNOWN_BOUNDS_LIMIT = 1000;

/** The exact instants the account's month starts and ends, in its time zone. */
export function monthBounds(month: string, timeZone: string): MonthBounds {
  const key = `${month} ${timeZone}`;
  let bounds = knownBounds.get(key);
  if (!bounds) {
    bounds = [monthStart(month, timeZone), monthStart(nextMonth(month), timeZone)];
    if (knownBounds.size >= KNOWN_BOUNDS_LIMIT) knownBounds.delete(knownBounds.keys().next().value!);
    knownBounds.set(key, bounds);
  }
  // New Dates each time: a caller may keep or change its own.
  return { start: new Date(bounds[0]), end: new Date(bounds[1]) };
}

/** Whether the instant falls in the month (start inclusive, end exclusive). */
export function isInMonth(instant: Date, month: string, timeZone: string): boolean {
  return monthOf(instant, timeZone) === month;
}
