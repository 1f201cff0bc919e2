import fc from 'fast-check';
import { Dec } from '../money';
import { paidPositionsTotal } from '../pricing';
import { priceArbitrary, rateCardArbitrary } from '../pricing/testing/rate-card.arbitraries';
import { computeForecast } from './compute-forecast';
import { ForecastInput, VERDICT_SEVERITY } from './forecast.types';

const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 3 });

const forecastInputArbitrary: fc.Arbitrary<ForecastInput> = fc
  .record({
    card: rateCardArbitrary(),
    // Mostly small sends so that every verdict, ok included, shows up often.
    recipients: fc.oneof(fc.nat(500), fc.nat(5000), fc.nat(20_000)),
    messageObjects: fc.integer({ min: 1, max: 12 }),
    lineQuota: fc.oneof(
      fc.constant(null),
      fc.constant({ type: 'none' as const }),
      fc.record({ type: fc.constant('limited' as const), value: fc.nat(40_000) }),
    ),
    lineConsumption: nullable(fc.record({ totalUsage: fc.nat(15_000), sentAfterReading: fc.nat(2000) })),
    ledgerUsed: fc.nat(15_000),
    reserved: fc.nat(3000),
    headroom: fc.nat(2000),
    fresh: fc.constantFrom(true, true, true, false),
    monthlyCap: nullable(priceArbitrary(100_000_000)),
    spentThisMonth: priceArbitrary(2_000_000),
    reservedThisMonth: priceArbitrary(1_000_000),
    costCap: nullable(priceArbitrary(100_000_000)),
    additionalMessageCap: nullable(fc.nat(30_000)),
  })
  .map((r) => ({
    month: '2026-11',
    recipients: r.recipients,
    messageObjects: r.messageObjects,
    rateCard: r.card,
    quota: {
      lineQuota: r.lineQuota,
      lineConsumption: r.lineConsumption,
      ledgerUsed: r.ledgerUsed,
      reserved: r.reserved,
      headroom: r.headroom,
      fresh: r.fresh,
    },
    budget: { monthlyCap: r.monthlyCap, spentThisMonth: r.spentThisMonth, reservedThisMonth: r.reservedThisMonth },
    costCap: r.costCap,
    additionalMessageCap: r.additionalMessageCap,
    nextMonth: null,
  }));

const isNonNegativeAmount = (value: string | null) => value === null || !new Dec(value).isNegative();

describe('computeForecast properties (random cards and inputs)', () => {
  it('splits messages into a free part that never exceeds what remains and a paid part priced at the right positions', () => {
    fc.assert(
      fc.property(forecastInputArbitrary, (input) => {
        const forecast = computeForecast(input);
        const { quota } = forecast;
        expect(forecast.messages).toBe(input.recipients * Math.ceil(input.messageObjects / 5));
        expect(forecast.freeMessages).toBeLessThanOrEqual(quota.remainingFree);
        expect(forecast.freeMessages + forecast.paidMessages).toBe(forecast.messages);
        expect(quota.remainingFree).toBe(Math.max(0, quota.free - quota.used - quota.reserved - quota.headroom));
        expect(quota.paidSoFar).toBe(Math.max(0, quota.used + quota.reserved + quota.headroom - quota.free));
        if (input.rateCard.additionalAllowed) {
          expect(
            new Dec(forecast.cost.amount).eq(
              paidPositionsTotal(input.rateCard, quota.paidSoFar, forecast.paidMessages),
            ),
          ).toBe(true);
        }
      }),
    );
  });

  it('is never negative', () => {
    fc.assert(
      fc.property(forecastInputArbitrary, (input) => {
        const forecast = computeForecast(input);
        const counts = [
          forecast.messages,
          forecast.freeMessages,
          forecast.paidMessages,
          forecast.quota.remainingFree,
          forecast.quota.paidSoFar,
          forecast.quota.used,
        ];
        for (const value of counts) expect(value).toBeGreaterThanOrEqual(0);
        const { budget } = forecast;
        const amounts = [
          forecast.cost.amount,
          budget.spentThisMonth,
          budget.reservedThisMonth,
          budget.remainingAfter,
          budget.overBy,
        ];
        for (const value of amounts) expect(isNonNegativeAmount(value)).toBe(true);
        for (const band of forecast.cost.bands) expect(isNonNegativeAmount(band.amount)).toBe(true);
      }),
    );
  });

  it('is never ok while a cap is passed, and names the most severe verdict', () => {
    fc.assert(
      fc.property(forecastInputArbitrary, (input) => {
        const forecast = computeForecast(input);
        expect(forecast.verdict).toBe(forecast.verdicts[0] ?? 'ok');
        const order = forecast.verdicts.map((verdict) => VERDICT_SEVERITY.indexOf(verdict));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        if (forecast.verdict !== 'ok') return;
        const cost = new Dec(forecast.cost.amount);
        const { budget, quota } = forecast;
        expect(forecast.paidMessages === 0 || input.rateCard.additionalAllowed).toBe(true);
        if (quota.additionalCap !== null && forecast.paidMessages > 0) {
          expect(quota.paidSoFar + forecast.paidMessages).toBeLessThanOrEqual(quota.additionalCap);
        }
        if (budget.monthlyCap !== null && cost.gt(0)) {
          expect(new Dec(budget.spentThisMonth).plus(budget.reservedThisMonth).plus(cost).lte(budget.monthlyCap)).toBe(
            true,
          );
        }
        if (input.costCap !== null) expect(cost.lte(input.costCap)).toBe(true);
      }),
    );
  });

  it('suggests a trim that fits, while one more recipient does not', () => {
    fc.assert(
      fc.property(forecastInputArbitrary, (input) => {
        const forecast = computeForecast(input);
        const trim = forecast.suggestions.find((suggestion) => suggestion.kind === 'trim');
        if (forecast.verdict === 'ok' || forecast.verdicts.includes('quota_unknown')) {
          expect(trim).toBeUndefined();
          return;
        }
        if (!trim || trim.kind !== 'trim')
          throw new Error('a blocked forecast without quota_unknown must offer a trim');
        expect(trim.maxRecipients).toBeLessThan(input.recipients);
        expect(computeForecast({ ...input, recipients: trim.maxRecipients }).verdict).toBe('ok');
        expect(computeForecast({ ...input, recipients: trim.maxRecipients + 1 }).verdict).not.toBe('ok');
      }),
    );
  });

  it('costs more (never less) with more recipients', () => {
    fc.assert(
      fc.property(forecastInputArbitrary, fc.nat(5000), (input, extra) => {
        const smaller = new Dec(computeForecast(input).cost.amount);
        const larger = new Dec(computeForecast({ ...input, recipients: input.recipients + extra }).cost.amount);
        expect(larger.gte(smaller)).toBe(true);
      }),
    );
  });
});
