import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { Campaign, LineAccount } from '@lcm/database';
import {
  effectiveFrequencyCap,
  FrequencyCap,
  frequencyCapOf,
  frequencyWindowStart,
  historyPruneBefore,
} from '@lcm/domain/frequency-caps';
import { frequencyCapOverrideOf } from '../campaigns/campaign-frequency-cap';
import { Clock } from '../common/clock';
import { safeError } from '../common/safe-error';
import type { Transaction } from '../database/prisma.service';
import { CapWindow, DeliveryHistoryRepository } from './delivery-history.repository';

const SCHEDULE_NAME = 'delivery-history-prune';
const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * The cap of a send, as the window its SQL counts; null when no cap applies. It reaches as far ahead
 * as back: a contact waiting in a deferred rest due within the cap's days has that send counted.
 */
export function capWindow(cap: FrequencyCap | null, now: Date): CapWindow | null {
  if (!cap) return null;
  const since = frequencyWindowStart(now, cap);
  return { messages: cap.messages, since, until: new Date(2 * now.getTime() - since.getTime()) };
}

export function accountFrequencyCap(account: Pick<LineAccount, 'frequencyCapMessages' | 'frequencyCapDays'>) {
  return frequencyCapOf(account.frequencyCapMessages, account.frequencyCapDays);
}

/** The cap a campaign's runs are held to: its own, none, or its account's. */
export function campaignFrequencyCap(
  campaign: Pick<Campaign, 'frequencyCap' | 'frequencyCapMessages' | 'frequencyCapDays'>,
  account: Pick<LineAccount, 'frequencyCapMessages' | 'frequencyCapDays'>,
): FrequencyCap | null {
  return effectiveFrequencyCap(accountFrequencyCap(account), frequencyCapOverrideOf(campaign));
}

/** The delivery history the budget gate writes and frequency caps count, and its pruning job (hourly). */
@Injectable()
export class FrequencyCapsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(FrequencyCapsService.name);

  constructor(
    private readonly history: DeliveryHistoryRepository,
    private readonly clock: Clock,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.addInterval(
      SCHEDULE_NAME,
      setInterval(() => void this.pruneQuietly(), PRUNE_INTERVAL_MS),
    );
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', SCHEDULE_NAME)) this.scheduler.deleteInterval(SCHEDULE_NAME);
  }

  /** Deletes the deliveries older than the longest window in force (and at least 30 days); how many batches went. */
  async prune(): Promise<number> {
    const before = historyPruneBefore(this.clock.now(), await this.history.longestWindowDays());
    return this.history.prune(before);
  }

  lockAccount(lineAccountId: string, tx: Transaction): Promise<void> {
    return this.history.lockAccount(lineAccountId, tx);
  }

  /** The run's recipients count as its deliveries from `at` (now, or a deferred rest's time). */
  recordRun(runId: string, lineAccountId: string, tx: Transaction, at: Date = this.clock.now()): Promise<number> {
    return this.history.recordRun(runId, lineAccountId, at, tx);
  }

  forgetRun(runId: string, tx: Transaction): Promise<number> {
    return this.history.forgetRun(runId, tx);
  }

  releaseUndelivered(runId: string, tx: Transaction): Promise<number> {
    return this.history.releaseUndelivered(runId, tx);
  }

  private async pruneQuietly(): Promise<void> {
    try {
      const pruned = await this.prune();
      if (pruned) this.logger.log({ pruned }, 'delivery history pruned');
    } catch (error) {
      this.logger.warn({ error: safeError(error).message }, 'delivery history pruning failed; next try in an hour');
    }
  }
}
