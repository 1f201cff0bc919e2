import { DateTime } from 'luxon';
import { instantOfWallClock, wallClockAsUtc, wallClockFromUtc, wallClockOf } from '../time/zoned-time';

/**
 * Quiet hours: a daily window of an account's wall-clock time (its time zone) in which no campaign
 * message goes out. `start` is inclusive, `end` exclusive; a start later than the end wraps past
 * midnight (21:00–09:00 is 21:00 today to 09:00 tomorrow). Start equal to end is refused: it would
 * mean either "never" or "always", and null already says "off".
 *
 * Each day's window runs between the instants its two wall-clock times name under this project's
 * rule (`time/zoned-time.ts`): a time a DST change skips happens when the gap ends, a time that
 * happens twice happens at the earlier instant. So in a repeated hour a window that ended at the
 * first 01:30 does not come back at the second one, and a window whose start is skipped begins when
 * the gap ends.
 */
export interface QuietHours {
  /** "HH:MM", 00:00 to 23:59 */
  start: string;
  /** "HH:MM", 00:00 to 23:59 */
  end: string;
}

export interface QuietWindow {
  start: Date;
  end: Date;
}

const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DAY_MS = 86_400_000;

/** "HH:MM" as hour and minute, or null when it is not a 24-hour clock time. */
export function parseClockTime(text: unknown): { hour: number; minute: number } | null {
  if (typeof text !== 'string') return null;
  const match = CLOCK_TIME.exec(text);
  return match ? { hour: Number(match[1]), minute: Number(match[2]) } : null;
}

/** What is wrong with a quietHours value, by field ("start", "end" or "" for the whole); empty when it is good. */
export function quietHoursProblems(value: unknown): { field: string; problem: string }[] {
  if (value === null) return [];
  if (typeof value !== 'object' || Array.isArray(value))
    return [{ field: '', problem: 'must be {"start": "HH:MM", "end": "HH:MM"} or null (off)' }];
  const problems: { field: string; problem: string }[] = [];
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (key !== 'start' && key !== 'end') problems.push({ field: key, problem: 'is not a field of quietHours' });
  for (const key of ['start', 'end'] as const)
    if (!parseClockTime(record[key]))
      problems.push({ field: key, problem: 'must be a 24-hour time "HH:MM", 00:00 to 23:59' });
  if (!problems.length && record.start === record.end)
    problems.push({ field: 'end', problem: 'must differ from start (null turns quiet hours off)' });
  return problems;
}

function windowOfDay(day: number, quietHours: QuietHours, timeZone: string): QuietWindow {
  const start = parseClockTime(quietHours.start)!;
  const end = parseClockTime(quietHours.end)!;
  const wraps = quietHours.start > quietHours.end;
  const startDay = wallClockFromUtc(day);
  const endDay = wallClockFromUtc(wraps ? day + DAY_MS : day);
  return {
    start: instantOfWallClock({ ...startDay, ...start }, timeZone),
    end: instantOfWallClock({ ...endDay, ...end }, timeZone),
  };
}

/**
 * The quiet window that contains `instant`, or else the next one to begin after it. Windows a DST
 * change leaves empty (both ends in one gap) are skipped. Throws RangeError on an unknown zone.
 */
export function quietWindowAt(instant: Date, quietHours: QuietHours, timeZone: string): QuietWindow {
  const wall = wallClockOf(instant, timeZone);
  const today = wallClockAsUtc({ ...wall, hour: 0, minute: 0 });
  // Yesterday's window may wrap into today; one of the next days' windows is not empty.
  for (let offset = -1; offset <= 3; offset++) {
    const window = windowOfDay(today + offset * DAY_MS, quietHours, timeZone);
    if (window.end.getTime() > window.start.getTime() && window.end.getTime() > instant.getTime()) return window;
  }
  throw new RangeError(`no quiet window within days of ${instant.toISOString()} in ${timeZone}`);
}

/** The window in force at `instant`, or null when it is not quiet then. */
export function quietAt(instant: Date, quietHours: QuietHours | null, timeZone: string): QuietWindow | null {
  if (!quietHours) return null;
  const window = quietWindowAt(instant, quietHours, timeZone);
  return window.start.getTime() <= instant.getTime() ? window : null;
}

/** "09:00 +08:00": a time of day in the zone with its offset (which also tells the two 01:30s of a repeated hour apart). */
export function formatLocalTime(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toFormat('HH:mm ZZ');
}

/** "2027-03-16 09:00 +08:00". */
export function formatLocalDateTime(instant: Date, timeZone: string): string {
  return DateTime.fromJSDate(instant, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm ZZ');
}
