import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import type { ResultsRun } from '../campaigns/campaign-runs.repository';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { RESULTS_WINDOW_MS, ResultsService } from './results.service';
import { StatisticsBudgetService } from './statistics-budget.service';

const SCHEDULE_NAME = 'results-sync';

/** Thrown inside a claim's transaction to roll the claim back when the channel's budget is spent. */
class BudgetSpent extends Error {}

/**
 * The scheduled read of LINE's statistics: for each account, the runs LINE still updates whose
 * last reading is oldest (never read first), one request each while the channel's hourly budget
 * allows. Any number of instances run it: a run's turn is claimed with SKIP LOCKED and the budget
 * is taken in the same transaction.
 */
@Injectable()
export class ResultsSyncService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ResultsSyncService.name);
  private running: Promise<number> | null = null;

  constructor(
    private readonly results: ResultsService,
    private readonly runs: CampaignRunsService,
    private readonly accounts: LineAccountsService,
    private readonly budget: StatisticsBudgetService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    private readonly scheduler: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const seconds = this.config.values.results.syncIntervalSeconds;
    if (seconds > 0)
      this.scheduler.addInterval(
        SCHEDULE_NAME,
        setInterval(
          () => void this.syncDue().catch((error) => this.logger.error({ err: error }, 'results sync failed')),
          seconds * 1000,
        ),
      );
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', SCHEDULE_NAME)) this.scheduler.deleteInterval(SCHEDULE_NAME);
  }

  /** One pass; returns how many runs were read. A pass still going is joined, not doubled. */
  syncDue(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<number> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - RESULTS_WINDOW_MS);
    const readBefore = new Date(now.getTime() - this.config.values.results.minAgeSeconds * 1000);
    let read = 0;
    for (const accountId of await this.runs.accountsWithResultsDue(since, readBefore)) {
      const account = await this.accounts.mustFind(accountId);
      for (;;) {
        const claimed = await this.claim(accountId, since, readBefore);
        if (!claimed) break;
        const outcome = await this.results.read(claimed.run, account);
        if (outcome.kind === 'accepted') read++;
        // A request that got nothing gives its call back (LINE's own 429 says LINE counted it).
        else if (outcome.kind !== 'rate_limited') await this.budget.giveBack(accountId, 1, claimed.at);
        if (outcome.kind === 'rate_limited' || outcome.kind === 'unauthorized') break;
      }
    }
    return read;
  }

  private async claim(accountId: string, since: Date, readBefore: Date): Promise<{ run: ResultsRun; at: Date } | null> {
    try {
      return await this.budget.transaction(async (tx) => {
        const run = await this.runs.claimForResults(tx, accountId, since, readBefore, this.clock.now());
        if (!run) return null;
        const taken = await this.budget.take(tx, accountId, 1, false);
        if (!taken.ok) throw new BudgetSpent();
        return { run, at: taken.at };
      });
    } catch (error) {
      if (error instanceof BudgetSpent) return null;
      throw error;
    }
  }
}
