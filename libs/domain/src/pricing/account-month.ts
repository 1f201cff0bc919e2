import { isValidTimeZone, zonedFormatter } from '../time/zoned-formatter';
/**
 * The account's month: LINE resets the quota monthly and does not document the instant, so months
 * are counted in the account's own time zone. Only Intl is used (no time-zone library).
 */

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;
const HOUR_MS = 3_600_000;

export interface MonthBounds {
  /** First instant of the month: local midnight on the 1st (or the first instant of the 1st, if a DST jump skips midnight). */
  start: Date;
  /** First instant of the next month (exclusive). */
  end: Date;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export { isValidTimeZone };

function localParts(instantMs: number, timeZone: string): LocalParts {
  const values: Record<string, number> = {};
  for (const part of zonedFormatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') values[part.type] = Number(part.value);
  }
  return {
    year: values.year,
    month: values.month,
    day: values.day,
    hour: values.hour,
    minute: values.minute,
    second: values.second,
  };
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

export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value);
}

function parseMonth(month: string): { year: number; month: number } {
  const match = MONTH_PATTERN.exec(month);
  if (!match) throw new RangeError(`not a month "YYYY-MM": "${month}"`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

/** "YYYY-MM" of the instant as seen in the zone: 2026-11-30T16:30Z in Asia/Taipei is "2026-12". */
export function monthOf(instant: Date, timeZone: string): string {
  const parts = localParts(assertInstant(instant), timeZone);
  return monthKey(parts.year, parts.month);
}

/** "YYYY-MM-DD" of the instant in the zone (the date rate cards' effectiveFrom is compared with). */
export function localDateOf(instant: Date, timeZone: string): string {
  const parts = localParts(assertInstant(instant), timeZone);
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

/** Offset of the zone at an instant: local wall-clock time read as UTC, minus the instant. */
function offsetAt(instantMs: number, timeZone: string): number {
  const p = localParts(instantMs, timeZone);
  const wallClockAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wallClockAsUtc - Math.floor(instantMs / 1000) * 1000;
}

/** Compares the local month of an instant with a target month: -1 before, 0 same, 1 after. */
function compareLocalMonth(instantMs: number, timeZone: string, target: string): number {
  const local = monthOf(new Date(instantMs), timeZone);
  return local < target ? -1 : local > target ? 1 : 0;
}

/**
 * First instant whose local month is `month`. The offset guess is exact for almost every zone;
 * when a DST change skips local midnight on the 1st, a search narrows to the exact millisecond.
 */
function monthStart(month: string, timeZone: string): number {
  const { year, month: number } = parseMonth(month);
  const midnightAsUtc = Date.UTC(year, number - 1, 1);
  let guess = midnightAsUtc - offsetAt(midnightAsUtc, timeZone);
  guess = midnightAsUtc - offsetAt(guess, timeZone);
  if (compareLocalMonth(guess, timeZone, month) >= 0 && compareLocalMonth(guess - 1, timeZone, month) < 0) return guess;
  // The boundary lies within a day of the guess: offsets never differ by more than 26 hours.
  let before = guess - 26 * HOUR_MS;
  let atOrAfter = guess + 26 * HOUR_MS;
  while (atOrAfter - before > 1) {
    const middle = Math.floor((before + atOrAfter) / 2);
    if (compareLocalMonth(middle, timeZone, month) >= 0) atOrAfter = middle;
    else before = middle;
  }
  return atOrAfter;
}

/** The exact instants the account's month starts and ends, in its time zone. */
export function monthBounds(month: string, timeZone: string): MonthBounds {
  return { start: new Date(monthStart(month, timeZone)), end: new Date(monthStart(nextMonth(month), timeZone)) };
}

/** Whether the instant falls in the month (start inclusive, end exclusive). */
export function isInMonth(instant: Date, month: string, timeZone: string): boolean {
  return monthOf(instant, timeZone) === month;
}
