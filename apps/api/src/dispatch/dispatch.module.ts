import { Module } from '@nestjs/common';
import { AudiencesModule } from '../audiences/audiences.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { BatchSenderService } from './batch-sender.service';
import { BudgetGateService } from './budget-gate.service';
import { DispatcherService } from './dispatcher.service';
import { DispatchRepository } from './dispatch.repository';
import { RunFinisherService } from './run-finisher.service';
import { RunRetryController } from './run-retry.controller';
import { RunRetryService } from './run-retry.service';

/** The budget gate and the exactly-once, resumable, multi-instance sending pipeline. */
@Module({
  imports: [AudiencesModule, CampaignsModule, LineAccountsModule],
  controllers: [RunRetryController],
  providers: [DispatchRepository, BudgetGateService, BatchSenderService, RunFinisherService, DispatcherService, RunRetryService],
  exports: [DispatcherService, BudgetGateService],
})
export class DispatchModule {}
