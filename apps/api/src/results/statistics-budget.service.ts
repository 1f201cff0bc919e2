import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import type { Transaction } from '../database/prisma.service';
import { LineRateWindowsRepository, RateTake } from './line-rate-windows.repository';

const ENDPOINT = 'statistics_per_unit';
const HOUR_MS = 3_600_000;

/**
 * LINE allows 60 statistics-per-unit requests an hour per channel. Every instance takes its calls
 * from one sliding log per channel in PostgreSQL; the scheduled job leaves `refreshReserve` of
 * them for refreshes a user asks for. Calls are taken before the requests (so instances never
 * exceed the limit together) and given back for the requests that got nothing from LINE.
 */
@Injectable()
export class StatisticsBudgetService {
  constructor(
    private readonly windows: LineRateWindowsRepository,
    private readonly config: AppConfigService,
    private readonly clock: Clock,
  ) {}

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.windows.transaction(work);
  }

  /** Takes `count` requests for the account, all or none; `forRefresh` may use the reserve. */
  take(tx: Transaction, lineAccountId: string, count: number, forRefresh: boolean): Promise<RateTake> {
    const { requestsPerHour, refreshReserve } = this.config.values.results;
    const limit = forRefresh ? requestsPerHour : Math.max(0, requestsPerHour - refreshReserve);
    return this.windows.take(
      tx,
      { lineAccountId, endpoint: ENDPOINT },
      count,
      { limit, windowMs: HOUR_MS },
      this.clock.now(),
    );
  }

  /**
   * Returns `count` of the requests a take logged at `at` that got nothing from LINE: not made
   * (an earlier one of the same refresh failed), or answered with an error. Not after LINE's own
   * 429, which says LINE counted the request.
   */
  giveBack(lineAccountId: string, count: number, at: Date): Promise<void> {
    return this.windows.giveBack(undefined, { lineAccountId, endpoint: ENDPOINT }, count, at);
  }
}
