/**
 * One marginal price band of additional messages. `upTo` is the last position (counted from the
 * month's first additional message, 1-based, inclusive) the band covers; `null` marks the open last
 * band. Band k covers positions (previous upTo + 1) … upTo.
 */
export interface RateBand {
  upTo: number | null;
  /** Non-negative decimal string with at most 4 fraction digits, e.g. "0.2". */
  unitPrice: string;
}

/** A plan's price list in one region, in force from `effectiveFrom` (a local calendar date). */
export interface RateCard {
  region: string;
  plan: string;
  currency: string;
  /** Non-negative decimal string, untaxed. */
  monthlyFee: string;
  freeMessages: number;
  /** Whether the plan may send past its free messages (paid "additional messages"). */
  additionalAllowed: boolean;
  /** Empty when additional messages are not allowed; otherwise ascending bands ending in an open one. */
  tiers: RateBand[];
  /** "YYYY-MM-DD". */
  effectiveFrom: string;
  /** Where the prices come from (a URL or a document name). */
  source: string;
  /** False while the bands are a guess or a safe upper bound rather than LINE's own table. */
  verified: boolean;
}

/** What a forecast says about the card it priced with (the service adds the card's id). */
export interface RateCardSummary {
  region: string;
  plan: string;
  currency: string;
  effectiveFrom: string;
  verified: boolean;
  source: string;
}

export function summarizeRateCard(card: RateCard): RateCardSummary {
  return {
    region: card.region,
    plan: card.plan,
    currency: card.currency,
    effectiveFrom: card.effectiveFrom,
    verified: card.verified,
    source: card.source,
  };
}
