import { ChannelInput, ChannelSettings, isChannelId, settingsFrom } from './channel-settings';
import { SimulatorClock } from './clock';
import { LINE_RATE_LIMITS, RateLimit, RateLimitGroup, RateLimitTable } from './rate-limiter';
import { RequestLog } from './request-log';
import { SimChannel } from './sim-channel';

export class ChannelConflictError extends Error {}
export class ChannelInputError extends Error {}

export interface SimulatorStateOptions {
  seed?: number | string;
  timeZone?: string;
  /** Simulator-wide rate limits, over LINE's defaults. */
  rateLimits?: Partial<RateLimitTable>;
  /** Answer rate-limit 429s with `Retry-After` (LINE itself does not send one). */
  retryAfterHeader?: boolean;
  requestLogCapacity?: number;
}

/** All of the simulator's memory: channels (by id and by access token), clock, limits, request log. */
export class SimulatorState {
  readonly clock: SimulatorClock;
  readonly requestLog: RequestLog;
  readonly seed: string;
  private readonly channels = new Map<string, SimChannel>();
  private readonly channelsByToken = new Map<string, SimChannel>();
  private globalRateLimits: RateLimitTable;
  private globalRetryAfterHeader: boolean;

  constructor(private readonly options: SimulatorStateOptions = {}) {
    this.seed = String(options.seed ?? 'line-simulator');
    this.clock = new SimulatorClock(options.timeZone ?? 'Asia/Taipei');
    this.requestLog = new RequestLog(options.requestLogCapacity);
    this.globalRateLimits = { ...LINE_RATE_LIMITS, ...options.rateLimits };
    this.globalRetryAfterHeader = options.retryAfterHeader ?? false;
  }

  listChannels(): SimChannel[] {
    return [...this.channels.values()];
  }

  channel(channelId: string): SimChannel | undefined {
    return this.channels.get(channelId);
  }

  channelForToken(accessToken: string): SimChannel | undefined {
    return this.channelsByToken.get(accessToken);
  }

  /** Creates the channel, or replaces it (and its state) when it exists. */
  putChannel(channelId: string, input: ChannelInput): { channel: SimChannel; created: boolean } {
    if (!isChannelId(channelId)) throw new ChannelInputError('channelId must be 1 to 64 letters, digits, - or _');
    if (!input.accessToken) throw new ChannelInputError('accessToken is required');
    this.assertTokenFree(input.accessToken, channelId);
    const existing = this.channels.get(channelId);
    if (existing) this.channelsByToken.delete(existing.settings.accessToken);
    const channel = new SimChannel(settingsFrom(channelId, input), this.clock, this.seed);
    this.channels.set(channelId, channel);
    this.channelsByToken.set(channel.settings.accessToken, channel);
    return { channel, created: !existing };
  }

  updateChannel(channel: SimChannel, input: ChannelInput): void {
    if (input.accessToken) this.assertTokenFree(input.accessToken, channel.id);
    const before: ChannelSettings = channel.settings;
    channel.update(settingsFrom(channel.id, input, before), {
      audience: input.followers !== undefined || input.followerCount !== undefined || input.blocked !== undefined,
      consumption: input.consumption !== undefined,
      faults: input.faults !== undefined,
    });
    if (before.accessToken !== channel.settings.accessToken) {
      this.channelsByToken.delete(before.accessToken);
      this.channelsByToken.set(channel.settings.accessToken, channel);
    }
  }

  removeChannel(channelId: string): boolean {
    const channel = this.channels.get(channelId);
    if (!channel) return false;
    this.channels.delete(channelId);
    this.channelsByToken.delete(channel.settings.accessToken);
    this.requestLog.forgetChannel(channelId);
    return true;
  }

  /** Forgets every channel and request, and puts the clock and limits back as the simulator started. */
  resetAll(): void {
    this.channels.clear();
    this.channelsByToken.clear();
    this.requestLog.clear();
    this.clock.reset();
    this.clock.setTimeZone(this.options.timeZone ?? 'Asia/Taipei');
    this.globalRateLimits = { ...LINE_RATE_LIMITS, ...this.options.rateLimits };
    this.globalRetryAfterHeader = this.options.retryAfterHeader ?? false;
  }

  get rateLimits(): RateLimitTable {
    return { ...this.globalRateLimits };
  }

  get retryAfterHeader(): boolean {
    return this.globalRetryAfterHeader;
  }

  setGlobalRateLimits(limits: Partial<RateLimitTable>, retryAfterHeader?: boolean): void {
    this.globalRateLimits = { ...this.globalRateLimits, ...limits };
    if (retryAfterHeader !== undefined) this.globalRetryAfterHeader = retryAfterHeader;
  }

  resetGlobalRateLimits(): void {
    this.globalRateLimits = { ...LINE_RATE_LIMITS };
    this.globalRetryAfterHeader = false;
  }

  /** The channel's own limit for the group when it sets one (null lifts it), else the simulator-wide one. */
  effectiveRateLimit(channel: SimChannel, group: RateLimitGroup): RateLimit | null {
    const override = channel.settings.rateLimits[group];
    return override !== undefined ? override : this.globalRateLimits[group];
  }

  effectiveRateLimits(channel: SimChannel): RateLimitTable {
    const table = { ...this.globalRateLimits };
    for (const group of Object.keys(table) as RateLimitGroup[]) table[group] = this.effectiveRateLimit(channel, group);
    return table;
  }

  sendsRetryAfter(channel: SimChannel): boolean {
    return channel.settings.retryAfterHeader ?? this.globalRetryAfterHeader;
  }

  private assertTokenFree(accessToken: string, channelId: string): void {
    const holder = this.channelsByToken.get(accessToken);
    if (holder && holder.id !== channelId)
      throw new ChannelConflictError(`channel ${holder.id} already uses this access token`);
  }
}
