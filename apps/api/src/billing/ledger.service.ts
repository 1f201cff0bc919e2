import { Injectable } from '@nestjs/common';
import type { LineAccount } from '@lcm/database';
import type { BlockReason, DeferSuggestion, OverBudgetPolicy } from '@lcm/domain/forecast';
import { costOfPaidPositions } from '@lcm/domain/pricing';
import { Dec, formatAmount } from '@lcm/domain/money';
import { lineDayOf } from '@lcm/domain/reconciliation';
import { ApiError } from '../common/api-error';
import { Clock } from '../common/clock';
import type { Transaction } from '../database/prisma.service';
import { RateCardsService } from '../rate-cards/rate-cards.service';
import { ComputedForecast, ForecastEngineService, ForecastResponse, SendShape } from './forecast-engine.service';
import { ForecastRecordsRepository } from './forecast-records.repository';
import { LedgerRepository, MonthLedger, ReservationRow } from './ledger.repository';

export interface ReserveRequest extends SendShape {
  account: LineAccount;
  /**
   * `trim` reserves the largest recipient count that fits instead of refusing; `defer` reserves the
   * recipients whose messages are all free this month when the send has a paid part (the caller
   * schedules the rest, see ReserveResult.deferral).
   */
  policy?: OverBudgetPolicy;
  /** The caller's own reasons to refuse (e.g. cost past the approval), reported beside the forecast's. */
  extraChecks?: (forecast: ForecastResponse) => BlockReason[];
  campaignId?: string | null;
  runId?: string | null;
  label?: string | null;
  actorId?: string | null;
}

export interface ReserveResult {
  reservation: ReservationRow | null;
  forecast: ComputedForecast;
  forecastId: string;
  /** Recipients the reservation covers (fewer than asked when trimmed). */
  recipients: number;
  trimmed: boolean;
  /** Policy defer split the send: the part reserved now and the rest, forecast at next month's reset. */
  deferral: DeferSuggestion | null;
  /** Why nothing was reserved: the forecast's verdicts and the caller's checks (empty when reserved). */
  blockReasons: BlockReason[];
}

/** A reservation after a settlement, with what that settlement cost. */
export type SettledReservation = ReservationRow & { settlementCost: string };

export type { BlockReason };

/**
 * The month ledger's writes. Each one locks the account's month row first, so reservations,
 * settlements and releases on one account happen one at a time and never spend a budget twice.
 */
@Injectable()
export class LedgerService {
  constructor(
    private readonly repository: LedgerRepository,
    private readonly engine: ForecastEngineService,
    private readonly records: ForecastRecordsRepository,
    private readonly rateCards: RateCardsService,
    private readonly clock: Clock,
  ) {}

  reserve(request: ReserveRequest): Promise<ReserveResult> {
    return this.repository.transaction((tx) => this.reserveInTransaction(request, tx));
  }

