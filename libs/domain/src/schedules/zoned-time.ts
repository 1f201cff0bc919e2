import { isValidTimeZone, zonedFormatter } from '../time/zoned-formatter';
/**
 * Local wall-clock time in an IANA zone and back, with Intl only (no time-zone library).
 *
 * A wall-clock time can name no instant (it falls in a DST gap: 02:30 on the US spring-forward day)
 * or two (a DST overlap: 01:30 on the fall-back day). `instantOfWallClock` resolves both the way a
 * person setting an alarm expects, and so that later wall-clock times never map to earlier instants:
 * - in a gap: the instant the gap ends (02:30 → 03:00 EDT), so the occurrence still happens, once;
 * - in an overlap: the earlier instant (01:30 EDT, not 01:30 EST), so it happens once, not twice.
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

export const isTimeZoneName = isValidTimeZone;

interface LocalFields extends WallClock {
  second: number;
}

function localFields(instantMs: number, timeZone: string): LocalFields {
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

/** The wall-clock minute of an instant in the zone. */
export function wallClockOf(instant: Date, timeZone: string): WallClock {
  const { year, month, day, hour, minute } = localFields(instant.getTime(), timeZone);
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

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds; sub-second offsets don't exist). */
function offsetAt(instantMs: number, timeZone: string): number {
  const local = localFields(instantMs, timeZone);
  const localAsUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return localAsUtc - Math.floor(instantMs / 1000) * 1000;
}

function wallMinuteAsUtc(instantMs: number, timeZone: string): number {
  return wallClockAsUtc(localFields(instantMs, timeZone));
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
  // A gap: the offset before it is the smaller one. Search for the first instant past the gap,
  // which lies between "target read with the new offset" and "target read with the old one".
  const [before, after] = [...offsets].sort((a, b) => a - b);
  let low = target - after; // still before the gap ends (reads as target - gap length)
  let high = target - before; // already past it
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (wallMinuteAsUtc(middle, timeZone) >= target) high = middle;
    else low = middle;
  }
  // The gap ends on a whole minute in every zone the tz database has; round up to be exact.
  return new Date(Math.ceil(high / MINUTE_MS) * MINUTE_MS);
}
