import fc from 'fast-check';
import { requestRetryKey, retryDelayMs, TokenBucket, uuidV5 } from './index';

describe('retryDelayMs', () => {
  it('stays within the exponential ceiling and the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const delay = retryDelayMs(attempt, { baseMs: 100, maxMs: 30_000 }, () => r);
        return delay >= 0 && delay <= Math.min(30_000, 100 * 2 ** (attempt - 1));
      }),
    );
  });
  it('grows with attempts at the same draw', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a, { baseMs: 100, maxMs: 10_000 }, () => 0.5))).toEqual([
      50, 100, 200, 400,
    ]);
  });
});

describe('retry keys', () => {
  it('matches the RFC 4122 version-5 example', () => {
    // uuid v5 of "www.example.com" in the DNS namespace
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });
  it('are stable per request and distinct across requests of a batch', () => {
    const key = '0f9d7a52-3c11-4a8e-9d6e-6f0a3b1c2d4e';
    expect(requestRetryKey(key, 0)).toBe(key);
    expect(requestRetryKey(key, 1)).toBe(requestRetryKey(key, 1));
    expect(new Set([0, 1, 2, 3].map((i) => requestRetryKey(key, i))).size).toBe(4);
    expect(requestRetryKey(key, 2)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('TokenBucket', () => {
  it('lets a burst through, then spaces requests at the rate', () => {
    const bucket = new TokenBucket(200, 2, 0);
    expect([bucket.reserve(0), bucket.reserve(0), bucket.reserve(0), bucket.reserve(0)]).toEqual([0, 0, 5, 10]);
  });
  it('never admits more than burst + rate·t tokens by time t', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }), (gaps) => {
        const bucket = new TokenBucket(100, 5, 0);
        let now = 0;
        const startTimes: number[] = [];
        for (const gap of gaps) {
          now += gap;
          startTimes.push(now + bucket.reserve(now));
        }
        const last = Math.max(...startTimes);
        return startTimes.length <= 5 + Math.ceil((last * 100) / 1000) + 1;
      }),
    );
  });
});
