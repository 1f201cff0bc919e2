import { Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { LineModule } from '../line/line.module';
import { AggregationUnitsRepository } from './aggregation-units.repository';
import { AggregationUnitsService } from './aggregation-units.service';
import { LineRateWindowsRepository } from './line-rate-windows.repository';
import { ResultsController } from './results.controller';
import { ResultsSyncService } from './results-sync.service';
import { ResultsService } from './results.service';
import { RunResultReadingsRepository } from './run-result-readings.repository';
import { StatisticsBudgetService } from './statistics-budget.service';

/**
 * Results of sends from LINE's statistics per aggregation unit: the month's unit names (the gate
 * takes one per run through AggregationUnitsService), the scheduled reads within LINE's hourly
 * limit, and the results routes.
 */
@Module({
  imports: [CampaignsModule, LineAccountsModule, LineModule],
  controllers: [ResultsController],
  providers: [
    AggregationUnitsRepository,
    AggregationUnitsService,
    LineRateWindowsRepository,
    StatisticsBudgetService,
    RunResultReadingsRepository,
    ResultsService,
    ResultsSyncService,
  ],
  exports: [AggregationUnitsService, ResultsService, StatisticsBudgetService],
})
export class ResultsModule {}
