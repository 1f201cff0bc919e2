import fc from 'fast-check';
import { Dec } from '../money';
import { planMonthlyCost } from './cost';
import { DEFAULT_RATE_CARDS } from './default-rate-cards';
import { cheapestPlan } from './plans';

const tw = DEFAULT_RATE_CARDS.filter((card) => card.region === 'TW');
const jp = DEFAULT_RATE_CARDS.filter((card) => card.region === 'JP');

describe('cheapestPlan', () => {
  it.each([
    [150, 'light', '0.0000'],
    [200, 'light', '0.0000'],
    [201, 'medium', '800.0000'],
    [3000, 'medium', '800.0000'],
    [3001, 'high', '1200.0000'], // medium cannot buy the 3,001st message
    [8000, 'high', '1600.0000'], // 1,200 + 2,000 × 0.2
  ])('TW, %i messages → %s at %s', (messages, plan, monthlyCost) => {
    expect(cheapestPlan(tw, messages)).toMatchObject({ plan, monthlyCost, currency: 'TWD' });
  });

  it('JP: 30,001 messages → standard at 15,003', () => {
    expect(cheapestPlan(jp, 30_001)).toMatchObject({ plan: 'standard', monthlyCost: '15003.0000', currency: 'JPY' });
  });

  it('is null when no plan can carry the volume, and refuses mixed currencies', () => {
    expect(
      cheapestPlan(
        tw.filter((card) => !card.additionalAllowed),
        5000,
      ),
    ).toBeNull();
    expect(() => cheapestPlan(DEFAULT_RATE_CARDS, 10)).toThrow(RangeError);
  });

  it('is never beaten by another plan that can carry the volume', () => {
    fc.assert(
      fc.property(fc.nat(100_000), (messages) => {
        const best = cheapestPlan(tw, messages)!;
        for (const card of tw) {
          const cost = planMonthlyCost(card, messages);
          if (cost !== null) expect(new Dec(best.monthlyCost).lte(cost)).toBe(true);
        }
      }),
    );
  });
});
