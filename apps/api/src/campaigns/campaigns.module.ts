import { Module } from '@nestjs/common';
import { AudiencesModule } from '../audiences/audiences.module';
import { AuditModule } from '../audit/audit.module';
import { BillingModule } from '../billing/billing.module';
import { ContactsModule } from '../contacts/contacts.module';
import { FrequencyCapsModule } from '../frequency-caps/frequency-caps.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { LineModule } from '../line/line.module';
import { AudienceHolders } from '../ports/audience-holders';
import { PortBindings } from '../ports/port-bindings';
import { PortsModule } from '../ports/ports.module';
import { ScheduledSends } from '../ports/scheduled-sends';
import { ApprovalsController } from './approvals.controller';
import { CampaignApprovalsService } from './campaign-approvals.service';
import { CampaignDraftForecastService } from './campaign-draft-forecast.service';
import { CampaignChangesService } from './campaign-changes.service';
import { CampaignForecastService } from './campaign-forecast.service';
import { CampaignReadsService } from './campaign-reads.service';
import { CampaignRunsRepository } from './campaign-runs.repository';
import { CampaignRunsService } from './campaign-runs.service';
import { CampaignScheduledSendsService } from './campaign-scheduled-sends.service';
import { CampaignSendNowService } from './campaign-send-now.service';
import { CampaignTestSendService } from './campaign-test-send.service';
import { CampaignWorkflowService } from './campaign-workflow.service';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { RunsController } from './runs.controller';
import { SchedulesController } from './schedules.controller';

/**
 * Campaigns, their approval workflow and their runs. Exports what dispatch needs: the runs service
 * (mayStart, onRunStarted, onRunFinished, the run rows it moves) and the reads service (findById, lockById).
 * Implements AudienceHolders and ScheduledSends (the runs still due in a month, for billing's projection).
 */
@Module({
  imports: [
    AudiencesModule,
    AuditModule,
    BillingModule,
    ContactsModule,
    FrequencyCapsModule,
    LineAccountsModule,
    LineModule,
    PortsModule,
  ],
  controllers: [CampaignsController, RunsController, SchedulesController, ApprovalsController],
  providers: [
    CampaignsRepository,
    CampaignReadsService,
    CampaignWorkflowService,
    CampaignChangesService,
    CampaignApprovalsService,
    CampaignSendNowService,
    CampaignRunsRepository,
    CampaignRunsService,
    CampaignForecastService,
    CampaignDraftForecastService,
    CampaignTestSendService,
    CampaignScheduledSendsService,
  ],
  exports: [CampaignReadsService, CampaignRunsService],
})
export class CampaignsModule {
  constructor(bindings: PortBindings, reads: CampaignReadsService, scheduledSends: CampaignScheduledSendsService) {
    bindings.bind(AudienceHolders, reads);
    bindings.bind(ScheduledSends, scheduledSends);
  }
}
