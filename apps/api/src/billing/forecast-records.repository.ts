import { Injectable } from '@nestjs/common';
import { Prisma } from '@lcm/database';
import { PrismaService, Transaction } from '../database/prisma.service';

/** A forecast as stored, with the inputs it was computed from. */
export interface ForecastRecordInput {
  lineAccountId: string;
  campaignId: string | null;
  purpose: string;
  month: string;
  verdict: string;
  rateCardId: string;
  inputs: unknown;
  result: unknown;
  createdById: string | null;
}

export interface StoredForecast {
  id: string;
  purpose: string;
  inputs: unknown;
  result: unknown;
  createdAt: Date;
}

@Injectable()
export class ForecastRecordsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(record: ForecastRecordInput, tx?: Transaction): Promise<string> {
    const row = await this.prisma.db(tx).forecastRecord.create({
      data: {
        ...record,
        inputs: record.inputs as Prisma.InputJsonValue,
        result: record.result as Prisma.InputJsonValue,
      },
      select: { id: true },
    });
    return row.id;
  }

  async find(id: string): Promise<StoredForecast | null> {
    return this.prisma.client.forecastRecord.findUnique({
      where: { id },
      select: { id: true, purpose: true, inputs: true, result: true, createdAt: true },
    });
  }

  /** A prepared statement on the pg pool: a run's progress (polled) shows its gate forecast. */
  async findMany(ids: string[]): Promise<StoredForecast[]> {
    if (!ids.length) return [];
    const { rows } = await this.prisma.pool.query<StoredForecast>({
      name: 'forecasts.by-ids',
      text: `SELECT id, purpose, inputs, result, created_at AS "createdAt" FROM forecasts WHERE id = ANY($1::uuid[])`,
      values: [ids],
    });
    return rows;
  }
}
