/**
 * What a database error means for the caller. PostgreSQL's SQLSTATE is read from the pg driver's
 * error or from where Prisma's driver adapter keeps it; never from a message.
 */
export type DatabaseTrouble =
  /** Waited too long for a connection, a lock or a statement, or a write conflict: try again shortly. */
  | 'busy'
  /** The database is unreachable or the connection broke. */
  | 'unavailable';

/** SQLSTATEs that mean "not now": lock timeout or NOWAIT refusal, statement timeout, serialization failure, deadlock. */
const BUSY_STATES = new Set(['55P03', '57014', '40001', '40P01']);
/** Too many connections, the server shutting down or restarting. */
const UNAVAILABLE_STATES = new Set(['53300', '57P01', '57P02', '57P03']);
/**
 * Prisma's own codes for the same: P2028 a transaction that couldn't start in time (no connection)
 * or outlived its time-out, P2034 a write conflict or deadlock, P2024 and P2037 pool exhaustion,
 * P1008 a socket time-out; P1001 and P1017 a lost server.
 */
const BUSY_PRISMA_CODES = new Set(['P2024', 'P2028', 'P2034', 'P2037', 'P1008']);
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1017']);

/** The SQLSTATE of a pg or Prisma error, when it carries one. */
export function sqlStateOf(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const record = error as {
    name?: unknown;
    code?: unknown;
    severity?: unknown;
    cause?: { originalCode?: unknown; code?: unknown };
    meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } };
  };
  // Prisma wraps the adapter's error in `meta`, or throws it bare when it has no code of its own.
  const bare = record.name === 'DriverAdapterError' || (record as { type?: unknown }).type === 'DriverAdapterError';
  const cause = record.meta?.driverAdapterError?.cause ?? (bare ? record.cause : undefined);
  const fromAdapter = cause?.originalCode ?? cause?.code;
  if (typeof fromAdapter === 'string' && /^[0-9A-Z]{5}$/.test(fromAdapter)) return fromAdapter;
  // pg's DatabaseError: a five-character code next to a severity.
  if (typeof record.code === 'string' && typeof record.severity === 'string' && /^[0-9A-Z]{5}$/.test(record.code))
    return record.code;
  return undefined;
}

export function databaseTrouble(error: unknown): DatabaseTrouble | null {
  if (!error || typeof error !== 'object') return null;
  const state = sqlStateOf(error);
  if (state && BUSY_STATES.has(state)) return 'busy';
  if (state && UNAVAILABLE_STATES.has(state)) return 'unavailable';
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && BUSY_PRISMA_CODES.has(code)) return 'busy';
  if (typeof code === 'string' && UNAVAILABLE_PRISMA_CODES.has(code)) return 'unavailable';
  // pg-pool's connection wait (connectionTimeoutMillis) has no code, only this message.
  if (typeof message === 'string' && /timeout exceeded when trying to connect/.test(message)) return 'busy';
  return null;
}
