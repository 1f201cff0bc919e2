import { Global, Module } from '@nestjs/common';
import { QuotaRefresher } from '../billing/quota-refresher';
import { ContactsModule } from '../contacts/contacts.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { FollowersImportService } from './followers-import.service';
import { LineController } from './line.controller';
import { LineGateway } from './line-gateway';
import { QuotaSyncService } from './quota-sync.service';
import { WebhookService } from './webhook.service';

/** Everything that talks to LINE for an account: quota sync, follower import, the webhook. */
@Global()
@Module({
  imports: [LineAccountsModule, ContactsModule],
  controllers: [LineController],
  providers: [
    LineGateway,
    QuotaSyncService,
    FollowersImportService,
    WebhookService,
    { provide: QuotaRefresher, useExisting: QuotaSyncService },
  ],
  exports: [LineGateway, QuotaRefresher, QuotaSyncService],
})
export class LineModule {}
