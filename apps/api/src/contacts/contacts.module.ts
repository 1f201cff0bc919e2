import { Module } from '@nestjs/common';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { ContactsController } from './contacts.controller';
import { ContactsRepository } from './contacts.repository';
import { ContactsService } from './contacts.service';

/** Exports the repository: the followers import and the LINE webhook write contacts through it. */
@Module({
  imports: [LineAccountsModule],
  controllers: [ContactsController],
  providers: [ContactsRepository, ContactsService],
  exports: [ContactsRepository, ContactsService],
})
export class ContactsModule {}
