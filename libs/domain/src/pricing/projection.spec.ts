import { DEFAULT_RATE_CARDS } from './default-rate-cards';
import { projectEndOfMonth, projectMonthMessages } from './projection';

const twHigh = DEFAULT_RATE_CARDS.find((card) => card.region === 'TW' && card.plan === 'high')!;
const twLight = DEFAULT_RATE_CARDS.find((card) => card.region === 'TW' && card.plan === 'light')!;
// November 2026 in Taipei: 30 days; noon... midnight of the 16th local is exactly half-way.
const halfWay = new Date('2026-11-15T16:00:00Z');

describe('end-of-month projection', () => {
  it('extends the pace so far: 4,000 by half-way → 8,000, of which 2,000 additional at 0.2', () => {
    expect(
      projectEndOfMonth({ usedSoFar: 4000, now: halfWay, month: '2026-11', timeZone: 'Asia/Taipei', card: twHigh }),
    ).toEqual({
      month: '2026-11',
      elapsedFraction: '0.500000',
      endOfMonthMessages: 8000,
      endOfMonthAdditionalMessages: 2000,
      endOfMonthSpend: '400.0000',
      currency: 'TWD',
      exceedsPlanLimit: false,
    });
  });

  it('rounds up, and keeps the usage as it is before the month starts and after it ends', () => {
    expect(projectMonthMessages(1, new Date('2026-11-10T16:00:00Z'), '2026-11', 'Asia/Taipei')).toBe(3); // a third of the month
    expect(projectMonthMessages(10, new Date('2026-10-01T00:00:00Z'), '2026-11', 'Asia/Taipei')).toBe(10);
    expect(projectMonthMessages(10, new Date('2027-01-01T00:00:00Z'), '2026-11', 'Asia/Taipei')).toBe(10);
  });

  it('flags a projection past the free quota of a plan that cannot buy more, with no spend', () => {
    expect(
      projectEndOfMonth({ usedSoFar: 150, now: halfWay, month: '2026-11', timeZone: 'Asia/Taipei', card: twLight }),
    ).toMatchObject({
      endOfMonthMessages: 300,
      endOfMonthAdditionalMessages: 100,
      endOfMonthSpend: '0.0000',
      exceedsPlanLimit: true,
    });
  });
});