  /**
   * Forecasts against the locked month and, when the verdict is ok (or trimming makes it so),
   * holds the messages and cost. The forecast is stored either way, with its inputs.
   */
  async reserveInTransaction(request: ReserveRequest, tx: Transaction): Promise<ReserveResult> {
    const month = this.engine.monthOf(request.account);
    const ledger = await this.repository.lockMonth(request.account.id, month, tx);
    let forecast = await this.engine.compute(
      request.account,
      ledger,
      { ...request, overBudgetPolicy: request.policy },
      { campaignId: request.campaignId, tx },
    );
    let recipients = request.recipients;
    let trimmed = false;
    const deferral = request.policy === 'defer' ? forecast.response.deferral : null;
    if (deferral) {
      recipients = deferral.now.recipients;
      forecast = await this.engine.compute(
        request.account,
        ledger,
        { ...request, recipients },
        { campaignId: request.campaignId, tx },
      );
      // The run's forecast shows what it reserved and, beside it, the split that left the rest for the reset.
      forecast = { ...forecast, response: { ...forecast.response, deferral } };
    } else if (request.policy === 'trim' && forecast.response.trim) {
      // The forecast under trim already says the gate sends the part that fits; reserve exactly that.
      const { trim } = forecast.response;
      recipients = trim.recipients;
      trimmed = true;
      forecast = await this.engine.compute(
        request.account,
        ledger,
        { ...request, recipients },
        { campaignId: request.campaignId, tx },
      );
      forecast = { ...forecast, response: { ...forecast.response, trim } };
    }
    const forecastId = await this.records.insert(
      {
        lineAccountId: request.account.id,
        campaignId: request.campaignId ?? null,
        purpose: 'reservation',
        month,
        verdict: forecast.response.verdict,
        rateCardId: forecast.rateCardId,
        inputs: forecast.input,
        result: forecast.response,
        createdById: request.actorId ?? null,
      },
      tx,
    );
    // Every reason at once: the user clears them all before the next try, not one per retry.
    const blockReasons = [...forecast.response.blockReasons, ...(request.extraChecks?.(forecast.response) ?? [])];
    if (blockReasons.length)
      return { reservation: null, forecast, forecastId, recipients: 0, trimmed: false, deferral: null, blockReasons };
    const reservation = await this.repository.createReservation(
      {
        lineAccountId: request.account.id,
        month,
        messages: forecast.response.messages,
        freeMessages: forecast.response.freeMessages,
        paidFrom: forecast.response.quota.paidSoFar,
        cost: forecast.response.cost.amount,
        rateCardId: forecast.rateCardId,
        forecastId,
        campaignId: request.campaignId ?? null,
        runId: request.runId ?? null,
        label: request.label ?? null,
      },
      tx,
    );
    await this.repository.addToMonth(
      request.account.id,
      month,
      {
        reservedMessages: reservation.messages,
        reservedCost: reservation.cost,
      },
      tx,
    );
    return { reservation, forecast, forecastId, recipients, trimmed, deferral, blockReasons: [] };
  }

  /**
   * Moves messages LINE accepted from reserved to used. The reservation's free messages settle
   * first, then its paid positions in order, so the settled cost is exactly what was forecast.
   */
  async settle(
    reservationId: string,
    accepted: number,
    meta: { kind?: string; lineRequestId?: string | null } = {},
  ): Promise<SettledReservation> {
    return this.repository.transaction((tx) => this.settleInTransaction(reservationId, accepted, tx, meta));
  }

  async settleInTransaction(
    reservationId: string,
    accepted: number,
    tx: Transaction,
    meta: { kind?: string; lineRequestId?: string | null } = {},
  ): Promise<SettledReservation> {
    const reservation = await this.lockReservationWithMonth(reservationId, tx);
    if (reservation.status !== 'held') throw ApiError.conflict(`reservation ${reservationId} is ${reservation.status}`);
    const settledBefore = reservation.settledMessages;
    const settledAfter = settledBefore + accepted;
    if (!Number.isInteger(accepted) || accepted < 0 || settledAfter > reservation.messages) {
      throw new RangeError(
        `cannot settle ${accepted} more messages of reservation ${reservationId} (${settledBefore}/${reservation.messages} settled)`,
      );
    }
    const paidBefore = Math.max(0, settledBefore - reservation.freeMessages);
    const paidAfter = Math.max(0, settledAfter - reservation.freeMessages);
    const card = await this.rateCards.get(reservation.rateCardId, tx);
    const cost =
      paidAfter > paidBefore
        ? costOfPaidPositions(card, reservation.paidFrom + paidBefore, paidAfter - paidBefore).amount
        : formatAmount(0);
    const done = settledAfter === reservation.messages;
    const now = this.clock.now();
    const settledCost = formatAmount(Dec(reservation.settledCost).plus(cost));
    await this.repository.updateReservation(
      reservation.id,
      {
        settledMessages: settledAfter,
        settledCost,
        status: done ? 'settled' : 'held',
      },
      tx,
    );
    await this.repository.addToMonth(
      reservation.lineAccountId,
      reservation.month,
      {
        used: accepted,
        paid: paidAfter - paidBefore,
        spend: cost,
        reservedMessages: -accepted,
        reservedCost: formatAmount(Dec(cost).negated()),
        sentSinceReading: accepted,
      },
      tx,
    );
    await this.repository.insertUsage(
      {
        lineAccountId: reservation.lineAccountId,
        month: reservation.month,
        kind: meta.kind ?? 'campaign_send',
        messages: accepted,
        paidMessages: paidAfter - paidBefore,
        cost,
        reservationId: reservation.id,
        campaignId: reservation.campaignId,
        runId: reservation.runId,
        lineRequestId: meta.lineRequestId ?? null,
        // Settlement follows acceptance by about DISPATCH_POLL_MS, so this is the day LINE counts them on; a batch
        // settled just after midnight (UTC+9) moves to the next day, and the two days' differences cancel once both are ready.
        lineDay: lineDayOf(now),
        createdAt: now, // the clock's time: a quota reading counts the entries made since it was taken
      },
      tx,
    );
    return {
      ...reservation,
      settledMessages: settledAfter,
      settledCost,
      status: done ? 'settled' : 'held',
      settlementCost: cost,
    };
  }

