import type { Prisma } from '@lcm/database';

/**
 * The one timeout policy of every database connection, statement and transaction. Nothing waits
 * without bound: a request that can't get a connection, a lock or its answer in time fails fast
 * (503 with Retry-After, see database-errors.ts) and gives its connection back, so one hot row can
 * never hold the whole pool. Locks are waited for at all only so that a loser re-reads the row and
 * learns what the winner did (409 with the current state); PostgreSQL enforces the lock and statement
 * limits on every session (they are set when a connection opens), the pool the connection wait.
 */
export const TIMEOUT_POLICY = {
  /** Waiting for a free pool connection, to start a transaction or run one statement. */
  connectionWaitMs: 5_000,
  /** Waiting for a row lock another transaction holds (a request's transaction holds one for milliseconds). */
  lockWaitMs: 5_000,
  /**
   * Waiting for an account's month row: runs of one account pass the budget gate one at a time by
   * design (each holds it while it snapshots its recipients), so twenty starting at once form a queue.
   */
  accountMonthLockWaitMs: 30_000,
  /** One statement (the slowest is the budget gate's recipient snapshot, seconds for a million contacts). */
  statementMs: 120_000,
  /**
   * A contact import's statements: its COPY lasts as long as the client's upload, and the upsert of a
   * million rows takes a minute or more on a busy server (ContactImportRepository sets it per import).
   */
  importStatementMs: 1_800_000,
  /** A transaction from BEGIN to COMMIT; also how long one may sit idle before PostgreSQL ends it. */
  transactionMs: 300_000,
} as const;

/** The pg pool settings that enforce TIMEOUT_POLICY, for every pool of the service. */
export function poolTimeouts(): {
  connectionTimeoutMillis: number;
  lock_timeout: number;
  statement_timeout: number;
  idle_in_transaction_session_timeout: number;
} {
  return {
    connectionTimeoutMillis: TIMEOUT_POLICY.connectionWaitMs,
    lock_timeout: TIMEOUT_POLICY.lockWaitMs,
    statement_timeout: TIMEOUT_POLICY.statementMs,
    idle_in_transaction_session_timeout: TIMEOUT_POLICY.transactionMs,
  };
}

declare const opaque: unique symbol;

/**
 * An open transaction. Services only pass it on, always as the last argument; repositories run
 * their statements in it through `PrismaService.db(tx)`. Every read that must see the transaction's own
 * writes, or that runs while it holds a lock, takes it: a read outside would wait for a second pool
 * connection while holding the first, which is how a burst used to starve the pool.
 */
export interface Transaction {
  readonly [opaque]: 'Transaction';
}

/** Wraps Prisma's transaction client as the opaque type (PrismaService.transaction does this). */
export function asTransaction(client: Prisma.TransactionClient): Transaction {
  return client as unknown as Transaction;
}
