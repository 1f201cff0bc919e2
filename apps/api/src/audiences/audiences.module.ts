import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ContactsModule } from '../contacts/contacts.module';
import { LineAccountsModule } from '../line-accounts/line-accounts.module';
import { PortsModule } from '../ports/ports.module';
import { AudiencesController } from './audiences.controller';
import { AudiencesRepository } from './audiences.repository';
import { AudiencesService } from './audiences.service';

/**
 * Exports the service: campaigns and forecasts count an audience's recipients through it. Whether
 * campaigns still hold an audience it asks through the AudienceHolders port.
 */
@Module({
  imports: [AuditModule, ContactsModule, LineAccountsModule, PortsModule],
  controllers: [AudiencesController],
  providers: [AudiencesRepository, AudiencesService],
  exports: [AudiencesService],
})
export class AudiencesModule {}
