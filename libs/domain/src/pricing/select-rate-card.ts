import { RateCard } from './rate-card';

/**
 * The card of `region`/`plan` in force on a local date ("YYYY-MM-DD"): the latest effectiveFrom on
 * or before it. Ties (two cards from the same day): a verified card beats an unverified one, then
 * the later in the list wins, so pass cards in creation order. `undefined` when none is in force.
 */
export function selectRateCard<C extends RateCard>(
  cards: readonly C[],
  region: string,
  plan: string,
  on: string,
): C | undefined {
  let chosen: C | undefined;
  for (const card of cards) {
    if (card.region !== region || card.plan !== plan || card.effectiveFrom > on) continue;
    if (!chosen || outranks(card, chosen)) chosen = card;
  }
  return chosen;
}

function outranks(candidate: RateCard, current: RateCard): boolean {
  if (candidate.effectiveFrom !== current.effectiveFrom) return candidate.effectiveFrom > current.effectiveFrom;
  if (candidate.verified !== current.verified) return candidate.verified;
  return true;
}

/** Every plan's card of a region in force on a local date: the input of plan suggestions. */
export function cardsInForce<C extends RateCard>(cards: readonly C[], region: string, on: string): C[] {
  const plans = [...new Set(cards.filter((card) => card.region === region).map((card) => card.plan))];
  return plans.map((plan) => selectRateCard(cards, region, plan, on)).filter((card): card is C => card !== undefined);
}
