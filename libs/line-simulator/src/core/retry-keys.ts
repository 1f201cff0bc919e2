export const RETRY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

export interface AcceptedRequest {
  requestId: string;
  acceptedAt: number;
  /** Push answers a repeat with the same `sentMessages` it gave the first time. */
  sentMessages?: SentMessage[];
}

export interface SentMessage {
  id: string;
  quoteToken?: string;
}

/**
 * Retry keys of accepted requests, per channel, for 24 hours: a repeat within that time is answered
 * 409 and does nothing; after it, the same key is a new request (LINE's documented behaviour).
 * Only accepted requests are remembered, so a request that failed (5xx, 429, 400) may be retried.
 */
export class RetryKeyRegistry {
  private readonly accepted = new Map<string, AcceptedRequest>();
  private insertsSinceSweep = 0;

  find(retryKey: string, now: number): AcceptedRequest | undefined {
    const entry = this.accepted.get(retryKey.toLowerCase());
    if (!entry) return undefined;
    if (now - entry.acceptedAt >= RETRY_KEY_TTL_MS) {
      this.accepted.delete(retryKey.toLowerCase());
      return undefined;
    }
    return entry;
  }

  remember(retryKey: string, entry: AcceptedRequest): void {
    this.accepted.set(retryKey.toLowerCase(), entry);
    this.insertsSinceSweep += 1;
    if (this.insertsSinceSweep >= 10_000) this.sweep(entry.acceptedAt);
  }

  clear(): void {
    this.accepted.clear();
  }

  get size(): number {
    return this.accepted.size;
  }

  /** Drops expired keys so a long benchmark does not grow the map without bound. */
  private sweep(now: number): void {
    this.insertsSinceSweep = 0;
    for (const [key, entry] of this.accepted) if (now - entry.acceptedAt >= RETRY_KEY_TTL_MS) this.accepted.delete(key);
  }
}
