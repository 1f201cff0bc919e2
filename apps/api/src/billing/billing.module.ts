import { Module } from '@nestjs/common';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { PortsModule } from '../ports/ports.module';
import { RateCardsModule } from '../rate-cards/rate-cards.module';
import { BillingController } from './billing.controller';
import { ForecastEngineService } from './forecast-engine.service';
import { ForecastRecordsRepository } from './forecast-records.repository';
import { ForecastsService } from './forecasts.service';
import { LedgerReconciliationService } from './ledger-reconciliation.service';
import { LedgerRepository } from './ledger.repository';
import { LineDeliveryDaysRepository } from './line-delivery-days.repository';
import { LedgerService } from './ledger.service';
import { UsageService } from './usage.service';
import { SendTimesCache } from './send-times-cache';

/** What sends cost: the month ledger, reservations, forecasts and usage reports. */
@Module({
  imports: [LineAccountsModule, RateCardsModule, PortsModule],
  controllers: [BillingController],
  providers: [
    LedgerRepository,
    LedgerService,
    LedgerReconciliationService,
    LineDeliveryDaysRepository,
    ForecastEngineService,
    SendTimesCache,
    ForecastRecordsRepository,
    ForecastsService,
    UsageService,
  ],
  exports: [LedgerService, LedgerReconciliationService, ForecastEngineService, ForecastsService, UsageService],
})
export class BillingModule {}
