/** LINE's per-channel rate limits are counted per group of endpoints. */
export type RateLimitGroup = 'push' | 'multicast' | 'broadcast' | 'narrowcast' | 'statistics' | 'other';

export const RATE_LIMIT_GROUPS: readonly RateLimitGroup[] = [
  'push',
  'multicast',
  'broadcast',
  'narrowcast',
  'statistics',
  'other',
];

/** At most `limit` requests in any `windowMs` window; `null` means unlimited. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

export type RateLimitTable = Record<RateLimitGroup, RateLimit | null>;

/**
 * LINE's documented limits: push 2,000 requests/s, multicast 200/s (since 2025-04), narrowcast and
 * broadcast 60/hour, statistics per aggregation unit 60/hour, other endpoints 2,000/s.
 */
export const LINE_RATE_LIMITS: RateLimitTable = {
  push: { limit: 2000, windowMs: 1000 },
  multicast: { limit: 200, windowMs: 1000 },
  broadcast: { limit: 60, windowMs: 3_600_000 },
  narrowcast: { limit: 60, windowMs: 3_600_000 },
  statistics: { limit: 60, windowMs: 3_600_000 },
  other: { limit: 2000, windowMs: 1000 },
};

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/**
 * A sliding-window log: a request is admitted when fewer than `limit` admitted requests fall in the
 * last `windowMs`. Unlike fixed windows there is no boundary a test could straddle by bad luck, so
 * "the third request within a minute is refused" holds however fast or slow the machine is.
 */
export class SlidingWindowLimiter {
  private readonly admitted = new Map<RateLimitGroup, number[]>();

  tryAdmit(group: RateLimitGroup, rule: RateLimit | null, now: number): RateDecision {
    if (!rule) return { allowed: true };
    const log = this.admitted.get(group) ?? [];
    const windowStart = now - rule.windowMs;
    let expired = 0;
    while (expired < log.length && log[expired] <= windowStart) expired += 1;
    if (expired > 0) log.splice(0, expired);
    if (log.length >= rule.limit) {
      // A slot frees up when the oldest of the last `limit` admitted requests leaves the window.
      const oldest = log[log.length - rule.limit];
      return {
        allowed: false,
        retryAfterMs: oldest === undefined ? rule.windowMs : Math.max(1, oldest + rule.windowMs - now),
      };
    }
    log.push(now);
    this.admitted.set(group, log);
    return { allowed: true };
  }

  reset(): void {
    this.admitted.clear();
  }
}
