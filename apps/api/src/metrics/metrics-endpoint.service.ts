import { Injectable, OnModuleInit } from '@nestjs/common';
import { UsageService } from '../billing/usage.service';
import { CampaignRunsService } from '../campaigns/campaign-runs.service';
import { Clock } from '../common/clock';
import { PrismaService } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { Metrics } from './metrics';

/** The figures a scrape reads when it happens: runs by status, each account's month, the pools. */
@Injectable()
export class MetricsEndpointService implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly runs: CampaignRunsService,
    private readonly accounts: LineAccountsService,
    private readonly usage: UsageService,
    private readonly prisma: PrismaService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.metrics.onScrape(async (gauges) => {
      for (const { status, count } of await this.runs.countByStatus()) gauges.runs.set({ status }, count);
      for (const pool of this.prisma.poolStats()) {
        gauges.poolConnections.set({ pool: pool.name, state: 'in_use' }, pool.inUse);
        gauges.poolConnections.set({ pool: pool.name, state: 'idle' }, pool.idle);
        gauges.poolWaiting.set({ pool: pool.name }, pool.waiting);
      }
      for (const account of await this.accounts.listAll()) {
        // The month's figures by the same rules as GET /line-accounts/:id/usage.
        const month = await this.usage.usage(account.id);
        const labels = { account: account.id };
        gauges.monthMessages.set({ ...labels, kind: 'used' }, month.used);
        gauges.monthMessages.set({ ...labels, kind: 'reserved' }, month.reserved);
        gauges.monthMessages.set({ ...labels, kind: 'free_remaining' }, month.remainingFree);
        gauges.monthSpend.set({ ...labels, currency: month.spend.currency }, Number(month.spend.amount));
        gauges.monthSpendCap.set({ ...labels, currency: month.budget.currency }, Number(month.budget.amount));
        const { readAt } = month.line as { readAt: string | null };
        if (readAt) gauges.quotaReadingAge.set(labels, (this.clock.now().getTime() - Date.parse(readAt)) / 1000);
      }
    });
  }

  scrape(): Promise<{ contentType: string; body: string }> {
    return this.metrics.scrape();
  }
}
