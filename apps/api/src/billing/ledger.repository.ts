import { Injectable } from '@nestjs/common';
import { Prisma, type Reservation as ReservationModel } from '@lcm/database';
import { PrismaService, Transaction } from '../database/prisma.service';
import { modelColumns } from '../database/sql-rows';
import { TIMEOUT_POLICY } from '../database/transaction';

/** The account's month as the ledger knows it. Money is a decimal string. */
export interface MonthLedger {
  lineAccountId: string;
  month: string;
  usedMessages: number;
  paidMessages: number;
  spend: string;
  reservedMessages: number;
  reservedCost: string;
  lineQuota: { type: 'none' | 'limited'; value: number | null } | null;
  lineConsumption: number | null;
  lineReadingAt: Date | null;
  sentSinceReading: number;
  /** The month's first LINE reading and the outside traffic (LINE's count less this service's) it showed. */
  firstReadingAt: Date | null;
  firstReadingOutside: number | null;
  lastSyncError: string | null;
  lastSyncAttemptAt: Date | null;
}

export interface ReservationRow {
  id: string;
  lineAccountId: string;
  month: string;
  status: 'held' | 'settled' | 'released';
  messages: number;
  freeMessages: number;
  paidFrom: number;
  cost: string;
  settledMessages: number;
  settledCost: string;
  rateCardId: string;
  campaignId: string | null;
  runId: string | null;
}

interface MonthRow {
  line_account_id: string;
  month: string;
  used_messages: number;
  paid_messages: number;
  spend: string;
  reserved_messages: number;
  reserved_cost: string;
  line_quota_type: string | null;
  line_quota_value: number | null;
  line_consumption: number | null;
  line_reading_at: Date | null;
  sent_since_reading: number;
  first_reading_at: Date | null;
  first_reading_outside: number | null;
  last_sync_error: string | null;
  last_sync_attempt_at: Date | null;
}

const MONTH_COLUMN_LIST = `line_account_id::text, month, used_messages, paid_messages, spend::text, reserved_messages,
  reserved_cost::text, line_quota_type, line_quota_value, line_consumption, line_reading_at, sent_since_reading,
  first_reading_at, first_reading_outside, last_sync_error, last_sync_attempt_at`;
const MONTH_COLUMNS = Prisma.raw(MONTH_COLUMN_LIST);

/** Every column, for the read on the pg pool (a run's progress shows its reservation). */
const RESERVATION = modelColumns<ReservationModel>({
  id: 'id',
  lineAccountId: 'line_account_id',
  month: 'month',
  status: 'status',
  messages: 'messages',
  freeMessages: 'free_messages',
  paidFrom: 'paid_from',
  cost: { decimal: 'cost' },
  settledMessages: 'settled_messages',
  settledCost: { decimal: 'settled_cost' },
  rateCardId: 'rate_card_id',
  forecastId: 'forecast_id',
  campaignId: 'campaign_id',
  runId: 'run_id',
  label: 'label',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
});

