import { PrismaPg } from '@prisma/adapter-pg';
import { Pool, type PoolConfig } from 'pg';
import { PrismaClient } from './generated/prisma/client';

/**
 * A Prisma client on the pg driver adapter (no native query engine). Give it a pg `Pool` of the
 * caller's to see that pool's figures (the caller ends it), or settings for a pool of its own.
 */
export function createPrismaClient(
  connectionString: string,
  pool: Pool | Omit<PoolConfig, 'connectionString'> = {},
): PrismaClient {
  const adapter = new PrismaPg(pool instanceof Pool ? pool : { max: 10, ...pool, connectionString });
  return new PrismaClient({ adapter });
}
