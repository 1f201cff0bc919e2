import fc from 'fast-check';
import { DEFAULT_RATE_CARDS } from '../pricing';
import { rateCardArbitrary } from '../pricing/testing/rate-card.arbitraries';
import { computeForecast } from './compute-forecast';
import { ForecastInput } from './forecast.types';
import { DueSend, MAX_OCCURRENCES_PER_MONTH, projectMonth, ProjectionContext } from './month-projection';
import { monthPlanRecommendation } from './suggestions';

const twCards = DEFAULT_RATE_CARDS.filter((card) => card.region === 'TW');
const twPlan = (plan: string) => twCards.find((card) => card.plan === plan)!;
// December 2026 in Taipei: 31 days, from 2026-11-30T16:00Z to 2026-12-31T16:00Z.
const decemberStart = new Date('2026-11-30T16:00:00Z');
const day = 86_400_000;
const at = (days: number) => new Date(decemberStart.getTime() + days * day);

function input(overrides: { used?: number; lineConsumption?: number; headroom?: number; cap?: string | null } = {}) {
  const base: ForecastInput = {
    month: '2026-12',
    recipients: 0,
    messageObjects: 1,
    rateCard: twPlan('high'),
    regionCards: twCards,
    quota: {
      lineQuota: { type: 'limited', value: 10_000 },
      lineConsumption:
        overrides.lineConsumption === undefined ? null : { totalUsage: overrides.lineConsumption, sentAfterReading: 0 },
      ledgerUsed: overrides.used ?? 0,
      reserved: 0,
      headroom: overrides.headroom ?? 0,
      fresh: true,
    },
    budget: {
      monthlyCap: overrides.cap === undefined ? '500' : overrides.cap,
      spentThisMonth: '0',
      reservedThisMonth: '0',
    },
    costCap: null,
    additionalMessageCap: null,
  };
  return base;
}

const context = (overrides: Partial<ProjectionContext> = {}): ProjectionContext => ({
  now: at(1),
  timeZone: 'Asia/Taipei',
  outside: null,
  dueSends: [],
  ...overrides,
});