  /** Gives back what a reservation holds beyond what was settled (unsent recipients, a stopped run). */
  async release(reservationId: string): Promise<ReservationRow> {
    return this.repository.transaction((tx) => this.releaseInTransaction(reservationId, tx));
  }

  async releaseInTransaction(reservationId: string, tx: Transaction): Promise<ReservationRow> {
    const reservation = await this.lockReservationWithMonth(reservationId, tx);
    if (reservation.status !== 'held') return reservation;
    const messages = reservation.messages - reservation.settledMessages;
    const cost = Dec(reservation.cost).minus(reservation.settledCost);
    await this.repository.updateReservation(
      reservation.id,
      {
        settledMessages: reservation.settledMessages,
        settledCost: reservation.settledCost,
        status: 'released',
      },
      tx,
    );
    await this.repository.addToMonth(
      reservation.lineAccountId,
      reservation.month,
      {
        reservedMessages: -messages,
        reservedCost: formatAmount(cost.negated()),
      },
      tx,
    );
    return { ...reservation, status: 'released' };
  }

  /** Locks the account's current month row until the transaction ends (the gate takes it first). */
  async lockCurrentMonth(account: LineAccount, tx: Transaction): Promise<MonthLedger> {
    return this.repository.lockMonth(account.id, this.engine.monthOf(account), tx);
  }

  /** LINE's quota and consumption as read at `reading.takenAt`, under the month's lock. */
  recordReading(
    lineAccountId: string,
    month: string,
    reading: { quota: { type: string; value: number | null }; consumption: number; takenAt: Date },
  ): Promise<void> {
    return this.repository.transaction(async (tx) => {
      await this.repository.lockMonth(lineAccountId, month, tx);
      await this.repository.recordReading(lineAccountId, month, reading, tx);
    });
  }

  /** LINE could not be read: the last reading stays (and ages into stale), the error is kept for the usage report. */
  recordSyncFailure(lineAccountId: string, month: string, error: string): Promise<void> {
    return this.repository.recordSyncFailure(lineAccountId, month, error);
  }

  /** See LedgerRepository.claimSyncAttempt: with several instances, one syncs an account per interval. */
  claimSyncAttempt(lineAccountId: string, month: string, intervalSeconds: number): Promise<boolean> {
    return this.repository.claimSyncAttempt(lineAccountId, month, intervalSeconds);
  }

  /** Reservations by id, for showing what a run holds or released (no lock). */
  findReservations(ids: string[]): Promise<ReservationRow[]> {
    return this.repository.findReservations(ids);
  }

  /** Creates the month row if needed and locks it until the transaction ends. */
  lockMonth(lineAccountId: string, month: string, tx: Transaction): Promise<MonthLedger> {
    return this.repository.lockMonth(lineAccountId, month, tx);
  }

  findReservation(id: string, tx?: Transaction): Promise<ReservationRow | null> {
    return this.repository.findReservation(id, tx);
  }

  /** Reads the month for reports and previews (no lock). */
  readMonth(lineAccountId: string, month: string): Promise<MonthLedger> {
    return this.repository.readMonth(lineAccountId, month);
  }

  private async lockReservationWithMonth(reservationId: string, tx: Transaction): Promise<ReservationRow> {
    // Month row first, then the reservation: the same order as reserve(), so no deadlock.
    const unlocked = await this.repository.findReservation(reservationId, tx);
    if (!unlocked) throw ApiError.notFound(`reservation ${reservationId}`);
    await this.repository.lockMonth(unlocked.lineAccountId, unlocked.month, tx);
    return (await this.repository.lockReservation(reservationId, tx))!;
  }
}
