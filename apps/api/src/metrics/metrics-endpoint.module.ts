import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { CampaignsModule } from '../campaigns/campaigns.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { MetricsController } from './metrics.controller';
import { MetricsEndpointService } from './metrics-endpoint.service';
import { MetricsModule } from './metrics.module';

/** `GET /metrics`: the counters plus the figures read from the database at each scrape. */
@Module({
  imports: [MetricsModule, BillingModule, CampaignsModule, LineAccountsModule],
  controllers: [MetricsController],
  providers: [MetricsEndpointService],
})
export class MetricsEndpointModule {}
