import { Dec, formatAmount } from '../money';
import { monthBounds } from './account-month';
import { additionalMessagesOf, additionalSpendOf } from './cost';
import { RateCard } from './rate-card';

export interface EndOfMonthProjection {
  month: string;
  /** Share of the month elapsed at `now`, 0 to 1, as a decimal string. */
  elapsedFraction: string;
  endOfMonthMessages: number;
  /** Projected messages past the free quota (not billable, and refused by LINE, on plans that can't buy more). */
  endOfMonthAdditionalMessages: number;
  /** Additional-message spend (fee excluded), 4 decimal places, in the card's currency. */
  endOfMonthSpend: string;
  currency: string;
  /** True when the projection passes the free quota of a plan that can't buy more. */
  exceedsPlanLimit: boolean;
}

/**
 * Extends the month's pace to its end: messages used by `now` divided by the elapsed share of the
 * month, rounded up (a projection should not under-state). Before the month starts the usage so far
 * is the projection; once it is over, the usage is final.
 */
export function projectMonthMessages(usedSoFar: number, now: Date, month: string, timeZone: string): number {
  if (!Number.isSafeInteger(usedSoFar) || usedSoFar < 0)
    throw new RangeError(`usedSoFar must be a whole number, 0 or more (got ${usedSoFar})`);
  const fraction = elapsedFraction(now, month, timeZone);
  if (fraction.lte(0) || fraction.gte(1)) return usedSoFar;
  return new Dec(usedSoFar).div(fraction).ceil().toNumber();
}

/** The end-of-month projection of the usage endpoint: messages and additional spend under the card. */
export function projectEndOfMonth(input: {
  usedSoFar: number;
  now: Date;
  month: string;
  timeZone: string;
  card: RateCard;
}): EndOfMonthProjection {
  const messages = projectMonthMessages(input.usedSoFar, input.now, input.month, input.timeZone);
  const additional = additionalMessagesOf(input.card, messages);
  return {
    month: input.month,
    elapsedFraction: elapsedFraction(input.now, input.month, input.timeZone).toFixed(6),
    endOfMonthMessages: messages,
    endOfMonthAdditionalMessages: additional,
    endOfMonthSpend: formatAmount(additionalSpendOf(input.card, messages)),
    currency: input.card.currency,
    exceedsPlanLimit: additional > 0 && !input.card.additionalAllowed,
  };
}

function elapsedFraction(now: Date, month: string, timeZone: string) {
  const { start, end } = monthBounds(month, timeZone);
  const elapsed = Math.min(Math.max(now.getTime() - start.getTime(), 0), end.getTime() - start.getTime());
  return new Dec(elapsed).div(end.getTime() - start.getTime());
}
