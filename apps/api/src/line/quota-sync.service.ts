import { HttpStatus, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { LineAccount } from '@lcm/database';
import { describeOutcome } from '@lcm/line-client';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import { ForecastEngineService } from '../billing/forecast-engine.service';
import { DayReadingInput, LedgerReconciliationService } from '../billing/ledger-reconciliation.service';
import { LedgerService } from '../billing/ledger.service';
import { lineDateParam } from '@lcm/domain/reconciliation';
import { QuotaRefresher } from '../ports/quota-refresher';
import { UsageSettler } from '../ports/usage-settler';
import { MonthWatcher } from '../ports/month-watcher';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { LineGateway } from './line-gateway';
import { QuotaSyncResponseDto } from './line.dto';

const SCHEDULE_NAME = 'quota-sync';

/**
 * Reads LINE's quota and consumption into the month ledger: on demand, when a forecast finds the
 * reading stale, and on a schedule. When LINE can't be reached the last reading stays (and ages
 * into stale); the failure is kept on the month for the usage report.
 */
@Injectable()
export class QuotaSyncService extends QuotaRefresher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(QuotaSyncService.name);

  constructor(
    private readonly accounts: LineAccountsService,
    private readonly ledger: LedgerService,
    private readonly engine: ForecastEngineService,
    private readonly gateway: LineGateway,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    private readonly scheduler: SchedulerRegistry,
    private readonly settler: UsageSettler,
    private readonly reconciliation: LedgerReconciliationService,
    private readonly watcher: MonthWatcher,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.values.quotaSyncIntervalSeconds;
    if (seconds > 0)
      this.scheduler.addInterval(
        SCHEDULE_NAME,
        setInterval(() => void this.syncDueAccounts(), seconds * 1000),
      );
  }

  onModuleDestroy(): void {
    if (this.scheduler.doesExist('interval', SCHEDULE_NAME)) this.scheduler.deleteInterval(SCHEDULE_NAME);
  }

  async syncById(lineAccountId: string): Promise<QuotaSyncResponseDto> {
    const account = await this.accounts.mustFind(lineAccountId);
    const result = await this.sync(account);
    if (!result.ok) throw new ApiError(HttpStatus.BAD_GATEWAY, `LINE could not be read: ${result.error}`);
    return result.value;
  }

  async refreshIfStale(account: LineAccount): Promise<void> {
    const month = this.engine.monthOf(account);
    const ledger = await this.ledger.readMonth(account.id, month);
    if (!this.engine.isFresh(ledger, account.timezone, this.clock.now())) await this.sync(account);
  }

  async refresh(account: LineAccount): Promise<void> {
    await this.sync(account);
  }

  async sync(account: LineAccount): Promise<{ ok: true; value: QuotaSyncResponseDto } | { ok: false; error: string }> {
    const month = this.engine.monthOf(account);
    await this.settler.settleAccount(account.id);
    // Taken before asking: sends LINE accepts from here on may be missing from its figures.
    const takenAt = this.clock.now();
    const client = this.gateway.clientFor(account);
    const [quota, consumption] = await Promise.all([client.getQuota(), client.getConsumption()]);
    if (quota.kind !== 'accepted' || consumption.kind !== 'accepted') {
      const error = [quota, consumption]
        .filter((o) => o.kind !== 'accepted')
        .map(describeOutcome)
        .join('; ');
      await this.ledger.recordSyncFailure(account.id, month, error);
      this.logger.warn({ lineAccountId: account.id, error }, 'quota sync failed');
      return { ok: false, error };
    }
    const quotaValue = quota.value.type === 'limited' ? quota.value.value : null;
    await this.ledger.recordReading(account.id, month, {
      quota: { type: quota.value.type, value: quotaValue },
      consumption: consumption.value.totalUsage,
      takenAt,
    });
    const reconciliation = await this.reconcileDays(account, month, client);
    // Every reading may move the month's projection: its alerts are looked at now.
    await this.watcher.monthChanged(account.id);
    return {
      ok: true,
      value: {
        month,
        quota: { type: quota.value.type, value: quotaValue },
        consumption: { totalUsage: consumption.value.totalUsage },
        syncedAt: takenAt.toISOString(),
        reconciliation,
      },
    };
  }

  /**
   * Reads LINE's delivery count of every day of the month the service sent on and LINE hasn't
   * finished counting, then reconciles the ledger. LINE is asked outside any transaction; a day
   * LINE can't answer now is asked again at the next sync (its accepted count stands meanwhile).
   */
  private async reconcileDays(
    account: LineAccount,
    month: string,
    client: ReturnType<LineGateway['clientFor']>,
  ): Promise<QuotaSyncResponseDto['reconciliation']> {
    const readAt = this.clock.now();
    const days = await this.reconciliation.daysToRead(account.id, month);
    const readings: DayReadingInput[] = [];
    const failures: string[] = [];
    for (const { day, kind } of days) {
      const outcome = await client.getDeliveryCount(kind, lineDateParam(day));
      if (outcome.kind === 'accepted')
        readings.push({ day, kind, status: outcome.value.status, count: outcome.value.success });
      else failures.push(`${kind} ${day}: ${describeOutcome(outcome)}`);
    }
    if (failures.length) this.logger.warn({ lineAccountId: account.id, failures }, 'delivery counts could not be read');
    const result = await this.reconciliation.reconcile(account, month, readings, readAt);
    return {
      daysRead: readings.length,
      daysReady: readings.filter((reading) => reading.status === 'ready').length,
      failures,
      ledgerUsedBefore: result.usedBefore,
      ledgerUsedAfter: result.usedAfter,
    };
  }

  /**
   * The scheduled sync. Each account is claimed with a conditional UPDATE, so with several
   * instances only one of them asks LINE per interval.
   */
  async syncDueAccounts(): Promise<number> {
    const intervalSeconds = this.config.values.quotaSyncIntervalSeconds || 60;
    const accounts = await this.accounts.listAll();
    let synced = 0;
    for (const account of accounts) {
      if (!(await this.ledger.claimSyncAttempt(account.id, this.engine.monthOf(account), intervalSeconds))) continue;
      const result = await this.sync(account).catch((error: Error) => ({ ok: false as const, error: error.message }));
      if (result.ok) synced++;
    }
    return synced;
  }
}
