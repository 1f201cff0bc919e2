import fc from 'fast-check';
import type { MonthProjection, ProjectedLimit } from '../forecast';
import { alertPayload, monthAlerts } from './month-alerts';

function projection(limits: ProjectedLimit[]): MonthProjection {
  return {
    month: '2027-05',
    elapsedFraction: '0.100000',
    sentSoFar: 5700,
    reserved: 0,
    outside: {
      soFar: 5700,
      observedFrom: null,
      observedTo: null,
      perDay: '0.00',
      trend: 0,
      headroom: 0,
      restOfMonth: 0,
    },
    scheduled: { messages: 1000, campaigns: [] },
    endOfMonthMessages: 6700,
    endOfMonthAdditionalMessages: 700,
    endOfMonthSpend: '140.0000',
    currency: 'TWD',
    exceedsPlanLimit: false,
    limits,
  };
}

describe('monthAlerts', () => {
  const limits: ProjectedLimit[] = [
    { kind: 'free_quota', limit: '6000', projected: '6700', percent: 111 },
    { kind: 'line_limit', limit: '10000', projected: '6700', percent: 67 },
    { kind: 'budget', limit: '150.0000', projected: '140.0000', percent: 93 },
  ];

  it('raises one alert per limit and threshold reached, and one per blocked run', () => {
    const alerts = monthAlerts({
      accountName: 'Shop',
      projection: projection(limits),
      thresholds: [100, 80],
      blockedRuns: [
        {
          runId: 'run-1',
          campaignId: 'c',
          campaignName: 'May sale',
          scheduledAt: new Date('2027-05-20T02:00:00Z'),
          verdicts: ['over_budget'],
          reasons: ['too dear'],
        },
      ],
    });
    expect(alerts.map((a) => [a.kind, a.threshold, a.subject])).toEqual([
      ['free_quota', 80, ''],
      ['free_quota', 100, ''],
      ['spend', 80, ''],
      ['run_blocked', 0, 'run-1'],
    ]);
    expect(alerts[2].text).toBe(
      'Shop: the 2027-05 projection reaches 93% of the monthly budget cap (TWD 140.0000 of TWD 150.0000; alert at 80%)',
    );
    const payload = alertPayload(alerts[3], {
      lineAccountId: 'a',
      accountName: 'Shop',
      month: '2027-05',
      raisedAt: new Date('2027-05-03T00:00:00Z'),
    });
    expect(payload).toMatchObject({
      text: expect.stringContaining('"May sale"'),
      attachments: [
        { color: 'danger', fields: expect.arrayContaining([{ title: 'Reasons', value: 'too dear', short: true }]) },
      ],
      alert: { kind: 'run_blocked', subject: 'run-1', month: '2027-05' },
    });
  });

  it('raises exactly the thresholds at or below each percent (random limits and thresholds)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 10 }),
        fc.nat(1500),
        (thresholds, percent) => {
          const alerts = monthAlerts({
            accountName: 'x',
            projection: projection([{ kind: 'free_quota', limit: '100', projected: String(percent), percent }]),
            thresholds,
            blockedRuns: [],
          });
          expect(alerts.map((a) => a.threshold)).toEqual(thresholds.filter((t) => t <= percent).sort((a, b) => a - b));
        },
      ),
    );
  });
});
