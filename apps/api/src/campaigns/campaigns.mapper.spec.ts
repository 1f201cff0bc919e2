import type { ComputedForecast } from '../billing/forecast-engine.service';
import { toForecastSummary } from './campaigns.mapper';

describe('toForecastSummary', () => {
  it("answers the cost as GET /campaigns/:id/forecast does, with the rate card's bands", () => {
    const cost = {
      amount: '20.0000',
      currency: 'TWD',
      bands: [{ from: 1, to: 100000, unitPrice: '0.2000', messages: 100, amount: '20.0000' }],
    };
    const computed = {
      response: {
        month: '2026-12',
        recipients: 100,
        messages: 100,
        freeMessages: 0,
        paidMessages: 100,
        cost,
        verdict: 'ok',
        deferral: null,
        trim: null,
        blockReasons: [],
        warnings: [],
      },
    } as unknown as ComputedForecast;
    expect(toForecastSummary('f', computed).cost).toEqual(cost);
  });
});
