import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { ContactsModule } from '../contacts/contacts.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PortBindings } from '../ports/port-bindings';
import { PortsModule } from '../ports/ports.module';
import { QuotaRefresher } from '../ports/quota-refresher';
import { FollowersImportJobsRepository } from './followers-import-jobs.repository';
import { FollowersImportRunnerService } from './followers-import-runner.service';
import { FollowersImportService } from './followers-import.service';
import { LineController } from './line.controller';
import { LineGateway } from './line-gateway';
import { PostbackTapsRepository } from './postback-taps.repository';
import { QuotaSyncService } from './quota-sync.service';
import { WebhookEventsRepository } from './webhook-events.repository';
import { WebhookService } from './webhook.service';

/** Everything that talks to LINE for an account: quota sync, follower import, the webhook. Implements QuotaRefresher. */
@Module({
  imports: [LineAccountsModule, ContactsModule, BillingModule, PortsModule, MetricsModule],
  controllers: [LineController],
  providers: [
    LineGateway,
    QuotaSyncService,
    FollowersImportJobsRepository,
    FollowersImportRunnerService,
    FollowersImportService,
    WebhookService,
    WebhookEventsRepository,
    PostbackTapsRepository,
  ],
  exports: [LineGateway, FollowersImportService],
})
export class LineModule {
  constructor(bindings: PortBindings, quotaSync: QuotaSyncService) {
    bindings.bind(QuotaRefresher, quotaSync);
  }
}
