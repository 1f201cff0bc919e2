import { Injectable } from '@nestjs/common';
import { lastSendProblem } from '@lcm/domain/schedules';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import type { Transaction } from '../database/prisma.service';
import { LineAccountsService } from '../line-accounts/line-accounts.service';
import { ForecastCreateDto } from './billing.dto';
import { ForecastEngineService, ForecastResponse } from './forecast-engine.service';
import { ForecastRecordInput, ForecastRecordsRepository, StoredForecast } from './forecast-records.repository';
import { LedgerService } from './ledger.service';
import { QuotaRefresher } from '../ports/quota-refresher';
import { ScheduledSends } from '../ports/scheduled-sends';

@Injectable()
export class ForecastsService {
  constructor(
    private readonly accounts: LineAccountsService,
    private readonly ledger: LedgerService,
    private readonly engine: ForecastEngineService,
    private readonly quota: QuotaRefresher,
    private readonly clock: Clock,
    private readonly records: ForecastRecordsRepository,
    private readonly scheduled: ScheduledSends,
  ) {}

  /** Stores a forecast with its inputs (in the caller's transaction when given); returns its id. */
  store(record: ForecastRecordInput, tx?: Transaction): Promise<string> {
    return this.records.insert(record, tx);
  }

  find(id: string): Promise<StoredForecast | null> {
    return this.records.find(id);
  }

  /** Stored forecasts by id, in one query (those that exist). */
  findMany(ids: string[]): Promise<StoredForecast[]> {
    return this.records.findMany(ids);
  }

  /** A preview: what a send of this shape would cost now (or at sendAt). Nothing is reserved. */
  async preview(dto: ForecastCreateDto): Promise<ForecastResponse> {
    const account = await this.accounts.mustFind(dto.lineAccountId);
    const sendAt = dto.sendAt ? new Date(dto.sendAt) : null;
    if (sendAt && sendAt.getTime() < this.clock.now().getTime() - 60_000)
      throw ApiError.field('sendAt', 'must not be in the past');
    const late = sendAt && lastSendProblem(sendAt);
    if (late) throw ApiError.field('sendAt', late);
    await this.quota.refreshIfStale(account);
    const month = this.engine.monthOf(account, sendAt);
    const ledger = await this.ledger.readMonth(account.id, month);
    const computed = await this.engine.compute(
      account,
      ledger,
      {
        recipients: dto.recipients,
        messageObjects: dto.messageObjects,
        costCap: dto.costCap ?? null,
        overBudgetPolicy: dto.overBudgetPolicy ?? 'block',
      },
      { sendAt, dueSends: await this.scheduled.dueInMonth(account, month) },
    );
    return computed.response;
  }
}
