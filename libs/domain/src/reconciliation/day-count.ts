/** What LINE answers for a day's delivery count (`GET /v2/bot/message/delivery/{multicast,push}`). */
export type LineDayStatus = 'ready' | 'unready' | 'unavailable_for_privacy' | 'out_of_service';

export const LINE_DAY_STATUSES: readonly LineDayStatus[] = [
  'ready',
  'unready',
  'unavailable_for_privacy',
  'out_of_service',
];

/** LINE answers `unavailable_for_privacy` when a day's total is under this. */
export const LINE_PRIVACY_THRESHOLD = 20;

export interface DayReading {
  status: LineDayStatus;
  /** LINE's count; present when ready. */
  count: number | null;
}

/**
 * How many messages the month ledger counts for one LINE day of one kind of traffic, given what
 * LINE accepted from this service that day (`accepted`) and LINE's reading of the day.
 *
 * - ready: LINE's count, which is what LINE bills (users who blocked the account and unknown ids
 *   were accepted but not delivered, so not counted);
 * - unavailable_for_privacy: LINE counted fewer than 20, so at most 19: the lower of that and
 *   what was accepted (still never below the truth);
 * - unready, out_of_service or not read: the accepted count, which can only be too high.
 */
export function ledgerCountOfDay(accepted: number, reading: DayReading | null): number {
  if (!Number.isSafeInteger(accepted) || accepted < 0)
    throw new RangeError(`accepted must be 0 or more (got ${accepted})`);
  if (!reading) return accepted;
  if (reading.status === 'ready') {
    if (reading.count === null || !Number.isSafeInteger(reading.count) || reading.count < 0)
      throw new RangeError(`a ready day needs a count of 0 or more (got ${reading.count})`);
    return reading.count;
  }
  if (reading.status === 'unavailable_for_privacy') return Math.min(accepted, LINE_PRIVACY_THRESHOLD - 1);
  return accepted;
}

/**
 * The ledger's adjustment of a day: what it counts minus what was accepted. A day whose accepted
 * traffic falls into two of the account's months (the LINE day straddles the account's month
 * boundary) is not adjusted: LINE's one figure can't be split between them, and the accepted counts
 * can only be too high.
 */
export function dayAdjustment(accepted: number, reading: DayReading | null, spansMonths = false): number {
  return spansMonths ? 0 : ledgerCountOfDay(accepted, reading) - accepted;
}
