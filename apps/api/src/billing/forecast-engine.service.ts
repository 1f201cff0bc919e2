import { Injectable } from '@nestjs/common';
import type { LineAccount } from '@lcm/database';
import {
  computeForecast,
  DueSend,
  Forecast,
  ForecastInput,
  OverBudgetPolicy,
  MonthProjection,
  OutsideReading,
  projectMonth,
} from '@lcm/domain/forecast';
import { localDateOf, monthBounds, monthOf } from '@lcm/domain/pricing';
import { Clock } from '../common/clock';
import { AppConfigService } from '../config/config.service';
import { RateCardsService } from '../rate-cards/rate-cards.service';
import type { MonthLedger } from './ledger.repository';
import { SendTimesCache } from './send-times-cache';
import type { Transaction } from '../database/prisma.service';

export interface SendShape {
  recipients: number;
  messageObjects: number;
  costCap: string | null;
  /** `defer` makes the forecast carry the split it would make (`deferral`). */
  overBudgetPolicy?: OverBudgetPolicy;
  /** False when the campaign can't be deferred (an A/B test, a recurring schedule): no defer suggestion. */
  deferrable?: boolean;
}

/** A forecast as the API returns it: the domain's, plus who it is for and the card's id. */
/** Who a campaign's send leaves out, and the frequency cap it is held to. */
export interface ForecastAudience {
  excluded: { blocked: number; unfollowed: number; frequencyCap: number };
  frequencyCap: { messages: number; days: number } | null;
}

export type ForecastResponse = Forecast & {
  campaignId: string | null;
  /** A campaign's forecast: the audience members left out (absent for test sends). */
  excluded?: ForecastAudience['excluded'];
  frequencyCap?: ForecastAudience['frequencyCap'];
  lineAccountId: string;
  computedAt: string;
  rateCard: Forecast['rateCard'] & { id: string };
};

export interface ComputedForecast {
  response: ForecastResponse;
  input: ForecastInput;
  rateCardId: string;
  /** The month's projection the plan suggestion used (with the due sends given, else none). */
  projection: MonthProjection;
}

/**
 * Gathers a forecast's inputs (account, month ledger, rate cards in force, the clock) and runs the
 * pure domain's computeForecast on them.
 */
@Injectable()
export class ForecastEngineService {
  constructor(
    private readonly rateCards: RateCardsService,
    private readonly clock: Clock,
    private readonly config: AppConfigService,
    private readonly sendTimes: SendTimesCache,
  ) {}

  /** The account's month of a send at `sendAt` (now when omitted). */
  monthOf(account: Pick<LineAccount, 'timezone'>, sendAt?: Date | null): string {
    return monthOf(sendAt ?? this.clock.now(), account.timezone);
  }

  async compute(
    account: LineAccount,
    ledger: MonthLedger,
    send: SendShape,
    options: {
      campaignId?: string | null;
      audience?: ForecastAudience;
      sendAt?: Date | null;
      tx?: Transaction;
      /** Runs still due this month, for the projection (ScheduledSends); none inside the gate's transaction. */
      dueSends?: readonly DueSend[];
    } = {},
  ): Promise<ComputedForecast> {
    const now = this.clock.now();
    const month = ledger.month;
    const cardDate = localDateOf(options.sendAt && options.sendAt > now ? options.sendAt : now, account.timezone);
    const { card, regionCards } = await this.rateCards.inForce(account.region, account.plan, cardDate, options.tx);
    const input: ForecastInput = {
      month,
      recipients: send.recipients,
      messageObjects: send.messageObjects,
      rateCard: card,
      regionCards,
      quota: {
        lineQuota: ledger.lineQuota,
        lineConsumption:
          ledger.lineConsumption === null
            ? null
            : { totalUsage: ledger.lineConsumption, sentAfterReading: ledger.sentSinceReading },
        ledgerUsed: ledger.usedMessages,
        reserved: ledger.reservedMessages,
        headroom: account.otherPushHeadroom,
        fresh: this.isFresh(ledger, account.timezone, now),
      },
      budget: {
        monthlyCap: account.monthlyBudget.toString(),
        spentThisMonth: ledger.spend,
        reservedThisMonth: ledger.reservedCost,
      },
      costCap: send.costCap,
      additionalMessageCap: account.additionalMessageCap,
      timeZone: account.timezone,
      sendAt: (options.sendAt && options.sendAt > now ? options.sendAt : now).toISOString(),
      overBudgetPolicy: send.overBudgetPolicy,
      ...(send.deferrable === false ? { deferrable: false } : {}),
    };
    const projection = projectMonth(input, {
      now,
      timeZone: account.timezone,
      outside: outsideReadings(ledger),
      dueSends: options.dueSends ?? [],
      sendTimes: this.sendTimes.sendTimes,
    });
    input.projectedMonthMessages = projection.endOfMonthMessages;
    const forecast = computeForecast(input);
    return {
      input,
      rateCardId: card.id,
      projection,
      response: {
        campaignId: options.campaignId ?? null,
        ...(options.audience ?? {}),
        lineAccountId: account.id,
        computedAt: now.toISOString(),
        ...forecast,
        rateCard: { id: card.id, ...forecast.rateCard },
      },
    };
  }

  /**
   * LINE's figures are fresh when read within QUOTA_MAX_AGE_SECONDS. A month that hasn't started
   * yet has nothing to read: LINE's count will start at zero, so the ledger is all there is.
   */
  isFresh(ledger: MonthLedger, timeZone: string, now: Date): boolean {
    if (monthBounds(ledger.month, timeZone).start > now) return true;
    if (!ledger.lineReadingAt) return false;
    return now.getTime() - ledger.lineReadingAt.getTime() <= this.config.values.quotaMaxAgeSeconds * 1000;
  }
}

/**
 * Push traffic LINE counted that this service did not send, at the month's first and latest
 * readings: LINE's count less the ledger's sends before each reading. Null before any reading.
 */
export function outsideReadings(ledger: MonthLedger): { first: OutsideReading; latest: OutsideReading } | null {
  if (ledger.lineConsumption === null || !ledger.lineReadingAt) return null;
  const latest = {
    messages: Math.max(0, ledger.lineConsumption - (ledger.usedMessages - ledger.sentSinceReading)),
    at: ledger.lineReadingAt,
  };
  const first =
    ledger.firstReadingAt && ledger.firstReadingOutside !== null
      ? { messages: ledger.firstReadingOutside, at: ledger.firstReadingAt }
      : latest;
  return { first, latest };
}
