import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { RateCardsController } from './rate-cards.controller';
import { RateCardsRepository } from './rate-cards.repository';
import { RateCardsService } from './rate-cards.service';

@Module({
  imports: [AuditModule],
  controllers: [RateCardsController],
  providers: [RateCardsRepository, RateCardsService],
  exports: [RateCardsService],
})
export class RateCardsModule {}
