import { PrismaPg } from '@prisma/adapter-pg';
import type { PoolConfig } from 'pg';
import { PrismaClient } from './generated/prisma/client';

/** A Prisma client on the pg driver adapter (no native query engine); `pool` goes to its pg pool as is. */
export function createPrismaClient(
  connectionString: string,
  pool: Omit<PoolConfig, 'connectionString'> = {},
): PrismaClient {
  const adapter = new PrismaPg({ max: 10, ...pool, connectionString });
  return new PrismaClient({ adapter });
}
