import { DateTime, IANAZone } from 'luxon';

/**
 * Local wall-clock time in an IANA zone and back: the one place the domain does zone arithmetic
 * (schedules and the account's month use it). luxon reads the tz database; which instant a
 * wall-clock time stands for is decided here, because luxon's own choice is not this project's:
 *
 * A wall-clock time can name no instant (it falls in a DST gap: 02:30 on the US spring-forward day)
 * or two (a DST overlap: 01:30 on the fall-back day). `instantOfWallClock` resolves both the way a
 * person setting an alarm expects (and Vixie cron does), so that later wall-clock times never map
 * to earlier instants:
 * - in a gap: the instant the gap ends (02:30 → 03:00 EDT), so the occurrence still happens, once
 *   (luxon would shift it by the gap's length, to 03:30);
 * - in an overlap: the earlier instant (01:30 EDT, not 01:30 EST), so it happens once, not twice
 *   (luxon would take the later one).
 */

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  /** 0-23 */
  hour: number;
  /** 0-59 */
  minute: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function isValidTimeZone(timeZone: string): boolean {
  return typeof timeZone === 'string' && IANAZone.isValidZone(timeZone);
}

function zoned(instantMs: number, timeZone: string): DateTime {
  const local = DateTime.fromMillis(instantMs, { zone: timeZone });
  if (!local.isValid) throw new RangeError(`not a time zone or an instant: ${timeZone}, ${instantMs}`);
  return local;
}

/** The wall-clock minute of an instant in the zone. Throws RangeError on an unknown zone. */
export function wallClockOf(instant: Date, timeZone: string): WallClock {
  const { year, month, day, hour, minute } = zoned(instant.getTime(), timeZone);
  return { year, month, day, hour, minute };
}

/** The wall clock read as if it were UTC: a plain number to compare and do arithmetic on. */
export function wallClockAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

/** The inverse of wallClockAsUtc. */
export function wallClockFromUtc(wallClockMs: number): WallClock {
  const date = new Date(wallClockMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
  };
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instantMs: number, timeZone: string): number {
  return zoned(instantMs, timeZone).offset * MINUTE_MS;
}

/** The wall-clock minute (read as UTC) an instant shows in the zone. */
function wallMinuteAsUtc(instantMs: number, timeZone: string): number {
  const offset = offsetAt(instantMs, timeZone);
  return Math.floor((instantMs + offset) / MINUTE_MS) * MINUTE_MS;
}

/**
 * The instant a wall-clock minute names in the zone; gaps and overlaps as the module comment says.
 * Zones change offset at most once within a day either side of any instant they have ever used.
 */
export function instantOfWallClock(wall: WallClock, timeZone: string): Date {
  const target = wallClockAsUtc(wall);
  const offsets = new Set([offsetAt(target - DAY_MS, timeZone), offsetAt(target + DAY_MS, timeZone)]);
  const exact = [...offsets]
    .map((offset) => target - offset)
    .filter((candidate) => wallMinuteAsUtc(candidate, timeZone) === target);
  if (exact.length) return new Date(Math.min(...exact));
  // A gap: the offset before it is the smaller one. The gap ends between "target read with the new
  // offset" (still before it) and "target read with the old one" (past it), on a whole minute in
  // every zone the tz database has: search the minutes.
  const [before, after] = [...offsets].sort((a, b) => a - b);
  let low = (target - after) / MINUTE_MS;
  let high = (target - before) / MINUTE_MS;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallMinuteAsUtc(middle * MINUTE_MS, timeZone) >= target) high = middle;
    else low = middle;
  }
  return new Date(high * MINUTE_MS);
}
