import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { createPrismaClient, Prisma, PrismaClient } from '@lcm/database';
import { AppConfigService } from '../config/config.service';
import { asTransaction, poolTimeouts, TIMEOUT_POLICY, Transaction } from './transaction';
import { safeError } from '../common/safe-error';

/**
 * The one Prisma client of the process; repositories use it, services never do directly.
 *
 * Holding a transaction (and so, often, a row lock) while waiting for a second pool connection is
 * how a burst once froze the service: every connection was held by a transaction queued on one
 * row's lock, and the transaction holding that lock waited for a free connection to read something
 * outside itself. So it is refused by construction: while a transaction's work runs, the pool's
 * client and the sending pool throw instead of queueing, and the e2e suite finds any such path.
 */
@Injectable()
export class PrismaService implements OnApplicationShutdown {
  private readonly prismaClient: PrismaClient;
  /** Prisma's connections: requests, transactions, the scheduler. Ours, so the metrics can read it. */
  private readonly prismaPool: Pool;
  /** The hot paths' connections (see `pool`). */
  private readonly pgPool: Pool;
  /** One connection of its own for /health: it answers whether PostgreSQL does, however busy the pools are. */
  private readonly healthPool: Pool;
  /** Set while a transaction's work runs, in its async context only. */
  private readonly inTransaction = new AsyncLocalStorage<true>();
  private readonly logger = new Logger(PrismaService.name);

  constructor(config: AppConfigService) {
    const { databaseUrl, databasePoolSize } = config.values;
    this.prismaPool = new Pool({ connectionString: databaseUrl, max: databasePoolSize, ...poolTimeouts() });
    this.prismaClient = createPrismaClient(databaseUrl, this.prismaPool);
    this.pgPool = new Pool({ connectionString: databaseUrl, max: 10, ...poolTimeouts() });
    this.healthPool = new Pool({ connectionString: databaseUrl, max: 1, ...poolTimeouts(), statement_timeout: 2_000 });
    // An idle connection the server closes (a restart, or shutdown racing ours) must not crash the process.
    // Only what the error says: the pg error object carries the whole client (types, statements).
    // 57P01 is the server shutting down (Ctrl-C in a terminal reaches the embedded one too): expected.
    for (const pool of [this.prismaPool, this.pgPool, this.healthPool])
      pool.on('error', (error: Error & { code?: string }) => {
        const line = `idle database connection lost: ${safeError(error).message}`;
        if (error.code === '57P01') this.logger.log({ code: error.code }, line);
        else this.logger.warn({ code: error.code }, line);
      });
  }

  /** Each pool's connections, for the metrics: `prisma` (requests, transactions) and `pg` (sending). */
  poolStats(): { name: string; inUse: number; idle: number; waiting: number }[] {
    return (
      [
        ['prisma', this.prismaPool],
        ['pg', this.pgPool],
      ] as const
    ).map(([name, pool]) => ({
      name,
      inUse: pool.totalCount - pool.idleCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }));
  }

  /** Whether PostgreSQL answers, on the health check's own connection. */
  async ping(): Promise<void> {
    await this.healthPool.query('SELECT 1');
  }

  /** The pool's client, for statements outside any transaction. */
  get client(): PrismaClient {
    this.assertOutsideTransaction();
    return this.prismaClient;
  }

  /**
   * Plain `pg` for the statements on hot paths, where Prisma's per-query overhead (its query
   * compiler and client, without a native engine) costs more CPU than the statement itself: the
   * sending path (claim a batch, record a request), authentication, and the reads a console polls
   * (campaign list, run progress, month usage) as named prepared statements. Single statements
   * only, never a transaction.
   */
  get pool(): Pool {
    this.assertOutsideTransaction();
    return this.pgPool;
  }

  /**
   * A connection of the requests' pool for a session Prisma can't express: the contact import's
   * COPY into a temporary table and the upsert from it, in one transaction of its own. The caller
   * releases it (with the error, if the session broke).
   */
  connect(): Promise<PoolClient> {
    this.assertOutsideTransaction();
    return this.prismaPool.connect();
  }

  /**
   * The one way to run a transaction, under TIMEOUT_POLICY. `work` does all its database work
   * through `tx`, reads included, and calls nothing slow (LINE, another transaction) meanwhile.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    this.assertOutsideTransaction();
    return this.inTransaction.run(true, () =>
      this.prismaClient.$transaction((tx) => work(asTransaction(tx)), {
        maxWait: TIMEOUT_POLICY.connectionWaitMs,
        timeout: TIMEOUT_POLICY.transactionMs,
      }),
    );
  }

  /** The client for a statement: the transaction's when given, else the pool's. */
  db(tx?: Transaction): Prisma.TransactionClient {
    return tx ? (tx as unknown as Prisma.TransactionClient) : this.client;
  }

  /** Last of all, after every module stopped its loops (onModuleDestroy) and may no longer query. */
  async onApplicationShutdown(): Promise<void> {
    await this.prismaClient.$disconnect();
    await this.prismaPool.end();
    await this.pgPool.end();
    await this.healthPool.end();
  }

  private assertOutsideTransaction(): void {
    if (this.inTransaction.getStore())
      throw new Error(
        'a database call outside the open transaction: pass its tx (waiting for a second connection while holding one can starve the pool)',
      );
  }
}

export type { Transaction } from './transaction';
