import { Decimal, formatAmount } from '../money';
import { planMonthlyCost } from './cost';
import { RateCard } from './rate-card';

export interface PlanOption<C extends RateCard = RateCard> {
  plan: string;
  card: C;
  /** Fee plus additional messages for the volume, 4 decimal places. */
  monthlyCost: string;
  currency: string;
}

/**
 * The cheapest plan for a month of `monthMessages` counted messages: fee plus additional messages at
 * their marginal prices, skipping plans that can't buy the messages past their free quota.
 * Ties go to the plan with more free messages (more room at the same price), then to the plan code.
 * `null` when no card can carry the volume. All cards must share one currency (one region).
 */
export function cheapestPlan<C extends RateCard>(cards: readonly C[], monthMessages: number): PlanOption<C> | null {
  assertOneCurrency(cards);
  let best: { card: C; cost: Decimal } | null = null;
  for (const card of cards) {
    const cost = planMonthlyCost(card, monthMessages);
    if (cost === null) continue;
    if (!best || isBetter(card, cost, best.card, best.cost)) best = { card, cost };
  }
  if (!best) return null;
  return { plan: best.card.plan, card: best.card, monthlyCost: formatAmount(best.cost), currency: best.card.currency };
}

function isBetter(card: RateCard, cost: Decimal, bestCard: RateCard, bestCost: Decimal): boolean {
  if (!cost.eq(bestCost)) return cost.lt(bestCost);
  if (card.freeMessages !== bestCard.freeMessages) return card.freeMessages > bestCard.freeMessages;
  return card.plan < bestCard.plan;
}

function assertOneCurrency(cards: readonly RateCard[]): void {
  const currencies = new Set(cards.map((card) => card.currency));
  if (currencies.size > 1) throw new RangeError(`cannot compare plans priced in ${[...currencies].join(', ')}`);
}

export interface PlanRecommendation {
  /** The cheapest plan for the volume; may be the current one. */
  plan: string;
  /** Its fee plus additional messages for the volume, 4 decimal places. */
  monthlyCost: string;
  currency: string;
  /** The month's volume the plans were priced for. */
  projectedMessages: number;
  /** The current plan's cost for the same volume; null when it can't carry it. */
  currentPlanMonthlyCost: string | null;
}

/**
 * The one rule for which plan suits the month, used by the forecast's plan suggestion and the usage
 * report alike: the month's volume is what is committed (used, reserved, headroom, and a send's
 * messages) or the month's projection, the larger; the plans compared are the current card's
 * region and currency. Null when no card of the region can carry the volume.
 */
export function recommendPlan<C extends RateCard>(input: {
  cards: readonly C[];
  current: RateCard;
  committedMessages: number;
  projectedMessages: number;
}): PlanRecommendation | null {
  const comparable = input.cards.filter(
    (other) => other.region === input.current.region && other.currency === input.current.currency,
  );
  if (comparable.length === 0) return null;
  const volume = Math.max(input.committedMessages, input.projectedMessages);
  const best = cheapestPlan(comparable, volume);
  if (!best) return null;
  const current = planMonthlyCost(input.current, volume);
  return {
    plan: best.plan,
    monthlyCost: best.monthlyCost,
    currency: best.currency,
    projectedMessages: volume,
    currentPlanMonthlyCost: current === null ? null : formatAmount(current),
  };
}
