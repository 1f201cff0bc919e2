import fc from 'fast-check';
import { DEFAULT_RATE_CARDS } from './default-rate-cards';
import { rateCardArbitrary } from './testing/rate-card.arbitraries';
import { assertValidRateCard, validateRateCard } from './validate-rate-card';

/** The shipped TW high plan with a verified three-band table. */
const highPlan = {
  ...DEFAULT_RATE_CARDS.find((card) => card.region === 'TW' && card.plan === 'high')!,
  tiers: [
    { upTo: 1000, unitPrice: '0.2' },
    { upTo: 5000, unitPrice: '0.15' },
    { upTo: null, unitPrice: '0.011' },
  ],
  source: 'test',
  verified: true,
};

function problemsOf(input: unknown) {
  const result = validateRateCard(input);
  return result.ok ? [] : result.errors;
}

describe('validateRateCard', () => {
  it('accepts a multi-band card and returns it in canonical form', () => {
    const result = validateRateCard({
      ...highPlan,
      monthlyFee: '1200.00',
      tiers: [
        { upTo: 10, unitPrice: '0.20' },
        { upTo: null, unitPrice: '0.0110' },
      ],
    });
    expect(result).toEqual({
      ok: true,
      card: {
        ...highPlan,
        tiers: [
          { upTo: 10, unitPrice: '0.2' },
          { upTo: null, unitPrice: '0.011' },
        ],
      },
    });
  });

  it('takes money only as decimal strings, counts up to what int4 holds, and dates from 1970', () => {
    expect(problemsOf({ ...highPlan, monthlyFee: 1200 })).toEqual([
      { field: 'monthlyFee', problem: 'must be a decimal string such as "0.2"' },
    ]);
    expect(problemsOf({ ...highPlan, tiers: [{ upTo: null, unitPrice: 0.011 }] })).toEqual([
      { field: 'tiers[0].unitPrice', problem: 'must be a decimal string such as "0.2"' },
    ]);
    expect(problemsOf({ ...highPlan, freeMessages: 2147483648 })).toEqual([
      { field: 'freeMessages', problem: 'must be a whole number from 0 to 2,147,483,647' },
    ]);
    expect(problemsOf({ ...highPlan, freeMessages: 2147483647 })).toEqual([]);
    expect(problemsOf({ ...highPlan, effectiveFrom: '0000-01-01' })).toHaveLength(1);
    expect(problemsOf({ ...highPlan, effectiveFrom: '1969-12-31' })).toHaveLength(1);
  });

  it('accepts every default card', () => {
    for (const card of DEFAULT_RATE_CARDS) expect(validateRateCard(card)).toEqual({ ok: true, card });
  });

  it('accepts random valid cards', () => {
    fc.assert(fc.property(rateCardArbitrary(), (card) => validateRateCard(card).ok));
  });

  it('refuses bands whose upTo does not ascend, naming the band', () => {
    const tiers = [
      { upTo: 1000, unitPrice: '0.2' },
      { upTo: 1000, unitPrice: '0.15' },
      { upTo: null, unitPrice: '0.1' },
    ];
    expect(problemsOf({ ...highPlan, tiers })).toEqual([
      { field: 'tiers[1].upTo', problem: "must be greater than the previous band's upTo (1000)" },
    ]);
  });

  it('refuses a closed last band and an open middle band', () => {
    const fields = problemsOf({
      ...highPlan,
      tiers: [
        { upTo: null, unitPrice: '0.2' },
        { upTo: 5000, unitPrice: '0.1' },
      ],
    }).map((e) => e.field);
    expect(fields).toEqual(['tiers[0].upTo', 'tiers[1].upTo']);
  });

  it('refuses negative, malformed and over-precise prices', () => {
    const tiers = [
      { upTo: 10, unitPrice: '-0.2' },
      { upTo: 20, unitPrice: '1e-3' },
      { upTo: null, unitPrice: '0.01234' },
    ];
    expect(problemsOf({ ...highPlan, tiers }).map((e) => e.field)).toEqual([
      'tiers[0].unitPrice',
      'tiers[1].unitPrice',
      'tiers[2].unitPrice',
    ]);
  });

  it('refuses bands on a plan that cannot buy additional messages, and no bands on one that can', () => {
    expect(problemsOf({ ...highPlan, additionalAllowed: false }).map((e) => e.field)).toEqual(['tiers']);
    expect(problemsOf({ ...highPlan, tiers: [] }).map((e) => e.field)).toEqual(['tiers']);
  });

  it('lists every bad field at once', () => {
    const fields = problemsOf({
      region: 'taiwan',
      plan: 'High',
      currency: 'NT',
      monthlyFee: '-1',
      freeMessages: 1.5,
      additionalAllowed: 'yes',
      tiers: {},
      effectiveFrom: '2023-02-30',
      source: ' ',
      verified: 1,
    }).map((e) => e.field);
    expect(fields).toEqual([
      'region',
      'plan',
      'currency',
      'monthlyFee',
      'freeMessages',
      'additionalAllowed',
      'tiers',
      'effectiveFrom',
      'source',
      'verified',
    ]);
  });

  it('refuses a non-object', () => {
    expect(problemsOf(null)).toEqual([{ field: '', problem: 'must be an object' }]);
    expect(() => assertValidRateCard([])).toThrow(RangeError);
  });
});
