import { Module } from '@nestjs/common';
import { AudiencesModule } from '../audiences/audiences.module';
import { AuditModule } from '../audit/audit.module';
import { BillingModule } from '../billing/billing.module';
import { ContactsModule } from '../contacts/contacts.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { LineModule } from '../line/line.module';
import { PortsModule } from '../ports/ports.module';
import { CampaignForecaster } from './campaign-forecaster';
import { CampaignReadsService } from './campaign-reads.service';
import { CampaignRunsRepository } from './campaign-runs.repository';
import { CampaignRunsService } from './campaign-runs.service';
import { CampaignSendNowService } from './campaign-send-now.service';
import { CampaignTestSender } from './campaign-test-sender';
import { CampaignWorkflowService } from './campaign-workflow.service';
import { CampaignsController } from './campaigns.controller';
import { CampaignsRepository } from './campaigns.repository';
import { RunsController } from './runs.controller';

/**
 * Campaigns, their approval workflow and their runs. Exports what dispatch needs: the runs service
 * (mayStart, onRunStarted, onRunFinished) and the repository (lockById).
 */
@Module({
  imports: [AudiencesModule, AuditModule, BillingModule, ContactsModule, LineAccountsModule, LineModule, PortsModule],
  controllers: [CampaignsController, RunsController],
  providers: [
    CampaignsRepository,
    CampaignReadsService,
    CampaignWorkflowService,
    CampaignSendNowService,
    CampaignRunsRepository,
    CampaignRunsService,
    CampaignForecaster,
    CampaignTestSender,
  ],
  exports: [CampaignsRepository, CampaignRunsService, CampaignRunsRepository],
})
export class CampaignsModule {}
