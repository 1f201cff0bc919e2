import { Injectable } from '@nestjs/common';
import { PrismaService, Transaction } from '../database/prisma.service';

export interface UnitMonthRow {
  allocated: number;
  lineUsed: number | null;
  lineReadAt: Date | null;
  allocatedSinceReading: number;
}

/** Owns `aggregation_unit_months`: the unit names an account used in a month. */
@Injectable()
export class AggregationUnitsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async find(lineAccountId: string, month: string, tx?: Transaction): Promise<UnitMonthRow | null> {
    return this.prisma.db(tx).aggregationUnitMonth.findUnique({
      where: { lineAccountId_month: { lineAccountId, month } },
      select: { allocated: true, lineUsed: true, lineReadAt: true, allocatedSinceReading: true },
    });
  }

  /**
   * Takes one unit name when the month has room: one conditional upsert, so concurrent takers
   * serialize on the row and the limit is never passed. The month's used figure is the larger of
   * this service's count and LINE's reading plus what was taken since.
   */
  async take(tx: Transaction, lineAccountId: string, month: string, limit: number): Promise<boolean> {
    const rows = await this.prisma.db(tx).$queryRaw<{ allocated: number }[]>`
      INSERT INTO aggregation_unit_months (line_account_id, month, allocated, allocated_since_reading)
      VALUES (${lineAccountId}::uuid, ${month}, 1, 1)
      ON CONFLICT (line_account_id, month) DO UPDATE
         SET allocated = aggregation_unit_months.allocated + 1,
             allocated_since_reading = aggregation_unit_months.allocated_since_reading + 1
       WHERE GREATEST(aggregation_unit_months.allocated,
                      COALESCE(aggregation_unit_months.line_used, 0) + aggregation_unit_months.allocated_since_reading) < ${limit}
      RETURNING allocated`;
    return rows.length === 1 && limit > 0;
  }

  /** LINE's count of the month's unit names, read at `readAt`. */
  async recordLineReading(lineAccountId: string, month: string, used: number, readAt: Date): Promise<void> {
    await this.prisma.client.$executeRaw`
      INSERT INTO aggregation_unit_months (line_account_id, month, line_used, line_read_at)
      VALUES (${lineAccountId}::uuid, ${month}, ${used}, ${readAt})
      ON CONFLICT (line_account_id, month) DO UPDATE
         SET line_used = EXCLUDED.line_used, line_read_at = EXCLUDED.line_read_at, allocated_since_reading = 0`;
  }
}
