import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { BillingModule } from '../billing/billing.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { MonthWatcher } from '../ports/month-watcher';
import { PortBindings } from '../ports/port-bindings';
import { PortsModule } from '../ports/ports.module';
import { AlertDeliveriesRepository } from './alert-deliveries.repository';
import { AlertDeliveryRunnerService } from './alert-delivery-runner.service';
import { AlertsService } from './alerts.service';

/** The month's alerts: raised when the projection crosses a threshold, delivered to the account's webhook. Implements MonthWatcher. */
@Module({
  imports: [AuditModule, BillingModule, LineAccountsModule, PortsModule],
  providers: [AlertDeliveriesRepository, AlertDeliveryRunnerService, AlertsService],
  exports: [AlertsService],
})
export class AlertsModule {
  constructor(bindings: PortBindings, alerts: AlertsService) {
    bindings.bind(MonthWatcher, alerts);
  }
}
