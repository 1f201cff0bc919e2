import { Injectable } from '@nestjs/common';
import type { LineAccount } from '@lcm/database';
import { costOfPaidPositions } from '@lcm/domain/pricing';
import { dayAdjustment, DayReading, LINE_PRIVACY_THRESHOLD, LineDayStatus } from '@lcm/domain/reconciliation';
import { ForecastEngineService } from './forecast-engine.service';
import { LedgerRepository } from './ledger.repository';
import { LineDeliveryDayRow, LineDeliveryDaysRepository } from './line-delivery-days.repository';

export type DeliveryKind = 'multicast' | 'push';

/** Campaign runs go out by multicast, test sends by push: which of LINE's per-day counts each is in. */
const KIND_OF_USAGE: Record<string, DeliveryKind> = { campaign_send: 'multicast', test_send: 'push' };

export interface DayReadingInput {
  day: string;
  kind: DeliveryKind;
  status: LineDayStatus;
  count: number | null;
}

/** One LINE day of one kind of traffic, as the usage report shows it. */
export interface DeliveryDayFigure {
  day: string;
  kind: DeliveryKind;
  /** Messages LINE accepted from this service that day (in this month). */
  accepted: number;
  /** LINE's status for the day; null: not read yet. */
  status: LineDayStatus | null;
  /** LINE's count, when ready. */
  counted: number | null;
  /** LINE's bound when it reports fewer than 20 (unavailable_for_privacy). */
  countedAtMost: number | null;
  /** accepted − counted when ready: blocked users and unknown ids, accepted but not delivered. */
  difference: number | null;
  /** What the month ledger counts for the day. */
  ledger: number;
  /** Part of the day's traffic fell into another of the account's months: the accepted count stands. */
  spansMonths: boolean;
  readAt: string | null;
}

export interface ReconcileResult {
  usedBefore: number;
  usedAfter: number;
}

/**
 * Brings the month ledger's used figure to what LINE counted, day by day: a day LINE reports as
 * ready counts LINE's figure instead of the accepted one; other days keep the accepted count
 * (docs/domain.md, "Reconciling with LINE's counts"). Decided under the month row's lock, the
 * one the budget gate takes, so a gate never forecasts from a half-applied reconciliation.
 */
@Injectable()
export class LedgerReconciliationService {
  constructor(
    private readonly ledger: LedgerRepository,
    private readonly days: LineDeliveryDaysRepository,
    private readonly engine: ForecastEngineService,
  ) {}

  /** The month's days whose LINE figure can still come or change: not read yet, or unready. */
  async daysToRead(lineAccountId: string, month: string): Promise<{ day: string; kind: DeliveryKind }[]> {
    return (await this.dayFigures(lineAccountId, month))
      .filter((figure) => figure.status === null || figure.status === 'unready')
      .map(({ day, kind }) => ({ day, kind }));
  }

  async dayFigures(lineAccountId: string, month: string): Promise<DeliveryDayFigure[]> {
    const accepted = await this.acceptedByDay(lineAccountId, month);
    const stored = await this.days.find(
      lineAccountId,
      accepted.map((row) => row.day),
      month,
    );
    return accepted.map((row) => {
      const reading = stored.find((day) => day.day === row.day && day.kind === row.kind) ?? null;
      const adjustment = reading?.month === month ? reading.adjustment : 0;
      return {
        day: row.day,
        kind: row.kind,
        accepted: row.accepted,
        status: reading?.status ?? null,
        counted: reading?.status === 'ready' ? reading.lineCount : null,
        countedAtMost: reading?.status === 'unavailable_for_privacy' ? LINE_PRIVACY_THRESHOLD - 1 : null,
        difference: reading?.status === 'ready' && reading.lineCount !== null ? row.accepted - reading.lineCount : null,
        ledger: row.accepted + adjustment,
        spansMonths: row.otherMonths > 0,
        readAt: reading?.readAt.toISOString() ?? null,
      };
    });
  }

  /**
   * Stores LINE's readings and moves the month's used figure by the change in the days'
   * adjustments, all under the month's lock. When used goes down, paid messages and spend are
   * lowered to what the new figure implies (never raised: a higher LINE figure is already billed
   * through the forecast's implied spend).
   */
  reconcile(account: LineAccount, month: string, readings: DayReadingInput[], readAt: Date): Promise<ReconcileResult> {
    return this.ledger.transaction(async (tx) => {
      const before = await this.ledger.lockMonth(account.id, month, tx);
      for (const reading of readings)
        await this.days.upsertReading(
          account.id,
          {
            day: reading.day,
            kind: reading.kind,
            status: reading.status,
            lineCount: reading.status === 'ready' ? reading.count : null,
            readAt,
          },
          tx,
        );
      const accepted = await this.acceptedByDay(account.id, month, tx);
      const stored = await this.days.find(
        account.id,
        accepted.map((row) => row.day),
        month,
        tx,
      );
      let delta = 0;
      for (const row of accepted) {
        const reading = stored.find((day) => day.day === row.day && day.kind === row.kind);
        // No reading yet, or its adjustment belongs to another month (not locked here): leave it.
        if (!reading || (reading.month !== null && reading.month !== month)) continue;
        const target = dayAdjustment(row.accepted, toDayReading(reading), row.otherMonths > 0);
        const current = reading.month === month ? reading.adjustment : 0;
        if (target === current) continue;
        delta += target - current;
        await this.days.setAdjustment(
          account.id,
          row.day,
          row.kind,
          { month: target === 0 ? null : month, adjustment: target },
          tx,
        );
      }
      if (delta === 0) return { usedBefore: before.usedMessages, usedAfter: before.usedMessages };
      await this.ledger.addToMonth(account.id, month, { used: delta }, tx);
      const after = { ...before, usedMessages: before.usedMessages + delta };
      if (delta < 0) {
        const { response, input } = await this.engine.compute(
          account,
          after,
          { recipients: 0, messageObjects: 1, costCap: null },
          { tx },
        );
        const paid = Math.max(0, after.usedMessages - response.quota.free);
        const spend = paid === 0 ? '0' : costOfPaidPositions(input.rateCard, 0, paid).amount;
        await this.ledger.capPaidAndSpend(account.id, month, { paid, spend }, tx);
      }
      return { usedBefore: before.usedMessages, usedAfter: after.usedMessages };
    });
  }

  private async acceptedByDay(
    lineAccountId: string,
    month: string,
    tx?: Parameters<LedgerRepository['acceptedByDay']>[2],
  ) {
    const byKey = new Map<string, { day: string; kind: DeliveryKind; accepted: number; otherMonths: number }>();
    for (const row of await this.ledger.acceptedByDay(lineAccountId, month, tx)) {
      const kind = KIND_OF_USAGE[row.kind];
      if (!kind) continue;
      const key = `${row.day}:${kind}`;
      const entry = byKey.get(key) ?? { day: row.day, kind, accepted: 0, otherMonths: 0 };
      entry.accepted += row.accepted;
      entry.otherMonths += row.otherMonths;
      byKey.set(key, entry);
    }
    return [...byKey.values()].filter((row) => row.accepted > 0);
  }
}

function toDayReading(row: LineDeliveryDayRow): DayReading {
  return { status: row.status, count: row.lineCount };
}
