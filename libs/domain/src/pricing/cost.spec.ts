import fc from 'fast-check';
import { Dec } from '../money';
import { additionalSpendOf, costOfPaidPositions, paidPositionsTotal, planMonthlyCost } from './cost';
import { DEFAULT_RATE_CARDS } from './default-rate-cards';
import { RateCard } from './rate-card';
import { rateCardArbitrary } from './testing/rate-card.arbitraries';

const twHigh = DEFAULT_RATE_CARDS.find((card) => card.region === 'TW' && card.plan === 'high')!;
const twLight = DEFAULT_RATE_CARDS.find((card) => card.region === 'TW' && card.plan === 'light')!;

/** A verified three-band card made up for the tests (not LINE's real table). */
const threeBands: RateCard = {
  ...twHigh,
  tiers: [
    { upTo: 1000, unitPrice: '0.2' },
    { upTo: 5000, unitPrice: '0.15' },
    { upTo: null, unitPrice: '0.1' },
  ],
  verified: true,
  source: 'test card',
};

describe('costOfPaidPositions', () => {
  it('prices 11,000 additional messages at the default TW high price of 0.2', () => {
    expect(costOfPaidPositions(twHigh, 0, 11_000)).toEqual({
      amount: '2200.0000',
      currency: 'TWD',
      bands: [{ from: 1, to: 11_000, unitPrice: '0.2', messages: 11_000, amount: '2200.0000' }],
    });
  });

  it('splits a send across bands at marginal prices: positions 501 … 5,500', () => {
    // 500 × 0.2 + 4,000 × 0.15 + 500 × 0.1 = 100 + 600 + 50
    expect(costOfPaidPositions(threeBands, 500, 5_000)).toEqual({
      amount: '750.0000',
      currency: 'TWD',
      bands: [
        { from: 501, to: 1000, unitPrice: '0.2', messages: 500, amount: '100.0000' },
        { from: 1001, to: 5000, unitPrice: '0.15', messages: 4000, amount: '600.0000' },
        { from: 5001, to: 5500, unitPrice: '0.1', messages: 500, amount: '50.0000' },
      ],
    });
  });

  it('is exact where binary floats are not', () => {
    const card: RateCard = { ...twHigh, tiers: [{ upTo: null, unitPrice: '0.1' }] };
    expect(costOfPaidPositions(card, 0, 3).amount).toBe('0.3000'); // 0.1 * 3 = 0.30000000000000004 in floats
  });

  it('costs nothing for no messages, and refuses to price messages a plan cannot buy', () => {
    expect(costOfPaidPositions(twLight, 0, 0)).toEqual({ amount: '0.0000', currency: 'TWD', bands: [] });
    expect(() => costOfPaidPositions(twLight, 0, 1)).toThrow(RangeError);
    expect(() => costOfPaidPositions(twHigh, -1, 1)).toThrow(RangeError);
  });

  it('is additive over any split of the positions', () => {
    fc.assert(
      fc.property(
        rateCardArbitrary({ additionalAllowed: true }),
        fc.nat(30_000),
        fc.nat(20_000),
        fc.nat(20_000),
        (card, start, first, second) => {
          const whole = paidPositionsTotal(card, start, first + second);
          const parts = paidPositionsTotal(card, start, first).plus(paidPositionsTotal(card, start + first, second));
          expect(whole.eq(parts)).toBe(true);
        },
      ),
    );
  });

  it('never decreases with more messages, is never negative, and its bands add up', () => {
    fc.assert(
      fc.property(
        rateCardArbitrary({ additionalAllowed: true }),
        fc.nat(30_000),
        fc.nat(20_000),
        fc.nat(100),
        (card, start, count, extra) => {
          const cost = costOfPaidPositions(card, start, count);
          const bigger = paidPositionsTotal(card, start, count + extra);
          expect(bigger.gte(new Dec(cost.amount))).toBe(true);
          expect(new Dec(cost.amount).isNegative()).toBe(false);
          const bandSum = cost.bands.reduce((sum, band) => sum.plus(band.amount), new Dec(0));
          expect(bandSum.eq(cost.amount)).toBe(true);
          expect(cost.bands.reduce((sum, band) => sum + band.messages, 0)).toBe(count);
          if (count > 0) {
            expect(cost.bands[0].from).toBe(start + 1);
            expect(cost.bands[cost.bands.length - 1].to).toBe(start + count);
          }
        },
      ),
    );
  });
});

describe('planMonthlyCost and additionalSpendOf', () => {
  it('is the fee plus additional messages, or null past a plan that cannot buy more', () => {
    expect(planMonthlyCost(twHigh, 8000)?.toFixed(4)).toBe('1600.0000'); // 1200 + 2000 × 0.2
    expect(planMonthlyCost(twLight, 200)?.toFixed(4)).toBe('0.0000');
    expect(planMonthlyCost(twLight, 201)).toBeNull();
    expect(additionalSpendOf(twHigh, 8000).toFixed(4)).toBe('400.0000');
    expect(additionalSpendOf(twLight, 5000).toFixed(4)).toBe('0.0000');
  });
});
