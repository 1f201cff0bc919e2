import { ChannelSettings, Quota } from './channel-settings';
import type { MonthKey, SimulatorClock } from './clock';
import { DeliveryCounts } from './delivery-counts';
import { DeliveryLog } from './delivery-log';
import { FaultInjector } from './faults';
import { ChannelInsight } from './insight';
import { AudienceStatus, FollowerBook } from './follower-book';
import { MonthlyUsage } from './monthly-usage';
import { deterministicUserId } from './random';
import { SlidingWindowLimiter } from './rate-limiter';
import { RetryKeyRegistry } from './retry-keys';

export interface RecipientSplit {
  deliverable: string[];
  blocked: string[];
  unknown: string[];
}

/**
 * One simulated LINE channel: its settings, audience, month-by-month consumption, accepted retry
 * keys, deliveries, rate-limit windows and faults. Behaviour that spans requests lives in
 * `MessagingService`; this class only keeps and answers about state.
 */
export class SimChannel {
  readonly audience = new FollowerBook();
  readonly usage = new MonthlyUsage();
  readonly retryKeys = new RetryKeyRegistry();
  readonly deliveries = new DeliveryLog();
  readonly deliveryCounts = new DeliveryCounts();
  readonly limiter = new SlidingWindowLimiter();
  readonly insight = new ChannelInsight();
  readonly faults: FaultInjector;
  private settingsValue: ChannelSettings;
  private messageSeq = 0;

  constructor(
    settings: ChannelSettings,
    private readonly clock: SimulatorClock,
    seed: string,
  ) {
    this.settingsValue = settings;
    this.faults = new FaultInjector(`${seed}:${settings.channelId}`);
    this.reset();
  }

  get id(): string {
    return this.settingsValue.channelId;
  }

  get settings(): ChannelSettings {
    return this.settingsValue;
  }

  get quota(): Quota {
    return this.settingsValue.quota;
  }

  /** Applies new settings. Audience and consumption are re-applied only when the update names them. */
  update(settings: ChannelSettings, changed: { audience: boolean; consumption: boolean; faults: boolean }): void {
    this.settingsValue = settings;
    if (changed.audience) this.applyAudience();
    if (changed.consumption) this.usage.set(this.clock.currentMonth(), settings.consumption);
    if (changed.faults) this.faults.configure(settings.faults);
  }

  /** Back to the channel as its settings describe it: nothing sent, this month's usage as configured. */
  reset(): void {
    this.applyAudience();
    this.usage.reset();
    this.usage.set(this.clock.currentMonth(), this.settingsValue.consumption);
    this.retryKeys.clear();
    this.deliveries.clear();
    this.deliveryCounts.reset();
    this.limiter.reset();
    this.insight.clear();
    this.faults.configure(this.settingsValue.faults);
    this.messageSeq = 0;
  }

  currentMonth(): MonthKey {
    return this.clock.currentMonth();
  }

  usedThisMonth(): number {
    return this.usage.get(this.clock.currentMonth());
  }

  /** Whether counting `messages` more would pass the month's target limit (LINE then refuses the whole request). */
  wouldPassMonthlyLimit(messages: number): boolean {
    return this.quota.type === 'limited' && this.usedThisMonth() + messages > this.quota.value;
  }

  countMessages(messages: number): void {
    this.usage.add(this.clock.currentMonth(), messages);
  }

  statusOf(userId: string): AudienceStatus {
    return this.audience.status(userId);
  }

  /** Splits recipient ids (deduplicated, first occurrence kept) by whether LINE would deliver to them. */
  splitRecipients(userIds: readonly string[]): RecipientSplit {
    const split: RecipientSplit = { deliverable: [], blocked: [], unknown: [] };
    for (const userId of new Set(userIds)) {
      const status = this.audience.status(userId);
      if (status === 'following') split.deliverable.push(userId);
      else if (status === 'blocked') split.blocked.push(userId);
      else split.unknown.push(userId);
    }
    return split;
  }

  /** Message ids as LINE returns them in `sentMessages`: numeric strings, unique per channel. */
  nextMessageId(): string {
    this.messageSeq += 1;
    return (500_000_000_000_000_000n + BigInt(this.messageSeq)).toString();
  }

  private applyAudience(): void {
    const { followers, followerCount, blocked, channelId } = this.settingsValue;
    this.audience.clear();
    for (const userId of followers) this.audience.follow(userId);
    for (let index = 0; index < followerCount; index += 1) this.audience.follow(deterministicUserId(channelId, index));
    for (const userId of blocked) this.audience.block(userId);
  }
}
