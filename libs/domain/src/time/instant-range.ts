import { isIsoDateTime } from '../segments/iso-instant';

/**
 * The instants the API takes (a schedule, a contact's followedAt, a webhook event's timestamp, a
 * cursor's createdAt): from the Unix epoch to the last millisecond of year 9999 (UTC). Outside it
 * JavaScript's Date still works (to ±275760) but PostgreSQL and the ISO strings the API writes
 * don't, and no campaign is sent in either.
 */
export const EARLIEST_INSTANT_MS = Date.UTC(1970, 0, 1);
export const LATEST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
export const INSTANT_RANGE = 'between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';

export function isInstantInRange(epochMs: number): boolean {
  return Number.isFinite(epochMs) && epochMs >= EARLIEST_INSTANT_MS && epochMs <= LATEST_INSTANT_MS;
}

/** An ISO date-time with an offset (the domain's grammar) whose instant is in the API's range. */
export function isApiDateTime(text: unknown): text is string {
  return isIsoDateTime(text) && isInstantInRange(Date.parse(text));
}
