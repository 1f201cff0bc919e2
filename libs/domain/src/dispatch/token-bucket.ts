/**
 * A token bucket: `ratePerSecond` tokens a second, holding at most `burst`. `reserve` takes a token
 * and says how long to wait before using it, so callers queue fairly without polling.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError('rate must be > 0 and burst ≥ 1');
    this.tokens = burst;
    this.updatedAt = now;
  }

  /** Takes one token; returns the milliseconds to wait until it may be spent (0 when at once). */
  reserve(now: number): number {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.updatedAt = Math.max(now, this.updatedAt);
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.ratePerSecond);
  }
}
