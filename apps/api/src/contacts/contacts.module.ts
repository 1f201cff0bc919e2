import { Module } from '@nestjs/common';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ContactsController } from './contacts.controller';
import { ContactChangesCompactor } from './contact-changes-compactor';
import { ContactChangesRepository } from './contact-changes.repository';
import { ContactImportRepository } from './contact-import.repository';
import { ContactImportProgressRepository } from './contact-import-progress.repository';
import { ContactCountsCache } from './contact-counts.cache';
import { ContactsRepository } from './contacts.repository';
import { ContactsService } from './contacts.service';

/** Exports the service: audiences count contacts, test sends check them, the followers import and the LINE webhook write them. */
@Module({
  imports: [LineAccountsModule, MetricsModule],
  controllers: [ContactsController],
  providers: [
    ContactChangesCompactor,
    ContactChangesRepository,
    ContactCountsCache,
    ContactsRepository,
    ContactImportRepository,
    ContactImportProgressRepository,
    ContactsService,
  ],
  exports: [ContactsService],
})
export class ContactsModule {}
