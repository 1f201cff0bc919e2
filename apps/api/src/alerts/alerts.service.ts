import { Injectable, Logger } from '@nestjs/common';
import { alertPayload, monthAlerts } from '@lcm/domain/alerts';
import { AuditService } from '../audit/audit.service';
import { ForecastEngineService } from '../billing/forecast-engine.service';
import { UsageService } from '../billing/usage.service';
import { Clock } from '../common/clock';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { MonthWatcher } from '../ports/month-watcher';
import { ScheduledSends } from '../ports/scheduled-sends';
import { AlertDeliveriesRepository } from './alert-deliveries.repository';
import { AlertDeliveryRunnerService } from './alert-delivery-runner.service';

/**
 * Raises the month's alerts (libs/domain/src/alerts): evaluates the projection and the scheduled
 * runs' forecasts, and inserts each alert due once a month (a unique key decides between instances),
 * audited in the same transaction. Delivery is the runner's, in the background.
 */
@Injectable()
export class AlertsService extends MonthWatcher {
  private readonly logger = new Logger(AlertsService.name);
  /** Accounts being evaluated here: a forecast inside the evaluation may read LINE, which asks again. */
  private readonly evaluating = new Set<string>();

  constructor(
    private readonly accounts: LineAccountsService,
    private readonly usage: UsageService,
    private readonly engine: ForecastEngineService,
    private readonly scheduled: ScheduledSends,
    private readonly deliveries: AlertDeliveriesRepository,
    private readonly audit: AuditService,
    private readonly runner: AlertDeliveryRunnerService,
    private readonly clock: Clock,
  ) {
    super();
  }

  async monthChanged(lineAccountId: string): Promise<void> {
    if (this.evaluating.has(lineAccountId)) return;
    this.evaluating.add(lineAccountId);
    try {
      const raised = await this.evaluate(lineAccountId);
      if (raised > 0) this.runner.wake();
    } catch (error) {
      this.logger.error({ err: error, lineAccountId }, "the month's alerts could not be evaluated");
    } finally {
      this.evaluating.delete(lineAccountId);
    }
  }

  /** Raises what the month calls for; returns how many alerts this call raised (0 when alerts are off). */
  async evaluate(lineAccountId: string): Promise<number> {
    const account = await this.accounts.mustFind(lineAccountId);
    if (!account.alertsWebhookUrl) return 0;
    const month = this.engine.monthOf(account);
    const projection = await this.usage.projection(account, month);
    const blockedRuns = (await this.scheduled.forecastDueRuns(account, month)).filter((run) => run.verdict !== 'ok');
    const alerts = monthAlerts({
      accountName: account.name,
      projection,
      thresholds: account.alertsThresholds,
      blockedRuns,
    });
    let raised = 0;
    for (const alert of alerts) {
      const now = this.clock.now();
      const body = JSON.stringify(
        alertPayload(alert, { lineAccountId: account.id, accountName: account.name, month, raisedAt: now }),
      );
      const key = { kind: alert.kind, threshold: alert.threshold, subject: alert.subject, month };
      await this.deliveries.transaction(async (tx) => {
        const id = await this.deliveries.raiseOnce({ lineAccountId: account.id, ...key, body }, now, tx);
        if (!id) return;
        raised++;
        await this.audit.record(
          {
            actorId: null,
            action: 'alert.raised',
            entityType: 'line_account',
            entityId: account.id,
            after: { alertId: id, ...key, text: alert.text },
          },
          tx,
        );
      });
    }
    return raised;
  }
}
