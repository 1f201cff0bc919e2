import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { AllExceptionsFilter } from './common/exception.filter';
import { Clock, clockFor } from './common/clock';
import { loggerOptions } from './common/logging';
import { DatabaseModule } from './database/database.module';
import { AuditModule } from './audit/audit.module';
import { AuditLogModule } from './audit/audit-log.module';
import { AuthModule } from './auth/auth.module';
import { UsersModule } from './users/users.module';
import { SignInModule } from './sign-in/sign-in.module';
import { LineAccountsModule } from './line-accounts/line-accounts.module';
import { HealthModule } from './health/health.module';
import { RateCardsModule } from './rate-cards/rate-cards.module';
import { BillingModule } from './billing/billing.module';
import { ContactsModule } from './contacts/contacts.module';
import { AudiencesModule } from './audiences/audiences.module';
import { LineModule } from './line/line.module';
import { CampaignsModule } from './campaigns/campaigns.module';
import { DispatchModule } from './dispatch/dispatch.module';
import { AlertsModule } from './alerts/alerts.module';
import { ResultsModule } from './results/results.module';
import { MetricsEndpointModule } from './metrics/metrics-endpoint.module';
import { ScheduleModule } from '@nestjs/schedule';

@Module({})
export class AppModule {
  /**
   * `logDestination`: where log lines go instead of stdout. `clock`: the time every rule reads
   * (tests pass one they move; otherwise the system clock, or CLOCK_FILE's).
   */
  static forRoot(config: AppConfig, logDestination?: DestinationStream, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config.logLevel, config.logFormat, logDestination)),
        ScheduleModule.forRoot(),
        DatabaseModule,
        AuditModule,
        AuditLogModule,
        AuthModule,
        HealthModule,
        UsersModule,
        SignInModule,
        LineAccountsModule,
        RateCardsModule,
        BillingModule,
        ContactsModule,
        AudiencesModule,
        LineModule,
        CampaignsModule,
        DispatchModule,
        AlertsModule,
        ResultsModule,
        MetricsEndpointModule,
      ],
      providers: [
        { provide: Clock, useValue: clock ?? clockFor(config.clockFile) },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
      ],
      exports: [Clock],
    };
  }
}
