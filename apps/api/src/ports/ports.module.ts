import { Injectable, Module } from '@nestjs/common';
import type { LineAccount } from '@lcm/database';
import type { Transaction } from '../database/prisma.service';
import { AudienceHolders } from './audience-holders';
import type { DueSend } from '@lcm/domain/forecast';
import { PortBindings } from './port-bindings';
import { MonthWatcher } from './month-watcher';
import { QuotaRefresher } from './quota-refresher';
import { RunStarter, RunStartOutcome } from './run-starter';
import { DueRunForecast, ScheduledSends } from './scheduled-sends';
import { UsageSettler } from './usage-settler';

@Injectable()
class RunStarterDelegate implements RunStarter {
  constructor(private readonly bindings: PortBindings) {}
  startNow(runId: string, campaignId: string): Promise<RunStartOutcome> {
    return this.bindings.implementationOf(RunStarter).startNow(runId, campaignId);
  }
}

@Injectable()
class QuotaRefresherDelegate implements QuotaRefresher {
  constructor(private readonly bindings: PortBindings) {}
  refreshIfStale(account: LineAccount): Promise<void> {
    return this.bindings.implementationOf(QuotaRefresher).refreshIfStale(account);
  }
  refresh(account: LineAccount): Promise<void> {
    return this.bindings.implementationOf(QuotaRefresher).refresh(account);
  }
}

@Injectable()
class UsageSettlerDelegate implements UsageSettler {
  constructor(private readonly bindings: PortBindings) {}
  settleAccount(lineAccountId: string): Promise<void> {
    return this.bindings.implementationOf(UsageSettler).settleAccount(lineAccountId);
  }
}

@Injectable()
class AudienceHoldersDelegate implements AudienceHolders {
  constructor(private readonly bindings: PortBindings) {}
  countCampaignsHolding(audienceId: string, tx: Transaction): Promise<number> {
    return this.bindings.implementationOf(AudienceHolders).countCampaignsHolding(audienceId, tx);
  }
  campaignsOnAccount(ids: readonly string[], lineAccountId: string, tx: Transaction): Promise<string[]> {
    return this.bindings.implementationOf(AudienceHolders).campaignsOnAccount(ids, lineAccountId, tx);
  }
}

@Injectable()
class ScheduledSendsDelegate implements ScheduledSends {
  constructor(private readonly bindings: PortBindings) {}
  dueInMonth(account: LineAccount, month: string): Promise<DueSend[]> {
    return this.bindings.implementationOf(ScheduledSends).dueInMonth(account, month);
  }
  forecastDueRuns(account: LineAccount, month: string): Promise<DueRunForecast[]> {
    return this.bindings.implementationOf(ScheduledSends).forecastDueRuns(account, month);
  }
}

@Injectable()
class MonthWatcherDelegate implements MonthWatcher {
  constructor(private readonly bindings: PortBindings) {}
  monthChanged(lineAccountId: string): Promise<void> {
    return this.bindings.implementationOf(MonthWatcher).monthChanged(lineAccountId);
  }
}

/**
 * The seams between features that would otherwise import each other: campaigns start runs
 * (RunStarter, implemented by dispatch, which imports campaigns), billing, campaigns and dispatch
 * refresh LINE's quota (QuotaRefresher, implemented by the LINE module), and the quota sync settles
 * what dispatch sent (UsageSettler, implemented by dispatch, which imports the LINE module), audiences
 * ask whether campaigns still hold one (AudienceHolders, implemented by campaigns, which import audiences),
 * billing reads the runs still due (ScheduledSends, implemented by campaigns, which import billing), and the
 * quota sync and campaigns tell the alerts a month changed (MonthWatcher, implemented by alerts). Both
 * sides import this module; the implementing module binds its provider in PortBindings.
 */
@Module({
  providers: [
    PortBindings,
    { provide: RunStarter, useClass: RunStarterDelegate },
    { provide: QuotaRefresher, useClass: QuotaRefresherDelegate },
    { provide: UsageSettler, useClass: UsageSettlerDelegate },
    { provide: AudienceHolders, useClass: AudienceHoldersDelegate },
    { provide: ScheduledSends, useClass: ScheduledSendsDelegate },
    { provide: MonthWatcher, useClass: MonthWatcherDelegate },
  ],
  exports: [PortBindings, RunStarter, QuotaRefresher, UsageSettler, AudienceHolders, ScheduledSends, MonthWatcher],
})
export class PortsModule {}
