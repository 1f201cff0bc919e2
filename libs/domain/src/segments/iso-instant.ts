/**
 * The one ISO-8601 grammar that range comparisons (`gt`/`gte`/`lt`/`lte`) accept, shared verbatim by
 * the in-memory evaluator (JavaScript RegExp) and PostgreSQL (a jsonpath `like_regex` in the function
 * behind contacts.attribute_instants, see migration contact_attribute_instants), so both sides agree
 * on which strings are dates. Change it only together with a migration that replaces that function:
 *
 *   YYYY-MM-DD                                   a calendar date, read as midnight UTC
 *   YYYY-MM-DDTHH:MM[:SS[.f…]](Z|+HH:MM|-HH:MM)  a date-time with an explicit offset
 *
 * - Years 0001 to 9999; the day must exist in its month (leap years per the Gregorian rules), so
 *   PostgreSQL's `::timestamptz` cast of any matching string cannot fail.
 * - Hours 00-23, minutes and seconds 00-59 (no leap second, no 24:00: PostgreSQL would roll them
 *   over where JavaScript would not), 1 to 6 fraction digits (PostgreSQL keeps microseconds and
 *   rounds beyond), offsets up to ±14:59 (PostgreSQL refuses past ±15:59).
 * - No local times (a date-time without an offset would depend on a session time zone).
 * The pattern uses only syntax common to both engines: no backslashes, no quotes, no lookaround.
 */
const YEAR = '(?:[0-9]{3}[1-9]|[0-9]{2}[1-9]0|[0-9][1-9]00|[1-9]000)';
const LEAP_YEAR = '(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)';
const MONTH_DAY = '(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)';
const DATE = `(?:${YEAR}-${MONTH_DAY}|${LEAP_YEAR}-02-29)`;
const TIME = 'T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.][0-9]{1,6})?)?(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])';

/** Source text of the pattern, anchored; safe inside a SQL string literal and a jsonpath string. */
export const ISO_INSTANT_PATTERN = `^${DATE}(?:${TIME})?$`;

/**
 * The date-time half of the grammar alone (an offset required, no bare date): the instants the API
 * takes in fields such as a contact's followedAt or a campaign's schedule.at.
 */
export const ISO_DATE_TIME_PATTERN = `^${DATE}${TIME}$`;

const ISO_INSTANT = new RegExp(ISO_INSTANT_PATTERN);
const ISO_DATE_TIME = new RegExp(ISO_DATE_TIME_PATTERN);
// Only for taking a string that already matched ISO_INSTANT apart.
const PARTS = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:Z|([+-])(\d{2}):(\d{2})))?$/;

/** An instant at microsecond precision, exact for every year 0001-9999 (no floating-point rounding). */
export interface IsoInstant {
  /** Whole seconds since 1970-01-01T00:00:00Z (negative before). */
  epochSeconds: number;
  /** 0 to 999,999. */
  microseconds: number;
}

export function isIsoInstant(text: string): boolean {
  return ISO_INSTANT.test(text);
}

/** A date-time with an explicit offset, in the grammar above (`Date.parse` reads every one; beyond milliseconds it truncates). */
export function isIsoDateTime(text: unknown): text is string {
  return typeof text === 'string' && ISO_DATE_TIME.test(text);
}

/** The instant an ISO string stands for, or undefined when it is not in the grammar above. */
export function parseIsoInstant(text: string): IsoInstant | undefined {
  if (!ISO_INSTANT.test(text)) return undefined;
  const parts = PARTS.exec(text);
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts
    .slice(1, 7)
    .map((part) => (part === undefined ? 0 : Number(part)));
  const fraction = parts[7] ?? '';
  const offsetSign = parts[8] === '-' ? -1 : 1;
  const offsetSeconds = parts[8] === undefined ? 0 : offsetSign * (Number(parts[9]) * 3600 + Number(parts[10]) * 60);
  const localSeconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
  return { epochSeconds: localSeconds - offsetSeconds, microseconds: Number(fraction.padEnd(6, '0')) };
}

export function compareIsoInstants(left: IsoInstant, right: IsoInstant): number {
  if (left.epochSeconds !== right.epochSeconds) return left.epochSeconds < right.epochSeconds ? -1 : 1;
  if (left.microseconds !== right.microseconds) return left.microseconds < right.microseconds ? -1 : 1;
  return 0;
}

/**
 * The instant as exact decimal seconds since 1970-01-01T00:00:00Z with six fraction digits
 * ("1717200000.000000", "-0.500000"): the number PostgreSQL's `extract(epoch FROM …)` gives, so the
 * two compare exactly as numerics.
 */
export function epochSecondsText({ epochSeconds, microseconds }: IsoInstant): string {
  const total = BigInt(epochSeconds) * 1_000_000n + BigInt(microseconds);
  const magnitude = total < 0n ? -total : total;
  return `${total < 0n ? '-' : ''}${magnitude / 1_000_000n}.${String(magnitude % 1_000_000n).padStart(6, '0')}`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const shiftedYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(shiftedYear / 400);
  const yearOfEra = shiftedYear - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
