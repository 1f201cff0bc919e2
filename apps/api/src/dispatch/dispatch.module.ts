import { Global, Module } from '@nestjs/common';
import { UsageSettler } from '../billing/usage-settler';
import { RunStarter } from '../campaigns/run-starter';
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
import { RunSettlementService } from './run-settlement.service';

/** The budget gate and the exactly-once, resumable, multi-instance sending pipeline. */
@Global()
@Module({
  imports: [AudiencesModule, CampaignsModule, LineAccountsModule],
  controllers: [RunRetryController],
  providers: [
    DispatchRepository,
    BudgetGateService,
    BatchSenderService,
    RunFinisherService,
    DispatcherService,
    RunRetryService,
    RunSettlementService,
    { provide: UsageSettler, useExisting: RunSettlementService },
    { provide: RunStarter, useExisting: DispatcherService },
  ],
  exports: [DispatcherService, BudgetGateService, UsageSettler, RunStarter],
})
export class DispatchModule {}
