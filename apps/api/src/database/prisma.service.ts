import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createPrismaClient, PrismaClient } from '@lcm/database';
import { AppConfigService } from '../config/config.module';

/** The one Prisma client of the process; repositories use it, services never do directly. */
@Injectable()
export class PrismaService implements OnApplicationShutdown {
  readonly client: PrismaClient;

  constructor(config: AppConfigService) {
    this.client = createPrismaClient(config.values.databaseUrl, { maxConnections: 20 });
  }

  /** Last of all, after every module stopped its loops (onModuleDestroy) and may no longer query. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.$disconnect();
  }
}

/** The client inside an interactive transaction. */
export type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
