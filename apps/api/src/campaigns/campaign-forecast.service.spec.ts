import type { Campaign } from '@lcm/database';
import type { ComputedForecast } from '../billing/forecast-engine.service';
import { CampaignForecastService } from './campaign-forecast.service';

/** A forecast the test settles when it chooses. */
function deferred() {
  let resolve!: (value: ComputedForecast) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<ComputedForecast>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('CampaignForecastService.computeForDecision', () => {
  const campaign = { id: 'c-1', version: 3 } as Campaign;
  const sendAt = new Date('2027-05-20T02:00:00Z');
  let service: CampaignForecastService;
  let pending: ReturnType<typeof deferred>[];
  let compute: jest.SpyInstance;

  beforeEach(() => {
    service = new (CampaignForecastService as unknown as new (...args: unknown[]) => CampaignForecastService)();
    pending = [];
    compute = jest.spyOn(service, 'compute').mockImplementation(() => {
      const next = deferred();
      pending.push(next);
      return next.promise;
    });
  });

  it('computes once for the requests that ask while it is under way, and anew after it settled', async () => {
    const first = service.computeForDecision(campaign, sendAt);
    const second = service.computeForDecision(campaign, sendAt);
    expect(compute).toHaveBeenCalledTimes(1);
    const forecast = { rateCardId: 'rc' } as ComputedForecast;
    pending[0].resolve(forecast);
    await expect(first).resolves.toBe(forecast);
    await expect(second).resolves.toBe(forecast);

    // Settled: the next approval reads the month again.
    void service.computeForDecision(campaign, sendAt);
    expect(compute).toHaveBeenCalledTimes(2);
  });

  it('does not share across versions or send times', () => {
    void service.computeForDecision(campaign, sendAt);
    void service.computeForDecision({ ...campaign, version: 4 } as Campaign, sendAt);
    void service.computeForDecision(campaign, null);
    expect(compute).toHaveBeenCalledTimes(3);
  });

  it('shares a failure with those waiting, then tries again', async () => {
    const first = service.computeForDecision(campaign, sendAt);
    const second = service.computeForDecision(campaign, sendAt);
    pending[0].reject(new Error('audience gone'));
    await expect(first).rejects.toThrow('audience gone');
    await expect(second).rejects.toThrow('audience gone');
    void service.computeForDecision(campaign, sendAt);
    expect(compute).toHaveBeenCalledTimes(2);
  });
});
