import { SimulatorClock } from './clock';
import { FaultInjector, NO_FAULTS } from './faults';
import { SlidingWindowLimiter } from './rate-limiter';
import { RETRY_KEY_TTL_MS, RetryKeyRegistry } from './retry-keys';

describe('SlidingWindowLimiter', () => {
  it('admits `limit` requests in any window and says when the next slot frees up', () => {
    const limiter = new SlidingWindowLimiter();
    const rule = { limit: 2, windowMs: 1000 };
    expect(limiter.tryAdmit('multicast', rule, 0)).toEqual({ allowed: true });
    expect(limiter.tryAdmit('multicast', rule, 400)).toEqual({ allowed: true });
    expect(limiter.tryAdmit('multicast', rule, 999)).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(limiter.tryAdmit('push', rule, 999)).toEqual({ allowed: true }); // groups are separate
    expect(limiter.tryAdmit('multicast', rule, 1000)).toEqual({ allowed: true }); // the request at 0 left the window
    expect(limiter.tryAdmit('multicast', rule, 1001)).toEqual({ allowed: false, retryAfterMs: 399 });
  });

  it('treats null as unlimited and 0 as always refused', () => {
    const limiter = new SlidingWindowLimiter();
    for (let i = 0; i < 10_000; i += 1) expect(limiter.tryAdmit('push', null, 0).allowed).toBe(true);
    expect(limiter.tryAdmit('push', { limit: 0, windowMs: 500 }, 0)).toEqual({ allowed: false, retryAfterMs: 500 });
  });
});

describe('SimulatorClock', () => {
  it('counts months in its time zone and can move to a month or an instant', () => {
    let real = Date.parse('2026-11-30T16:30:00Z');
    const clock = new SimulatorClock('Asia/Taipei', () => real);
    expect(clock.currentMonth()).toBe('2026-12');
    clock.setTimeZone('UTC');
    expect(clock.currentMonth()).toBe('2026-11');
    clock.setMonth('2027-02');
    expect(clock.currentMonth()).toBe('2027-02');
    real += 60_000; // time keeps flowing from the moved instant
    expect(new Date(clock.now()).toISOString()).toBe('2027-02-15T12:01:00.000Z');
    expect(() => clock.setTimeZone('Mars/Olympus')).toThrow(RangeError);
    clock.reset();
    expect(clock.now()).toBe(real);
  });
});

describe('RetryKeyRegistry', () => {
  it('remembers accepted keys for 24 hours, case-insensitively', () => {
    const registry = new RetryKeyRegistry();
    const key = '123e4567-e89b-12d3-a456-426614174000';
    registry.remember(key, { requestId: 'r1', acceptedAt: 0 });
    expect(registry.find(key.toUpperCase(), RETRY_KEY_TTL_MS - 1)?.requestId).toBe('r1');
    expect(registry.find(key, RETRY_KEY_TTL_MS)).toBeUndefined();
  });
});

describe('FaultInjector', () => {
  it('plays its script first, then its rates', () => {
    const faults = new FaultInjector('seed');
    faults.configure({
      ...NO_FAULTS,
      serverErrorRate: 1,
      script: ['lost_response', 'ok', { kind: 'latency', ms: 20 }],
    });
    expect(faults.decide('push')).toEqual({ latencyMs: 0, serverErrorStatus: null, loseResponse: true });
    expect(faults.decide('push')).toEqual({ latencyMs: 0, serverErrorStatus: null, loseResponse: false });
    expect(faults.decide('push')).toEqual({ latencyMs: 20, serverErrorStatus: null, loseResponse: false });
    expect(faults.decide('push')).toEqual({ latencyMs: 0, serverErrorStatus: 500, loseResponse: false });
  });

  it('repeats the same decisions for the same seed', () => {
    const run = (seed: string) => {
      const faults = new FaultInjector(seed);
      faults.configure({ ...NO_FAULTS, serverErrorRate: 0.3, lostResponseRate: 0.3, latencyJitterMs: 50 });
      return Array.from({ length: 50 }, () => faults.decide('multicast'));
    };
    expect(run('a')).toEqual(run('a'));
    expect(run('a')).not.toEqual(run('b'));
  });
});
