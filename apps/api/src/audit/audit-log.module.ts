import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { AuditLogController } from './audit-log.controller';
import { AuditLogService } from './audit-log.service';
import { AuditModule } from './audit.module';

/** GET /audit: apart from AuditModule, which every feature (users included) writes through. */
@Module({ imports: [AuditModule, UsersModule], controllers: [AuditLogController], providers: [AuditLogService] })
export class AuditLogModule {}
