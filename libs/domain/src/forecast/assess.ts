import { Dec, Decimal, formatAmount } from '../money';
import { costOfPaidPositions, PaidCost, paidPositionsTotal } from '../pricing';
import { BlockingVerdict, VERDICT_SEVERITY } from './forecast.types';
import { assertCount, MonthSituation } from './situation';

/** The forecast's figures for one recipient count in a given month. */
export interface Assessment {
  recipients: number;
  messages: number;
  remainingFree: number;
  paidSoFar: number;
  freeMessages: number;
  paidMessages: number;
  /** Priced paid part; empty (0) when the plan cannot buy additional messages. */
  cost: PaidCost;
  costTotal: Decimal;
  /** spent + reserved + this cost. */
  monthSpendAfter: Decimal;
  overPlanLimit: boolean;
  overLineCap: boolean;
  overMonthlyCap: boolean;
  overCostCap: boolean;
  /** Not fresh while a cap applies. */
  quotaUnknown: boolean;
  verdicts: BlockingVerdict[];
}

/** Whether any limit applies that stale figures could let a send pass unnoticed. */
export function hasHardCap(situation: MonthSituation): boolean {
  return (
    !situation.card.additionalAllowed ||
    situation.additionalCap !== null ||
    situation.monthlyCap !== null ||
    situation.costCap !== null
  );
}

function priceablePaidCost(
  situation: MonthSituation,
  paidSoFar: number,
  paidMessages: number,
): { cost: PaidCost; total: Decimal } {
  const { card } = situation;
  if (!card.additionalAllowed)
    return { cost: { amount: formatAmount(0), currency: card.currency, bands: [] }, total: new Dec(0) };
  return {
    cost: costOfPaidPositions(card, paidSoFar, paidMessages),
    total: paidPositionsTotal(card, paidSoFar, paidMessages),
  };
}

/** The forecast's arithmetic and verdicts for `recipients` recipients (docs/domain.md, "The forecast"). */
export function assess(situation: MonthSituation, recipients: number): Assessment {
  assertCount(recipients, 'recipients');
  const messages = recipients * situation.requestsPerRecipient;
  assertCount(messages, 'messages');
  const { free, used, reserved, headroom } = situation;
  const remainingFree = Math.max(0, free - used - reserved - headroom);
  const paidSoFar = Math.max(0, used + reserved + headroom - free);
  const freeMessages = Math.min(messages, remainingFree);
  const paidMessages = messages - freeMessages;
  const { cost, total: costTotal } = priceablePaidCost(situation, paidSoFar, paidMessages);
  const monthSpendAfter = situation.spent.plus(situation.reservedCost).plus(costTotal);

  const overPlanLimit = paidMessages > 0 && !situation.card.additionalAllowed;
  const overLineCap =
    paidMessages > 0 &&
    situation.card.additionalAllowed &&
    situation.additionalCap !== null &&
    paidSoFar + paidMessages > situation.additionalCap;
  // A send that adds no spend cannot pass a money cap, even in a month already over it.
  const overMonthlyCap = costTotal.gt(0) && situation.monthlyCap !== null && monthSpendAfter.gt(situation.monthlyCap);
  const overCostCap = situation.costCap !== null && costTotal.gt(situation.costCap);
  const quotaUnknown = !situation.fresh && messages > 0 && hasHardCap(situation);

  const raised = new Set<BlockingVerdict>();
  if (overPlanLimit) raised.add('over_plan_limit');
  if (overLineCap) raised.add('over_line_cap');
  if (overMonthlyCap || overCostCap) raised.add('over_budget');
  if (quotaUnknown) raised.add('quota_unknown');

  return {
    recipients,
    messages,
    remainingFree,
    paidSoFar,
    freeMessages,
    paidMessages,
    cost,
    costTotal,
    monthSpendAfter,
    overPlanLimit,
    overLineCap,
    overMonthlyCap,
    overCostCap,
    quotaUnknown,
    verdicts: VERDICT_SEVERITY.filter((verdict) => raised.has(verdict)),
  };
}

export function fits(situation: MonthSituation, recipients: number): boolean {
  return assess(situation, recipients).verdicts.length === 0;
}

/**
 * The largest r in 0 … upTo whose forecast is ok. Every cap is monotonic in r (messages, paid
 * messages and cost never fall as r grows), so the ok counts form a prefix and a binary search is
 * exact: r fits and r + 1 does not (or r = upTo). r = 0 sends nothing and always fits, except under
 * quota_unknown, which callers exclude.
 */
export function largestFittingRecipients(situation: MonthSituation, upTo: number): number {
  if (fits(situation, upTo)) return upTo;
  let fitting = 0;
  let failing = upTo;
  while (failing - fitting > 1) {
    const middle = fitting + Math.floor((failing - fitting) / 2);
    if (fits(situation, middle)) fitting = middle;
    else failing = middle;
  }
  return fitting;
}