@Injectable()
export class LedgerRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Serializable enough: every writer locks the month row first, so the transaction is read-committed. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }

  /**
   * Creates the month row if needed and locks it until the transaction ends, waiting for it up to
   * TIMEOUT_POLICY.accountMonthLockWaitMs (runs of an account queue on it), then back to the usual wait.
   */
  async lockMonth(lineAccountId: string, month: string, tx: Transaction): Promise<MonthLedger> {
    const db = this.prisma.db(tx);
    await db.$queryRaw`SELECT set_config('lock_timeout', ${String(TIMEOUT_POLICY.accountMonthLockWaitMs)}, true)`;
    await db.$executeRaw`INSERT INTO account_months (id, line_account_id, month) VALUES (gen_random_uuid(), ${lineAccountId}::uuid, ${month})
      ON CONFLICT (line_account_id, month) DO NOTHING`;
    const rows = await db.$queryRaw<MonthRow[]>`SELECT ${MONTH_COLUMNS} FROM account_months
      WHERE line_account_id = ${lineAccountId}::uuid AND month = ${month} FOR UPDATE`;
    await db.$queryRaw`SELECT set_config('lock_timeout', ${String(TIMEOUT_POLICY.lockWaitMs)}, true)`;
    return toMonthLedger(rows[0]);
  }

  /**
   * The month without a lock (zeros when nothing happened yet): for previews and reports. A
   * prepared statement on the pg pool, like the other reads of the month's usage.
   */
  async readMonth(lineAccountId: string, month: string): Promise<MonthLedger> {
    const { rows } = await this.prisma.pool.query<MonthRow>({
      name: 'ledger.month',
      text: `SELECT ${MONTH_COLUMN_LIST} FROM account_months WHERE line_account_id = $1 AND month = $2`,
      values: [lineAccountId, month],
    });
    return rows[0] ? toMonthLedger(rows[0]) : emptyMonth(lineAccountId, month);
  }

  async addToMonth(
    lineAccountId: string,
    month: string,
    delta: {
      used?: number;
      paid?: number;
      spend?: string;
      reservedMessages?: number;
      reservedCost?: string;
      sentSinceReading?: number;
    },
    tx: Transaction,
  ): Promise<void> {
    await this.prisma.db(tx).$executeRaw`UPDATE account_months SET
        used_messages = used_messages + ${delta.used ?? 0},
        paid_messages = paid_messages + ${delta.paid ?? 0},
        spend = spend + ${delta.spend ?? '0'}::numeric,
        reserved_messages = reserved_messages + ${delta.reservedMessages ?? 0},
        reserved_cost = reserved_cost + ${delta.reservedCost ?? '0'}::numeric,
        sent_since_reading = sent_since_reading + ${delta.sentSinceReading ?? 0},
        updated_at = now()
      WHERE line_account_id = ${lineAccountId}::uuid AND month = ${month}`;
  }

  async recordReading(
    lineAccountId: string,
    month: string,
    reading: { quota: { type: string; value: number | null }; consumption: number; takenAt: Date },
    tx: Transaction,
  ): Promise<void> {
    // Sends LINE accepted from the moment we asked may be missing from its figure: count them on top.
    // The month's first reading also keeps the outside traffic it showed (LINE's count less what the
    // ledger had counted before the reading), where the outside trend starts.
    await this.prisma.db(tx).$executeRaw`WITH sent AS (
        SELECT coalesce(sum(messages), 0)::int AS since FROM usage_entries
         WHERE line_account_id = ${lineAccountId}::uuid AND month = ${month} AND created_at >= ${reading.takenAt})
      UPDATE account_months SET
        line_quota_type = ${reading.quota.type}, line_quota_value = ${reading.quota.value},
        line_consumption = ${reading.consumption}, line_reading_at = ${reading.takenAt},
        sent_since_reading = sent.since,
        first_reading_at = coalesce(first_reading_at, ${reading.takenAt}),
        first_reading_outside = coalesce(first_reading_outside, greatest(0, ${reading.consumption} - (used_messages - sent.since))),
        last_sync_error = NULL, last_sync_attempt_at = now(), updated_at = now()
        FROM sent
      WHERE line_account_id = ${lineAccountId}::uuid AND month = ${month}`;
  }

  /**
   * Claims the month's next scheduled sync: true for the one instance whose conditional update
   * passes, when no attempt was made within 90% of the interval.
   */
  async claimSyncAttempt(lineAccountId: string, month: string, intervalSeconds: number): Promise<boolean> {
    const claimed = await this.prisma.client.$executeRaw`
        INSERT INTO account_months (id, line_account_id, month, last_sync_attempt_at) VALUES (gen_random_uuid(), ${lineAccountId}::uuid, ${month}, now())
        ON CONFLICT (line_account_id, month) DO UPDATE SET last_sync_attempt_at = now()
          WHERE account_months.last_sync_attempt_at IS NULL
             OR account_months.last_sync_attempt_at < now() - make_interval(secs => ${intervalSeconds * 0.9})`;
    return claimed > 0;
  }

  async recordSyncFailure(lineAccountId: string, month: string, error: string): Promise<void> {
    await this.prisma.client
      .$executeRaw`INSERT INTO account_months (id, line_account_id, month, last_sync_error, last_sync_attempt_at)
      VALUES (gen_random_uuid(), ${lineAccountId}::uuid, ${month}, ${error}, now())
      ON CONFLICT (line_account_id, month) DO UPDATE SET last_sync_error = EXCLUDED.last_sync_error, last_sync_attempt_at = now()`;
  }

  async createReservation(
    data: Omit<ReservationRow, 'id' | 'status' | 'settledMessages' | 'settledCost'> & {
      forecastId: string | null;
      label: string | null;
    },
    tx: Transaction,
  ): Promise<ReservationRow> {
    const row = await this.prisma.db(tx).reservation.create({ data: { ...data } });
    return toReservation(row);
  }

  async lockReservation(id: string, tx: Transaction): Promise<ReservationRow | null> {
    const rows = await this.prisma.db(tx).$queryRaw<
      { id: string }[]
    >`SELECT id::text FROM reservations WHERE id = ${id}::uuid FOR UPDATE`;
    if (!rows[0]) return null;
    return toReservation((await this.prisma.db(tx).reservation.findUnique({ where: { id } }))!);
  }

  async findReservations(ids: string[]): Promise<ReservationRow[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.prisma.pool.query({
      name: 'ledger.reservations-by-ids',
      text: `SELECT ${RESERVATION.select('v')} FROM reservations v WHERE v.id = ANY($1::uuid[])`,
      values: [ids],
    });
    return rows.map((row) => toReservation(RESERVATION.read(row)));
  }

  async findReservation(id: string, tx?: Transaction): Promise<ReservationRow | null> {
    const row = await this.prisma.db(tx).reservation.findUnique({ where: { id } });
    return row ? toReservation(row) : null;
  }

  async updateReservation(
    id: string,
    data: { settledMessages: number; settledCost: string; status: ReservationRow['status'] },
    tx: Transaction,
  ): Promise<void> {
    await this.prisma.db(tx).reservation.update({ where: { id }, data });
  }

  async insertUsage(
    entry: {
      lineAccountId: string;
      month: string;
      kind: string;
      messages: number;
      paidMessages: number;
      cost: string;
      reservationId?: string | null;
      campaignId?: string | null;
      runId?: string | null;
      lineRequestId?: string | null;
      lineDay: string;
      createdAt: Date;
    },
    tx: Transaction,
  ): Promise<void> {
    await this.prisma.db(tx).usageEntry.create({ data: { ...entry, lineDay: new Date(`${entry.lineDay}T00:00:00Z`) } });
  }

  /**
   * What LINE accepted from this service per LINE day and kind, for the days the month sent on:
   * `accepted` in this month, `otherMonths` in the account's other months (a LINE day runs in UTC+9,
   * so it can straddle the account's month boundary).
   */
  async acceptedByDay(
    lineAccountId: string,
    month: string,
    tx?: Transaction,
  ): Promise<{ day: string; kind: string; accepted: number; otherMonths: number }[]> {
    type Row = { day: string; kind: string; accepted: number; other_months: number };
    let rows: Row[];
    if (tx) {
      rows = await this.prisma.db(tx).$queryRaw<Row[]>`SELECT to_char(line_day, 'YYYY-MM-DD') AS day, kind,
             coalesce(sum(messages) FILTER (WHERE month = ${month}), 0)::int AS accepted,
             coalesce(sum(messages) FILTER (WHERE month <> ${month}), 0)::int AS other_months
        FROM usage_entries
       WHERE line_account_id = ${lineAccountId}::uuid
         AND line_day IN (SELECT DISTINCT line_day FROM usage_entries
                           WHERE line_account_id = ${lineAccountId}::uuid AND month = ${month} AND line_day IS NOT NULL)
       GROUP BY line_day, kind ORDER BY line_day, kind`;
    } else {
      // The same statement as a prepared one on the pg pool: the month's usage (a console read) asks it.
      ({ rows } = await this.prisma.pool.query<Row>({
        name: 'ledger.accepted-by-day',
        text: `SELECT to_char(line_day, 'YYYY-MM-DD') AS day, kind,
                      coalesce(sum(messages) FILTER (WHERE month = $2), 0)::int AS accepted,
                      coalesce(sum(messages) FILTER (WHERE month <> $2), 0)::int AS other_months
                 FROM usage_entries
                WHERE line_account_id = $1
                  AND line_day IN (SELECT DISTINCT line_day FROM usage_entries
                                    WHERE line_account_id = $1 AND month = $2 AND line_day IS NOT NULL)
                GROUP BY line_day, kind ORDER BY line_day, kind`,
        values: [lineAccountId, month],
      }));
    }
    return rows.map((row) => ({ day: row.day, kind: row.kind, accepted: row.accepted, otherMonths: row.other_months }));
  }

  /** Lowers the month's paid messages and spend to at most these (a reconciliation found fewer messages used). */
  async capPaidAndSpend(
    lineAccountId: string,
    month: string,
    cap: { paid: number; spend: string },
    tx: Transaction,
  ): Promise<void> {
    await this.prisma.db(tx).$executeRaw`UPDATE account_months SET
        paid_messages = least(paid_messages, ${cap.paid}), spend = least(spend, ${cap.spend}::numeric), updated_at = now()
      WHERE line_account_id = ${lineAccountId}::uuid AND month = ${month}`;
  }

  /** Settled usage of the month grouped by campaign (null: sends outside campaigns, such as test sends). */
  async usageByCampaign(
    lineAccountId: string,
    month: string,
  ): Promise<{ campaignId: string | null; messages: number; paidMessages: number; cost: string }[]> {
    const { rows } = await this.prisma.pool.query<{
      campaign_id: string | null;
      messages: number;
      paid_messages: number;
      cost: string;
    }>({
      name: 'ledger.usage-by-campaign',
      text: `SELECT campaign_id::text, sum(messages)::int AS messages, sum(paid_messages)::int AS paid_messages, sum(cost)::text AS cost
               FROM usage_entries WHERE line_account_id = $1 AND month = $2
              GROUP BY campaign_id ORDER BY sum(messages) DESC`,
      values: [lineAccountId, month],
    });
    return rows.map((row) => ({
      campaignId: row.campaign_id,
      messages: row.messages,
      paidMessages: row.paid_messages,
      cost: row.cost,
    }));
  }
}

