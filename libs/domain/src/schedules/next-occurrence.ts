import { CronExpression, parseCron } from './cron';
import { instantOfWallClock, wallClockAsUtc, wallClockFromUtc, wallClockOf } from '../time/zoned-time';

const MINUTE_MS = 60_000;
/** No zone is more than 14 hours ahead of UTC: a wall-clock time names an instant at most this much earlier. */
const MAX_AHEAD_MS = 14 * 3_600_000;

export interface NextOccurrenceOptions {
  /** Stop looking past this instant (a schedule's end); the answer is then null. */
  notAfter?: Date;
}

/**
 * The first instant strictly after `after` whose wall-clock time in `timeZone` matches the cron
 * expression, or null when there is none (before `notAfter`, or ever).
 *
 * Times in a DST gap happen when the gap ends, once; times in an overlap happen at the earlier
 * instant, once (see time/zoned-time.ts). That mapping never puts a later wall-clock time at an earlier
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
  // Wall-clock times before the minute of `after` map to instants at or before it (the mapping is
  // monotone), so the walk starts at that minute; past `notAfter` + 14 hours no wall-clock time can
  // name an instant before `notAfter`.
  let wall = wallClockAsUtc(wallClockOf(after, timeZone)) - MINUTE_MS;
  const wallLimit = Number.isFinite(limitMs) ? limitMs + MAX_AHEAD_MS + MINUTE_MS : undefined;
  for (;;) {
    const next = expression.nextAfter(wall, wallLimit);
    if (next === null) return null;
    const instant = instantOfWallClock(wallClockFromUtc(next), timeZone);
    if (instant.getTime() > afterMs) return instant.getTime() <= limitMs ? instant : null;
    wall = next;
  }
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
