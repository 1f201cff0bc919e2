import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RateCardsModule } from '../rate-cards/rate-cards.module';
import { LineAccountsController } from './line-accounts.controller';
import { LineAccountsRepository } from './line-accounts.repository';
import { LineAccountsService } from './line-accounts.service';

@Module({
  imports: [AuditModule, RateCardsModule],
  controllers: [LineAccountsController],
  providers: [LineAccountsRepository, LineAccountsService],
  exports: [LineAccountsService],
})
export class LineAccountsModule {}
