import { Module } from '@nestjs/common';
import { LineAccountsController } from './line-accounts.controller';
import { LineAccountsRepository } from './line-accounts.repository';
import { LineAccountsService } from './line-accounts.service';

@Module({ controllers: [LineAccountsController], providers: [LineAccountsRepository, LineAccountsService], exports: [LineAccountsService] })
export class LineAccountsModule {}