function emptyMonth(lineAccountId: string, month: string): MonthLedger {
  return {
    lineAccountId,
    month,
    usedMessages: 0,
    paidMessages: 0,
    spend: '0',
    reservedMessages: 0,
    reservedCost: '0',
    lineQuota: null,
    lineConsumption: null,
    lineReadingAt: null,
    sentSinceReading: 0,
    firstReadingAt: null,
    firstReadingOutside: null,
    lastSyncError: null,
    lastSyncAttemptAt: null,
  };
}

function toMonthLedger(row: MonthRow): MonthLedger {
  return {
    lineAccountId: row.line_account_id,
    month: row.month,
    usedMessages: row.used_messages,
    paidMessages: row.paid_messages,
    spend: row.spend,
    reservedMessages: row.reserved_messages,
    reservedCost: row.reserved_cost,
    lineQuota: row.line_quota_type
      ? { type: row.line_quota_type as 'none' | 'limited', value: row.line_quota_value }
      : null,
    lineConsumption: row.line_consumption,
    lineReadingAt: row.line_reading_at,
    sentSinceReading: row.sent_since_reading,
    firstReadingAt: row.first_reading_at,
    firstReadingOutside: row.first_reading_outside,
    lastSyncError: row.last_sync_error,
    lastSyncAttemptAt: row.last_sync_attempt_at,
  };
}

function toReservation(row: {
  id: string;
  lineAccountId: string;
  month: string;
  status: string;
  messages: number;
  freeMessages: number;
  paidFrom: number;
  cost: Prisma.Decimal;
  settledMessages: number;
  settledCost: Prisma.Decimal;
  rateCardId: string;
  campaignId: string | null;
  runId: string | null;
}): ReservationRow {
  return {
    id: row.id,
    lineAccountId: row.lineAccountId,
    month: row.month,
    status: row.status as ReservationRow['status'],
    messages: row.messages,
    freeMessages: row.freeMessages,
    paidFrom: row.paidFrom,
    cost: row.cost.toString(),
    settledMessages: row.settledMessages,
    settledCost: row.settledCost.toString(),
    rateCardId: row.rateCardId,
    campaignId: row.campaignId,
    runId: row.runId,
  };
}
