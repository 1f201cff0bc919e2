import { Injectable, Logger } from '@nestjs/common';
import type { LineAccount } from '@lcm/database';
import { monthOf } from '@lcm/domain/pricing';
import { AGGREGATION_UNITS_PER_MONTH, aggregationUnitFor } from '@lcm/domain/results';
import { describeOutcome } from '@lcm/line-client';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import type { Transaction } from '../database/prisma.service';
import { LineGateway } from '../line/line-gateway';
import { AggregationUnitsRepository } from './aggregation-units.repository';
import type { AggregationUnitsDto } from './results.dto';

/** The note a run sent without a unit carries (on its blockReasons, like `trimmed`; it blocks nothing). */
const NO_UNIT_MESSAGE = `LINE's ${AGGREGATION_UNITS_PER_MONTH} aggregation units for this month are used up, so this run was sent without one: LINE reports no impressions or clicks for it. The count starts again next month.`;
export const NO_UNIT_NOTE = {
  code: 'no_aggregation_unit',
  message: NO_UNIT_MESSAGE,
  clearedBy: null,
  details: [
    { code: 'note.no_aggregation_unit', params: { units: AGGREGATION_UNITS_PER_MONTH }, text: NO_UNIT_MESSAGE },
  ],
};

/**
 * An account's aggregation unit names a month (LINE allows 1,000): each run gets its own when one
 * is left, counted in PostgreSQL, and LINE's own count (other tools use units too) is read when stale.
 */
@Injectable()
export class AggregationUnitsService {
  private readonly logger = new Logger(AggregationUnitsService.name);

  constructor(
    private readonly repository: AggregationUnitsRepository,
    private readonly gateway: LineGateway,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
  ) {}

  /** Reads LINE's count when the last reading is older than the quota's max age. Never fails a send: a failure is logged. */
  async refreshIfStale(account: LineAccount): Promise<void> {
    const month = monthOf(this.clock.now(), account.timezone);
    const row = await this.repository.find(account.id, month);
    const maxAgeMs = this.config.values.quotaMaxAgeSeconds * 1000;
    if (row?.lineReadAt && this.clock.now().getTime() - row.lineReadAt.getTime() < maxAgeMs) return;
    const readAt = this.clock.now();
    const outcome = await this.gateway.clientFor(account).getAggregationUnitUsage();
    if (outcome.kind !== 'accepted') {
      this.logger.warn(
        { lineAccountId: account.id, outcome: describeOutcome(outcome) },
        "LINE's unit count could not be read",
      );
      return;
    }
    await this.repository.recordLineReading(account.id, month, outcome.value.used, readAt);
  }

  /**
   * The run's unit: the one it has (a retried run keeps it), or a new one when the month has room,
   * else null (the run is sent without one and says so). Inside the gate's transaction.
   */
  async allocate(
    tx: Transaction,
    account: LineAccount,
    runId: string,
    existing: string | null,
  ): Promise<string | null> {
    if (existing) return existing;
    const month = monthOf(this.clock.now(), account.timezone);
    const taken = await this.repository.take(tx, account.id, month, AGGREGATION_UNITS_PER_MONTH);
    return taken ? aggregationUnitFor(runId) : null;
  }

  async usage(account: LineAccount): Promise<AggregationUnitsDto> {
    const month = monthOf(this.clock.now(), account.timezone);
    const row = await this.repository.find(account.id, month);
    const used = row ? Math.max(row.allocated, (row.lineUsed ?? 0) + row.allocatedSinceReading) : 0;
    return {
      month,
      used,
      limit: AGGREGATION_UNITS_PER_MONTH,
      remaining: Math.max(0, AGGREGATION_UNITS_PER_MONTH - used),
      lineReadAt: row?.lineReadAt?.toISOString() ?? null,
    };
  }
}
