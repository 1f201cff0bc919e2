import type { LineEndpoint } from './endpoints';

export type RequestOutcome =
  | 'ok'
  | 'accepted'
  | 'duplicate'
  | 'invalid'
  | 'unauthorized'
  | 'rate_limited'
  | 'monthly_limit'
  | 'server_error'
  | 'not_found';

/** One Messaging API call as the simulator saw it. */
export interface RequestLogEntry {
  seq: number;
  at: string;
  channelId: string | null;
  method: string;
  path: string;
  endpoint: LineEndpoint | null;
  status: number;
  outcome: RequestOutcome;
  requestId: string;
  retryKey: string | null;
  /** Recipient ids named in the request (`to`), or the audience for a broadcast. */
  recipients: number | null;
  delivered: number | null;
  counted: number | null;
  /** The request took effect but its response was dropped (fault injection). */
  responseLost: boolean;
  latencyMs: number;
}

export interface RequestLogQuery {
  channelId?: string;
  sinceSeq?: number;
  limit?: number;
}

/** Every API call, oldest first, capped so that long benchmarks keep a bounded memory. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private nextSeq = 1;

  constructor(private readonly capacity = 100_000) {}

  append(entry: Omit<RequestLogEntry, 'seq'>): RequestLogEntry {
    const full = { seq: this.nextSeq++, ...entry };
    this.entries.push(full);
    // Trim in chunks: dropping one entry per call would shift the whole array on every request.
    if (this.entries.length > this.capacity * 1.1) this.entries.splice(0, this.entries.length - this.capacity);
    return full;
  }

  query(query: RequestLogQuery = {}): RequestLogEntry[] {
    const sinceSeq = query.sinceSeq ?? 0;
    const matching = this.entries.filter(
      (entry) => entry.seq > sinceSeq && (query.channelId === undefined || entry.channelId === query.channelId),
    );
    return query.limit !== undefined ? matching.slice(0, query.limit) : matching;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  clear(): void {
    this.entries.length = 0;
  }

  forgetChannel(channelId: string): void {
    this.entries = this.entries.filter((entry) => entry.channelId !== channelId);
  }
}