describe("the month's projection: worked examples (docs/domain.md)", () => {
  it('a fresh account whose LINE count predates the service projects that count, not 31 times it', () => {
    // The sandbox: LINE counted 5,700 before the service ever read it; one reading a day into the month.
    const reading = { messages: 5700, at: at(1) };
    const projection = projectMonth(
      input({ lineConsumption: 5700 }),
      context({ now: at(1.05), outside: { first: reading, latest: reading } }),
    );
    expect(projection).toMatchObject({
      sentSoFar: 5700,
      outside: { soFar: 5700, observedFrom: null, perDay: '0.00', trend: 0, restOfMonth: 0 },
      scheduled: { messages: 0, campaigns: [] },
      endOfMonthMessages: 5700,
      endOfMonthSpend: '0.0000',
    });
    expect(projection.limits).toEqual([
      { kind: 'free_quota', limit: '6000', projected: '5700', percent: 95 },
      { kind: 'line_limit', limit: '10000', projected: '5700', percent: 57 },
      { kind: 'budget', limit: '500.0000', projected: '0.0000', percent: 0 },
    ]);
  });

  it('extends outside traffic at its observed pace from the latest reading to the month end', () => {
    // 700 outside messages in the 10 days between the first and latest readings: 70 a day; 20 days left.
    const projection = projectMonth(
      input({ lineConsumption: 1700 }),
      context({
        now: at(11),
        outside: { first: { messages: 1000, at: at(1) }, latest: { messages: 1700, at: at(11) } },
      }),
    );
    expect(projection.outside).toEqual({
      soFar: 1700,
      observedFrom: at(1).toISOString(),
      observedTo: at(11).toISOString(),
      perDay: '70.00',
      trend: 1400,
      headroom: 0,
      restOfMonth: 1400,
    });
    expect(projection.endOfMonthMessages).toBe(1700 + 1400);
  });

  it('spreads a burst seen over less than a week over a week, and counts headroom when it is larger', () => {
    const burst = projectMonth(
      input({ lineConsumption: 100, headroom: 50 }),
      context({ now: at(1), outside: { first: { messages: 0, at: at(0.9) }, latest: { messages: 100, at: at(1) } } }),
    );
    // 100 in 2.4 hours is not 1,000 a day: 100 per 7 days, over the 30 days left → 429.
    expect(burst.outside).toMatchObject({ perDay: '14.29', trend: 429, restOfMonth: 429 });
    const quiet = projectMonth(input({ headroom: 500 }), context());
    expect(quiet.outside).toMatchObject({ trend: 0, headroom: 500, restOfMonth: 500 });
  });

  it('counts each scheduled run and each cron occurrence left this month at the audience size', () => {
    const dueSends: DueSend[] = [
      { campaignId: 'once', at: at(20), recurrence: null, recipients: 300, messageObjects: 6 },
      // Every Monday 10:00 in Taipei from the run on Monday 7 December: 7, 14, 21, 28 December.
      {
        campaignId: 'weekly',
        at: new Date('2026-12-07T02:00:00Z'),
        recurrence: { cron: '0 10 * * 1', timezone: 'Asia/Taipei', until: new Date('2027-06-01T00:00:00Z') },
        recipients: 1000,
        messageObjects: 1,
      },
      { campaignId: 'next-month', at: at(40), recurrence: null, recipients: 999, messageObjects: 1 },
    ];
    const projection = projectMonth(input({ used: 2000 }), context({ now: at(3), dueSends }));
    expect(projection.scheduled).toEqual({
      messages: 600 + 4000,
      campaigns: [
        {
          campaignId: 'once',
          recipients: 300,
          messagesPerSend: 600,
          sends: 1,
          messages: 600,
          firstAt: at(20).toISOString(),
          lastAt: at(20).toISOString(),
          capped: false,
        },
        {
          campaignId: 'weekly',
          recipients: 1000,
          messagesPerSend: 1000,
          sends: 4,
          messages: 4000,
          firstAt: '2026-12-07T02:00:00.000Z',
          lastAt: '2026-12-28T02:00:00.000Z',
          capped: false,
        },
      ],
    });
    expect(projection.endOfMonthMessages).toBe(6600);
    // 600 past the 6,000 free messages at NT$0.2.
    expect(projection.endOfMonthSpend).toBe('120.0000');
    expect(projection.limits.find((limit) => limit.kind === 'budget')).toEqual({
      kind: 'budget',
      limit: '500.0000',
      projected: '120.0000',
      percent: 24,
    });
  });

  it('stops a recurrence at its end, and a cron of every minute at the cap, saying so', () => {
    const until = at(2);
    const hourly = projectMonth(
      input(),
      context({
        dueSends: [
          {
            campaignId: 'hourly',
            at: at(1),
            recurrence: { cron: '0 * * * *', timezone: 'Asia/Taipei', until },
            recipients: 1,
            messageObjects: 1,
          },
        ],
      }),
    );
    expect(hourly.scheduled.campaigns[0]).toMatchObject({ sends: 25, lastAt: until.toISOString(), capped: false });
    const minutely = projectMonth(
      input(),
      context({
        dueSends: [
          {
            campaignId: 'minutely',
            at: at(1),
            recurrence: { cron: '* * * * *', timezone: 'Asia/Taipei', until: at(60) },
            recipients: 1,
            messageObjects: 1,
          },
        ],
      }),
    );
    expect(minutely.scheduled.campaigns[0]).toMatchObject({ sends: MAX_OCCURRENCES_PER_MONTH, capped: true });
  });

  it('flags a plan that cannot buy more, with no spend', () => {
    const light = { ...input({ used: 150 }), rateCard: twPlan('light') };
    const projection = projectMonth(
      light,
      context({ dueSends: [{ campaignId: 'c', at: at(5), recurrence: null, recipients: 100, messageObjects: 1 }] }),
    );
    expect(projection).toMatchObject({
      endOfMonthMessages: 250,
      endOfMonthAdditionalMessages: 50,
      endOfMonthSpend: '0.0000',
      exceedsPlanLimit: true,
    });
    expect(projection.limits.map((limit) => limit.kind)).toEqual(['free_quota', 'line_limit']);
  });
});

