import { CronExpression, matchesDay, parseCron } from './cron';
import { instantOfWallClock, WallClock, wallClockAsUtc, wallClockOf } from './zoned-time';

const DAY_MS = 86_400_000;
/**
 * How far to look for a matching day: 28 years is the Gregorian calendar's cycle of weekdays
 * and leap days (between century years), so a day pattern with no match in it has none at all
 * ("0 0 30 2 *").
 */
const SEARCH_DAYS = 28 * 366;

export interface NextOccurrenceOptions {
  /** Stop looking past this instant (a schedule's end); the answer is then null. */
  notAfter?: Date;
}

/**
 * The first instant strictly after `after` whose wall-clock time in `timeZone` matches the cron
 * expression, or null when there is none (before `notAfter`, or ever).
 *
 * Times in a DST gap happen when the gap ends, once; times in an overlap happen at the earlier
 * instant, once (see zoned-time.ts). That mapping never puts a later wall-clock time at an earlier
 * instant, so walking wall-clock candidates in order finds the earliest instant.
 */
export function nextOccurrence(
  cron: CronExpression | string,
  after: Date,
  timeZone: string,
  options: NextOccurrenceOptions = {},
): Date | null {
  const expression = typeof cron === 'string' ? parseCron(cron) : cron;
  const afterMs = after.getTime();
  if (Number.isNaN(afterMs)) throw new RangeError('invalid Date');
  const limitMs = options.notAfter?.getTime() ?? Number.POSITIVE_INFINITY;
  // Wall-clock times before this minute map to instants at or before `after` (the mapping is monotone).
  const start = wallClockOf(after, timeZone);
  const startMs = wallClockAsUtc(start);
  const firstDay = Date.UTC(start.year, start.month - 1, start.day);
  for (let index = 0; index <= SEARCH_DAYS; index++) {
    const dayMs = firstDay + index * DAY_MS;
    const date = new Date(dayMs);
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    // Local midnight is at most ~14 hours from the instant it names; past that margin we are done.
    if (dayMs - 14 * 3_600_000 > limitMs) return null;
    if (!expression.months.values.includes(month) || !matchesDay(expression, day, date.getUTCDay())) continue;
    for (const hour of expression.hours.values) {
      for (const minute of expression.minutes.values) {
        const wall: WallClock = { year, month, day, hour, minute };
        if (wallClockAsUtc(wall) < startMs) continue;
        const instant = instantOfWallClock(wall, timeZone);
        if (instant.getTime() <= afterMs) continue;
        return instant.getTime() <= limitMs ? instant : null;
      }
    }
  }
  return null;
}

/** The next `count` occurrences after `after` (fewer when the schedule ends). */
export function nextOccurrences(
  cron: CronExpression | string,
  after: Date,
  timeZone: string,
  count: number,
  options: NextOccurrenceOptions = {},
): Date[] {
  const expression = typeof cron === 'string' ? parseCron(cron) : cron;
  const occurrences: Date[] = [];
  let cursor: Date | null = after;
  while (occurrences.length < count && (cursor = nextOccurrence(expression, cursor, timeZone, options)))
    occurrences.push(cursor);
  return occurrences;
}
