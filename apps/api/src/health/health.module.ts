import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthRepository } from './health.repository';
import { ServiceLifecycle } from './service-lifecycle';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [HealthRepository, ServiceLifecycle],
  exports: [ServiceLifecycle],
})
export class HealthModule {}
