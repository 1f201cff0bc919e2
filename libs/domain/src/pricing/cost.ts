import { Dec, Decimal, formatAmount, toDecimal } from '../money';
import { RateCard } from './rate-card';

/** The part of a send that falls in one price band. Positions are the month's additional messages, 1-based. */
export interface BandCost {
  from: number;
  to: number;
  unitPrice: string;
  messages: number;
  /** messages × unitPrice, 4 decimal places. */
  amount: string;
}

export interface PaidCost {
  /** Sum of the bands' amounts, 4 decimal places. */
  amount: string;
  currency: string;
  bands: BandCost[];
}

function assertCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a whole number, 0 or more (got ${value})`);
}

/** Bands as position ranges: [first, last] with last = Infinity for the open band. */
function bandRanges(card: RateCard): { first: number; last: number; unitPrice: string }[] {
  let previousUpTo = 0;
  return card.tiers.map((band) => {
    const range = { first: previousUpTo + 1, last: band.upTo ?? Number.POSITIVE_INFINITY, unitPrice: band.unitPrice };
    previousUpTo = band.upTo ?? previousUpTo;
    return range;
  });
}

/**
 * Prices the month's additional-message positions `alreadyPaid + 1 … alreadyPaid + count` under the
 * card's marginal bands (like tax brackets: each position pays its own band's price).
 * Throws RangeError when count > 0 on a card that cannot buy additional messages: such messages
 * have no price, and callers must treat them as a plan limit, not as free.
 */
export function costOfPaidPositions(card: RateCard, alreadyPaid: number, count: number): PaidCost {
  const { total, bands } = pricePositions(card, alreadyPaid, count);
  return { amount: formatAmount(total), currency: card.currency, bands };
}

/** The exact total of costOfPaidPositions, for arithmetic. */
export function paidPositionsTotal(card: RateCard, alreadyPaid: number, count: number): Decimal {
  return pricePositions(card, alreadyPaid, count).total;
}

function pricePositions(card: RateCard, alreadyPaid: number, count: number): { total: Decimal; bands: BandCost[] } {
  assertCount(alreadyPaid, 'alreadyPaid');
  assertCount(count, 'count');
  if (count === 0) return { total: new Dec(0), bands: [] };
  if (!card.additionalAllowed || card.tiers.length === 0) {
    throw new RangeError(`the ${card.region} ${card.plan} plan cannot buy additional messages`);
  }
  const first = alreadyPaid + 1;
  const last = alreadyPaid + count;
  let total = new Dec(0);
  const bands: BandCost[] = [];
  for (const range of bandRanges(card)) {
    const from = Math.max(first, range.first);
    const to = Math.min(last, range.last);
    if (from > to) continue;
    const messages = to - from + 1;
    const amount = toDecimal(range.unitPrice).times(messages);
    total = total.plus(amount);
    bands.push({ from, to, unitPrice: range.unitPrice, messages, amount: formatAmount(amount) });
  }
  return { total, bands };
}

/** How many of a month's messages are additional (past the free quota). */
export function additionalMessagesOf(card: RateCard, monthMessages: number): number {
  assertCount(monthMessages, 'monthMessages');
  return Math.max(0, monthMessages - card.freeMessages);
}

/**
 * What a plan costs for a month with `monthMessages` counted messages: the fee plus every additional
 * message at its marginal price. `null` when the plan cannot send that many (it can't buy more).
 */
export function planMonthlyCost(card: RateCard, monthMessages: number): Decimal | null {
  const additional = additionalMessagesOf(card, monthMessages);
  if (additional > 0 && !card.additionalAllowed) return null;
  return toDecimal(card.monthlyFee).plus(paidPositionsTotal(card, 0, additional));
}

/**
 * Additional-message spend of a month with `monthMessages` counted messages (fee excluded).
 * Messages past the free quota on a plan that can't buy more are not billable, so they add nothing.
 */
export function additionalSpendOf(card: RateCard, monthMessages: number): Decimal {
  if (!card.additionalAllowed) return new Dec(0);
  return paidPositionsTotal(card, 0, additionalMessagesOf(card, monthMessages));
}