describe('one plan rule for the forecast and the usage report', () => {
  it("recommends the same plan the forecast suggests, from the month's projection", () => {
    // Light plan, 150 used, and a scheduled send of 5,000 → the projection says 5,150 messages: high.
    const light = { ...input({ used: 150 }), rateCard: twPlan('light') };
    const projection = projectMonth(
      light,
      context({ dueSends: [{ campaignId: 'c', at: at(5), recurrence: null, recipients: 5000, messageObjects: 1 }] }),
    );
    const withProjection = { ...light, projectedMonthMessages: projection.endOfMonthMessages };
    const recommended = monthPlanRecommendation(withProjection);
    const suggested = computeForecast(withProjection).suggestions.find((s) => s.kind === 'plan');
    expect(recommended).toMatchObject({ plan: 'high', projectedMessages: 5150 });
    expect(suggested).toEqual({ kind: 'plan', ...recommended });
  });
});

describe('projectMonth properties (random cards, readings and schedules)', () => {
  const arbitrary = fc.record({
    card: rateCardArbitrary(),
    used: fc.nat(20_000),
    reserved: fc.nat(3000),
    headroom: fc.nat(2000),
    firstOutside: fc.nat(5000),
    grown: fc.nat(5000),
    firstDay: fc.double({ min: 0, max: 30, noNaN: true }),
    windowDays: fc.double({ min: 0, max: 30, noNaN: true }),
    nowDay: fc.double({ min: -5, max: 40, noNaN: true }),
    sends: fc.array(
      fc.record({
        day: fc.double({ min: -3, max: 40, noNaN: true }),
        recipients: fc.nat(5000),
        objects: fc.integer({ min: 1, max: 12 }),
      }),
      { maxLength: 5 },
    ),
  });

  it('is the sum of its parts, never below what was counted and held, and each part is never negative', () => {
    fc.assert(
      fc.property(arbitrary, (r) => {
        const forecastInput: ForecastInput = {
          ...input({ used: r.used, headroom: r.headroom }),
          rateCard: r.card,
          regionCards: [r.card],
        };
        forecastInput.quota.reserved = r.reserved;
        const first = { messages: r.firstOutside, at: at(r.firstDay) };
        const latest = { messages: r.firstOutside + r.grown, at: at(Math.min(r.firstDay + r.windowDays, 31)) };
        const projection = projectMonth(
          forecastInput,
          context({
            now: at(r.nowDay),
            outside: { first, latest },
            dueSends: r.sends.map((send, i) => ({
              campaignId: `c${i}`,
              at: at(send.day),
              recurrence: null,
              recipients: send.recipients,
              messageObjects: send.objects,
            })),
          }),
        );
        const { outside, scheduled } = projection;
        expect(projection.endOfMonthMessages).toBe(
          projection.sentSoFar + projection.reserved + outside.restOfMonth + scheduled.messages,
        );
        expect(projection.endOfMonthMessages).toBeGreaterThanOrEqual(r.used + r.reserved);
        expect(outside.trend).toBeGreaterThanOrEqual(0);
        // Never more than the observed growth extended by the month's whole length, at the week-long floor.
        expect(outside.trend).toBeLessThanOrEqual(Math.ceil((r.grown * 31) / 7));
        if (r.nowDay < 31) expect(outside.restOfMonth).toBeGreaterThanOrEqual(r.headroom);
        else expect(outside.restOfMonth).toBe(0);
        for (const campaign of scheduled.campaigns) {
          expect(new Date(campaign.firstAt).getTime()).toBeGreaterThanOrEqual(decemberStart.getTime());
          expect(new Date(campaign.lastAt).getTime()).toBeLessThan(at(31).getTime());
        }
        for (const limit of projection.limits) expect(limit.percent).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('grows with every scheduled send: adding one never lowers the projection', () => {
    fc.assert(
      fc.property(arbitrary, fc.nat(3000), (r, extra) => {
        const forecastInput = { ...input({ used: r.used }), rateCard: r.card };
        const without = projectMonth(forecastInput, context({ now: at(2) }));
        const withSend = projectMonth(
          forecastInput,
          context({
            now: at(2),
            dueSends: [{ campaignId: 'x', at: at(10), recurrence: null, recipients: extra, messageObjects: 1 }],
          }),
        );
        expect(withSend.endOfMonthMessages).toBe(without.endOfMonthMessages + extra);
        expect(Number(withSend.endOfMonthSpend)).toBeGreaterThanOrEqual(Number(without.endOfMonthSpend));
      }),
    );
  });
});
