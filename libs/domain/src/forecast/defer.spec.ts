import fc from 'fast-check';
import { Dec } from '../money';
import { DEFAULT_RATE_CARDS } from '../pricing';
import { rateCardArbitrary } from '../pricing/testing/rate-card.arbitraries';
import { computeForecast } from './compute-forecast';
import { ForecastInput } from './forecast.types';

const high = DEFAULT_RATE_CARDS.find((card) => card.region === 'TW' && card.plan === 'high')!;

/** November in Taipei on the high plan (6,000 free, then 0.2), nothing used; policy defer. */
function input(overrides: Partial<ForecastInput> & { used?: number } = {}): ForecastInput {
  const { used = 0, ...rest } = overrides;
  return {
    month: '2026-11',
    recipients: 20_000,
    messageObjects: 1,
    rateCard: high,
    quota: {
      lineQuota: { type: 'none' },
      lineConsumption: null,
      ledgerUsed: used,
      reserved: 0,
      headroom: 0,
      fresh: true,
    },
    budget: { monthlyCap: null, spentThisMonth: '0', reservedThisMonth: '0' },
    costCap: null,
    additionalMessageCap: null,
    timeZone: 'Asia/Taipei',
    sendAt: '2026-11-20T02:00:00.000Z',
    overBudgetPolicy: 'defer',
    ...rest,
  };
}

describe('policy defer: the split of a send into the free part now and the rest at the reset', () => {
  it('20,000 recipients, 6,000 free: 6,000 now for 0, 14,000 on 1 December for 1,600 instead of 2,800 now', () => {
    const forecast = computeForecast(input());
    expect(forecast.cost.amount).toBe('2800.0000');
    expect(forecast.deferral).toEqual({
      kind: 'defer',
      now: {
        recipients: 6000,
        messages: 6000,
        freeMessages: 6000,
        paidMessages: 0,
        cost: '0.0000',
        currency: 'TWD',
        month: '2026-11',
        at: '2026-11-20T02:00:00.000Z',
        verdict: 'ok',
        verdicts: [],
      },
      later: {
        recipients: 14_000,
        messages: 14_000,
        freeMessages: 6000,
        paidMessages: 8000,
        cost: '1600.0000',
        currency: 'TWD',
        month: '2026-12',
        // Midnight on 1 December in Taipei (UTC+8).
        at: '2026-11-30T16:00:00.000Z',
        verdict: 'ok',
        verdicts: [],
      },
      saves: '1200.0000',
      currency: 'TWD',
    });
    expect(forecast.suggestions.find((suggestion) => suggestion.kind === 'defer')).toEqual(forecast.deferral);
  });

  it("the README's example: 5,800 used, 1,000 recipients → 200 free now, 800 free in December, saves 160", () => {
    expect(computeForecast(input({ used: 5800, recipients: 1000 })).deferral).toMatchObject({
      now: { recipients: 200, freeMessages: 200, paidMessages: 0, cost: '0.0000', month: '2026-11' },
      later: { recipients: 800, freeMessages: 800, paidMessages: 0, cost: '0.0000', at: '2026-11-30T16:00:00.000Z' },
      saves: '160.0000',
    });
  });

  it('sends now only recipients whose every request is free (6 objects: 2 messages each)', () => {
    const forecast = computeForecast(input({ used: 5995, recipients: 10, messageObjects: 6 }));
    // 5 free messages left: 2 recipients (4 messages) now; a third would need one paid message.
    expect(forecast.deferral?.now).toMatchObject({ recipients: 2, messages: 4, freeMessages: 4, paidMessages: 0 });
    expect(forecast.deferral?.later).toMatchObject({ recipients: 8, messages: 16, paidMessages: 0, cost: '0.0000' });
  });

  it('defers everything when nothing is free this month, and nothing when the send is free', () => {
    expect(computeForecast(input({ used: 7000, recipients: 100 })).deferral).toMatchObject({
      now: { recipients: 0, messages: 0 },
      later: { recipients: 100, cost: '0.0000' },
      saves: '20.0000',
    });
    const free = computeForecast(input({ recipients: 100 }));
    expect(free.deferral).toBeNull();
    expect(free.suggestions.map((suggestion) => suggestion.kind)).not.toContain('defer');
  });

  it('shows the plan only under policy defer; the suggestion is offered under any policy', () => {
    const blocking = computeForecast(input({ overBudgetPolicy: 'block' }));
    expect(blocking.deferral).toBeNull();
    expect(blocking.suggestions[0]).toMatchObject({ kind: 'defer', saves: '1200.0000' });
  });

  it("does not offer what next month can't take either, but the plan says so", () => {
    const forecast = computeForecast(
      input({ budget: { monthlyCap: '1000', spentThisMonth: '0', reservedThisMonth: '0' } }),
    );
    expect(forecast.verdict).toBe('over_budget');
    expect(forecast.deferral?.later).toMatchObject({ cost: '1600.0000', verdict: 'over_budget' });
    expect(forecast.suggestions.map((suggestion) => suggestion.kind)).not.toContain('defer');
  });

  it('has no plan on stale figures under a cap (no count is known to be free) or without a next month', () => {
    const stale = { lineQuota: null, lineConsumption: null, ledgerUsed: 0, reserved: 0, headroom: 0, fresh: false };
    const capped = { monthlyCap: '100000', spentThisMonth: '0', reservedThisMonth: '0' };
    expect(computeForecast(input({ quota: stale, budget: capped })).deferral).toBeNull();
    expect(computeForecast(input({ nextMonth: null })).deferral).toBeNull();
  });

  it('splits every send into a free part that is as large as it can be and a rest that adds up (random cards)', () => {
    fc.assert(
      fc.property(
        rateCardArbitrary(),
        fc.nat(20_000),
        fc.integer({ min: 1, max: 12 }),
        fc.nat(15_000),
        fc.nat(3000),
        (card, recipients, messageObjects, used, headroom) => {
          const base = input({ rateCard: card, recipients, messageObjects, used });
          const situation = { ...base, quota: { ...base.quota, headroom } };
          const forecast = computeForecast(situation);
          const plan = forecast.deferral;
          if (forecast.paidMessages === 0) return expect(plan).toBeNull();
          if (!plan) throw new Error('a send with paid messages and known figures must have a defer plan');
          expect(plan.now.paidMessages).toBe(0);
          expect(plan.now.recipients + plan.later.recipients).toBe(recipients);
          expect(plan.now.recipients).toBeLessThan(recipients);
          // One more recipient now would need a paid message.
          expect(computeForecast({ ...situation, recipients: plan.now.recipients + 1 }).paidMessages).toBeGreaterThan(
            0,
          );
          expect(new Dec(plan.saves).eq(new Dec(forecast.cost.amount).minus(plan.later.cost))).toBe(true);
        },
      ),
    );
  });
});
