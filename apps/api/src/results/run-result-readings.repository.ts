import { Injectable } from '@nestjs/common';
import type { RunResultReading } from '@lcm/database';
import { PrismaService } from '../database/prisma.service';

export type NewReading = Omit<RunResultReading, 'id'>;

/** Owns `run_result_readings`: every reading of LINE's statistics for a run's unit. */
@Injectable()
export class RunResultReadingsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async add(reading: NewReading): Promise<void> {
    await this.prisma.client.runResultReading.create({ data: reading });
  }

  /** The runs' readings, oldest first. */
  listForRuns(runIds: readonly string[]): Promise<RunResultReading[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.prisma.client.runResultReading.findMany({
      where: { runId: { in: [...runIds] } },
      orderBy: [{ readAt: 'asc' }, { id: 'asc' }],
    });
  }
}
