import { Injectable } from '@nestjs/common';
import { PrismaService, Transaction } from '../database/prisma.service';

/** One LINE day's reading of one kind of traffic, and its adjustment of the month ledger. */
export interface LineDeliveryDayRow {
  day: string;
  kind: 'multicast' | 'push';
  status: 'ready' | 'unready' | 'unavailable_for_privacy' | 'out_of_service';
  lineCount: number | null;
  month: string | null;
  adjustment: number;
  readAt: Date;
}

/** `line_delivery_days`: LINE's per-day delivery counts as last read. */
@Injectable()
export class LineDeliveryDaysRepository {
  constructor(private readonly prisma: PrismaService) {}

  async upsertReading(
    lineAccountId: string,
    reading: Pick<LineDeliveryDayRow, 'day' | 'kind' | 'status' | 'lineCount' | 'readAt'>,
    tx: Transaction,
  ): Promise<void> {
    await this.prisma.db(tx)
      .$executeRaw`INSERT INTO line_delivery_days (id, line_account_id, day, kind, status, line_count, read_at)
      VALUES (gen_random_uuid(), ${lineAccountId}::uuid, ${reading.day}::date, ${reading.kind}, ${reading.status}, ${reading.lineCount}, ${reading.readAt})
      ON CONFLICT (line_account_id, kind, day) DO UPDATE SET status = EXCLUDED.status, line_count = EXCLUDED.line_count, read_at = EXCLUDED.read_at`;
  }

  /** The readings of these days (all kinds), or of every day with an adjustment in `month`. */
  async find(lineAccountId: string, days: string[], month: string, tx?: Transaction): Promise<LineDeliveryDayRow[]> {
    type Row = {
      day: string;
      kind: string;
      status: string;
      line_count: number | null;
      month: string | null;
      adjustment: number;
      read_at: Date;
    };
    let rows: Row[];
    if (tx) {
      rows = await this.prisma.db(tx).$queryRaw<
        Row[]
      >`SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, status, line_count, month, adjustment, read_at FROM line_delivery_days
       WHERE line_account_id = ${lineAccountId}::uuid AND (day = ANY(${days}::date[]) OR month = ${month})
       ORDER BY day, kind`;
    } else {
      // The same statement as a prepared one on the pg pool: the month's usage (a console read) asks it.
      ({ rows } = await this.prisma.pool.query<Row>({
        name: 'line-delivery-days.find',
        text: `SELECT to_char(day, 'YYYY-MM-DD') AS day, kind, status, line_count, month, adjustment, read_at FROM line_delivery_days
                WHERE line_account_id = $1 AND (day = ANY($2::date[]) OR month = $3)
                ORDER BY day, kind`,
        values: [lineAccountId, days, month],
      }));
    }
    return rows.map((row) => ({
      day: row.day,
      kind: row.kind as LineDeliveryDayRow['kind'],
      status: row.status as LineDeliveryDayRow['status'],
      lineCount: row.line_count,
      month: row.month,
      adjustment: row.adjustment,
      readAt: row.read_at,
    }));
  }

  async setAdjustment(
    lineAccountId: string,
    day: string,
    kind: string,
    adjustment: { month: string | null; adjustment: number },
    tx: Transaction,
  ): Promise<void> {
    await this.prisma.db(tx)
      .$executeRaw`UPDATE line_delivery_days SET month = ${adjustment.month}, adjustment = ${adjustment.adjustment}
      WHERE line_account_id = ${lineAccountId}::uuid AND kind = ${kind} AND day = ${day}::date`;
  }
}
