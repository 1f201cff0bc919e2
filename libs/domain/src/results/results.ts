import { Dec, formatAmount } from '../money';
import type { Decimal } from '../money';

/** LINE answers null for a count under this (and for privacy); such a count is unknown, never 0. */
export const STATISTICS_THRESHOLD = 20;

/** LINE lets an account use this many aggregation unit names a month. */
export const AGGREGATION_UNITS_PER_MONTH = 1000;

/** LINE keeps updating a unit's statistics for this many days after the send day. */
export const RESULTS_DAYS_AFTER_SEND = 14;

/** LINE's limit for the statistics-per-unit endpoint, per channel. */
export const STATISTICS_REQUESTS_PER_HOUR = 60;

const UNIT_NAME = /^[a-zA-Z0-9_]{1,30}$/;

/**
 * A run's aggregation unit name, from its id: `lcm_` and the 128 bits of the uuid in base 36
 * (at most 25 characters), so it fits LINE's `^[a-zA-Z0-9_]{1,30}$` and the same run always gets
 * the same name.
 */
export function aggregationUnitFor(runId: string): string {
  const hex = runId.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new RangeError(`not a uuid: ${runId}`);
  const unit = `lcm_${BigInt(`0x${hex}`).toString(36)}`;
  if (!UNIT_NAME.test(unit)) throw new RangeError(`unit name out of LINE's pattern: ${unit}`);
  return unit;
}

/** A count as shown: a number, or unknown because LINE said "fewer than 20" (`belowThreshold`). */
export interface ResultCount {
  value: number | null;
  belowThreshold: boolean;
  /** A total of which some parts are fewer than 20: the known parts add up to at least this. */
  atLeast?: number;
}

/** What LINE's answer means: null is "fewer than 20", kept apart from 0. */
export function countFromLine(value: number | null): ResultCount {
  return value === null ? { value: null, belowThreshold: true } : { value, belowThreshold: false };
}

/** No reading yet: unknown, and not because of the threshold. */
export const NOT_READ: ResultCount = { value: null, belowThreshold: false };

/** Adds counts of several runs; any part under the threshold makes the total unknown, with a lower bound. */
export function sumCounts(counts: readonly ResultCount[]): ResultCount {
  const read = counts.filter((count) => count.value !== null || count.belowThreshold);
  if (read.length === 0) return NOT_READ;
  const known = read.reduce((total, count) => total + (count.value ?? 0), 0);
  if (read.some((count) => count.belowThreshold)) {
    return known > 0 ? { value: null, belowThreshold: true, atLeast: known } : { value: null, belowThreshold: true };
  }
  return { value: known, belowThreshold: false };
}

/** `count / delivered` as a fraction with 4 decimals ("0.2500"); null when the count is unknown or nothing was delivered. */
export function rateOf(count: ResultCount, delivered: number): string | null {
  if (count.value === null || delivered <= 0) return null;
  return new Dec(count.value).dividedBy(delivered).toFixed(4, Dec.ROUND_HALF_UP);
}

/** `cost / per × scale` as money (4 decimals); null when the divisor is unknown or zero. */
export function costPer(cost: Decimal | string, per: number | null, scale = 1): string | null {
  if (per === null || per <= 0) return null;
  return formatAmount(new Dec(cost).times(scale).dividedBy(per));
}

/** LINE's insight dates: yyyyMMdd in UTC+9. */
export function lineInsightDate(instant: Date): string {
  const shifted = new Date(instant.getTime() + 9 * 3_600_000);
  return shifted.toISOString().slice(0, 10).replace(/-/g, '');
}

/** The period to ask LINE for: the send day (UTC+9) to today, at most 14 days after the send day. */
export function resultsPeriod(sentAt: Date, now: Date): { from: string; to: string; final: boolean } {
  const from = lineInsightDate(sentAt);
  const last = lineInsightDate(new Date(sentAt.getTime() + RESULTS_DAYS_AFTER_SEND * 86_400_000));
  const today = lineInsightDate(now);
  const to = today < from ? from : today > last ? last : today;
  return { from, to, final: today > last };
}

/** The instant after which LINE no longer updates a run's figures: the end of the 14th day after its send day (UTC+9). */
export function resultsFinalAt(sentAt: Date): Date {
  const last = lineInsightDate(new Date(sentAt.getTime() + RESULTS_DAYS_AFTER_SEND * 86_400_000));
  const endOfDayUtc9 = Date.UTC(Number(last.slice(0, 4)), Number(last.slice(4, 6)) - 1, Number(last.slice(6, 8)) + 1);
  return new Date(endOfDayUtc9 - 9 * 3_600_000);
}

/** "20261201" → "2026-12-01". */
export function isoDateOfLineDate(value: string): string {
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}
