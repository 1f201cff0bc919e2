/**
 * LINE counts delivered messages per day in UTC+9 (its `date` parameter, `yyyyMMdd`), whatever the
 * account's time zone. A day here is `YYYY-MM-DD`, the same day as LINE names it.
 */
const LINE_OFFSET_MS = 9 * 3_600_000;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The LINE day (UTC+9) an instant falls on, `YYYY-MM-DD`. */
export function lineDayOf(instant: Date): string {
  return new Date(instant.getTime() + LINE_OFFSET_MS).toISOString().slice(0, 10);
}

/** `YYYY-MM-DD` → LINE's `yyyyMMdd`. */
export function lineDateParam(day: string): string {
  if (!ISO_DAY.test(day)) throw new RangeError(`a LINE day is YYYY-MM-DD (got ${day})`);
  return day.replaceAll('-', '');
}

/** The instants a LINE day spans: [start, end). */
export function lineDayBounds(day: string): { start: Date; end: Date } {
  const match = ISO_DAY.exec(day);
  if (!match) throw new RangeError(`a LINE day is YYYY-MM-DD (got ${day})`);
  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - LINE_OFFSET_MS;
  return { start: new Date(start), end: new Date(start + 86_400_000) };
}
