// Test-only fast-check generators (imported by *.spec.ts; not exported from the package index).
import fc from 'fast-check';
import { RateBand, RateCard } from '../rate-card';

/** A non-negative price with up to 4 decimals, e.g. "0.0115", "3", "0.2". */
export const priceArbitrary = (maxTenThousandths = 50_000): fc.Arbitrary<string> =>
  fc.integer({ min: 0, max: maxTenThousandths }).map((units) => {
    const whole = Math.floor(units / 10_000);
    const fraction = String(units % 10_000)
      .padStart(4, '0')
      .replace(/0+$/, '');
    return fraction ? `${whole}.${fraction}` : String(whole);
  });

/** 1 to 5 marginal bands: ascending distinct upTo values, an open last band, random prices. */
export const bandsArbitrary: fc.Arbitrary<RateBand[]> = fc.integer({ min: 1, max: 5 }).chain((bandCount) =>
  fc
    .tuple(
      fc.uniqueArray(fc.integer({ min: 1, max: 20_000 }), { minLength: bandCount - 1, maxLength: bandCount - 1 }),
      fc.array(priceArbitrary(), { minLength: bandCount, maxLength: bandCount }),
    )
    .map(([limits, prices]) => {
      const ascending = [...limits].sort((a, b) => a - b);
      return prices.map((unitPrice, index) => ({
        upTo: index < ascending.length ? ascending[index] : null,
        unitPrice,
      }));
    }),
);

/** A valid rate card; additional messages allowed with the given probability-ish mix. */
export const rateCardArbitrary = (options: { additionalAllowed?: boolean } = {}): fc.Arbitrary<RateCard> =>
  fc
    .record({
      plan: fc.constantFrom('light', 'medium', 'high', 'standard'),
      monthlyFee: priceArbitrary(20_000_000),
      freeMessages: fc.integer({ min: 0, max: 10_000 }),
      additionalAllowed:
        options.additionalAllowed === undefined ? fc.boolean() : fc.constant(options.additionalAllowed),
      bands: bandsArbitrary,
      verified: fc.boolean(),
    })
    .map(({ plan, monthlyFee, freeMessages, additionalAllowed, bands, verified }) => ({
      region: 'TW',
      plan,
      currency: 'TWD',
      monthlyFee,
      freeMessages,
      additionalAllowed,
      tiers: additionalAllowed ? bands : [],
      effectiveFrom: '2023-09-01',
      source: 'generated for a property test',
      verified,
    }));
