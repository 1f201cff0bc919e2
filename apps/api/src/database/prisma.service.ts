import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { createPrismaClient, PrismaClient } from '@lcm/database';
import { AppConfigService } from '../config/config.module';

/** The one Prisma client of the process; repositories use it, services never do directly. */
@Injectable()
export class PrismaService implements OnApplicationShutdown {
  readonly client: PrismaClient;
  /**
   * Plain `pg` for the few statements on the sending hot path (claim a batch, record a request),
   * where Prisma's per-query overhead would cost more CPU than the statement itself.
   */
  readonly pool: Pool;
  private readonly logger = new Logger(PrismaService.name);

  constructor(config: AppConfigService) {
    this.client = createPrismaClient(config.values.databaseUrl, { maxConnections: 20 });
    this.pool = new Pool({ connectionString: config.values.databaseUrl, max: 10 });
    // An idle connection the server closes (a restart, or shutdown racing ours) must not crash the process.
    // Only what the error says: the pg error object carries the whole client (types, statements).
    // 57P01 is the server shutting down (Ctrl-C in a terminal reaches the embedded one too): expected.
    this.pool.on('error', (error: Error & { code?: string }) => {
      const line = `idle database connection lost: ${error.message}`;
      if (error.code === '57P01') this.logger.log({ code: error.code }, line);
      else this.logger.warn({ code: error.code }, line);
    });
  }

  /** Last of all, after every module stopped its loops (onModuleDestroy) and may no longer query. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.$disconnect();
    await this.pool.end();
  }
}

/** The client inside an interactive transaction. */
export type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
