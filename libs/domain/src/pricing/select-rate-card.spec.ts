import { DEFAULT_RATE_CARDS } from './default-rate-cards';
import { RateCard } from './rate-card';
import { cardsInForce, selectRateCard } from './select-rate-card';

const defaultHigh = DEFAULT_RATE_CARDS.find((card) => card.region === 'TW' && card.plan === 'high')!;
const loadedTable: RateCard & { id: string } = {
  ...defaultHigh,
  id: 'loaded',
  tiers: [
    { upTo: 10_000, unitPrice: '0.2' },
    { upTo: null, unitPrice: '0.011' },
  ],
  effectiveFrom: '2026-12-01',
  verified: true,
};
const cards: (RateCard & { id: string })[] = [
  ...DEFAULT_RATE_CARDS.map((card, index) => ({ ...card, id: `default-${index}` })),
  loadedTable,
];

describe('selectRateCard', () => {
  it('takes the latest card in force on the date', () => {
    expect(selectRateCard(cards, 'TW', 'high', '2026-11-30')?.id).toBe('default-2');
    expect(selectRateCard(cards, 'TW', 'high', '2026-12-01')?.id).toBe('loaded');
    expect(selectRateCard(cards, 'TW', 'high', '2023-08-31')).toBeUndefined();
    expect(selectRateCard(cards, 'JP', 'high', '2026-12-01')).toBeUndefined();
  });

  it('prefers a verified card, then the later one, among cards of the same day', () => {
    const sameDay = { ...loadedTable, id: 'same-day-unverified', verified: false };
    expect(selectRateCard([loadedTable, sameDay], 'TW', 'high', '2027-01-01')?.id).toBe('loaded');
    const sameDayVerified = { ...loadedTable, id: 'later' };
    expect(selectRateCard([loadedTable, sameDayVerified], 'TW', 'high', '2027-01-01')?.id).toBe('later');
  });

  it('lists one card per plan of the region', () => {
    expect(cardsInForce(cards, 'TW', '2026-12-15').map((card) => card.id)).toEqual([
      'default-0',
      'default-1',
      'loaded',
    ]);
    expect(cardsInForce(cards, 'JP', '2026-12-15').map((card) => card.plan)).toEqual([
      'communication',
      'light',
      'standard',
    ]);
  });
});
