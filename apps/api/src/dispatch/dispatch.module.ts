import { Module } from '@nestjs/common';
import { AudiencesModule } from '../audiences/audiences.module';
import { AuditModule } from '../audit/audit.module';
import { BillingModule } from '../billing/billing.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { FrequencyCapsModule } from '../frequency-caps/frequency-caps.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { LineModule } from '../line/line.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PortBindings } from '../ports/port-bindings';
import { PortsModule } from '../ports/ports.module';
import { ResultsModule } from '../results/results.module';
import { RunStarter } from '../ports/run-starter';
import { UsageSettler } from '../ports/usage-settler';
import { AbTestDeciderService } from './ab-test-decider.service';
import { BatchSenderService } from './batch-sender.service';
import { BudgetGateService } from './budget-gate.service';
import { DispatcherService } from './dispatcher.service';
import { DispatchRepository } from './dispatch.repository';
import { RunFinisherService } from './run-finisher.service';
import { RunRetryController } from './run-retry.controller';
import { RunRetryService } from './run-retry.service';
import { RunSettlementService } from './run-settlement.service';

/** The budget gate and the exactly-once, resumable, multi-instance sending pipeline. Implements RunStarter and UsageSettler. */
@Module({
  imports: [
    AudiencesModule,
    AuditModule,
    BillingModule,
    CampaignsModule,
    FrequencyCapsModule,
    LineAccountsModule,
    LineModule,
    PortsModule,
    MetricsModule,
    ResultsModule,
  ],
  controllers: [RunRetryController],
  providers: [
    DispatchRepository,
    BudgetGateService,
    BatchSenderService,
    RunFinisherService,
    DispatcherService,
    RunRetryService,
    RunSettlementService,
    AbTestDeciderService,
  ],
  exports: [DispatcherService, BudgetGateService],
})
export class DispatchModule {
  constructor(bindings: PortBindings, dispatcher: DispatcherService, settlement: RunSettlementService) {
    bindings.bind(RunStarter, dispatcher);
    bindings.bind(UsageSettler, settlement);
  }
}
