import { sqlStateOf } from '../database/database-errors';

/** What a log line says about an error: never the raw text or metadata of a database or LINE error. */
export interface SafeError {
  type: string;
  message: string;
  code?: string;
  sqlState?: string;
  /** Names only (a constraint, a table, a column, a Prisma model), never values. */
  where?: Record<string, string>;
  status?: number;
  stack?: string;
  cause?: SafeError;
}

/**
 * The ORM's errors carry the whole call in their message and `meta` (a failed LINE account update
 * holds the new channel access token and secret), pg's carry row values in `detail` and sometimes in
 * the message, and HTTP errors of the LINE SDK carry bodies and headers. Those are logged by their
 * code and a fixed description; any other error by its name, message and stack.
 */
export function safeError(error: unknown, depth = 0): SafeError {
  if (isSafeForm(error)) return error;
  return describe(error, depth);
}

const SAFE_KEYS = new Set(['type', 'message', 'code', 'sqlState', 'where', 'status', 'stack', 'cause']);

/**
 * A safe form met again (the logger's formatter and its serializer both see an error, the second
 * time as a copy): a plain object with nothing but SafeError's fields.
 */
function isSafeForm(value: unknown): value is SafeError {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.type === 'string' &&
    typeof record.message === 'string' &&
    Object.keys(record).every((key) => SAFE_KEYS.has(key)) &&
    (record.cause === undefined || isSafeForm(record.cause))
  );
}

function describe(error: unknown, depth: number): SafeError {
  if (!(error instanceof Error) && (typeof error !== 'object' || error === null))
    return { type: typeof error, message: typeof error === 'string' ? '(a thrown string)' : String(error) };
  const record = error as Error & Record<string, unknown>;
  // `type`: what pino's error serializer (which runs first under `err`) calls the class.
  const type =
    [record.type, record.name, record.constructor?.name].find(
      (candidate): candidate is string =>
        typeof candidate === 'string' && candidate !== '' && candidate !== 'Error' && candidate !== 'Object',
    ) ?? 'Error';
  const sqlState = sqlStateOf(error);
  if (type.startsWith('PrismaClient') || type === 'DriverAdapterError' || 'clientVersion' in record) {
    const code = typeof record.code === 'string' ? record.code : undefined;
    const where = names({
      model: (record.meta as Record<string, unknown> | undefined)?.modelName,
      kind: driverCause(record)?.kind,
    });
    return {
      type,
      ...(code ? { code } : {}),
      ...(sqlState ? { sqlState } : {}),
      ...(where ? { where } : {}),
      message: `database call failed${code ? ` (${code})` : ''}${sqlState ? `, SQLSTATE ${sqlState}` : ''}`,
      stack: stackFrames(typeof record.stack === 'string' ? record.stack : undefined),
    };
  }
  if (sqlState) {
    // pg's DatabaseError: its message may quote the offending value, its detail the whole row.
    const where = names({ table: record.table, column: record.column, constraint: record.constraint });
    return { type, sqlState, ...(where ? { where } : {}), message: `database statement failed, SQLSTATE ${sqlState}` };
  }
  if (type === 'HTTPFetchError' || type === 'HTTPError' || type === 'RequestError') {
    const status = [record.status, record.statusCode].find((value): value is number => typeof value === 'number');
    return {
      type,
      ...(status ? { status } : {}),
      message: `LINE API call failed${status ? ` with HTTP ${status}` : ''}`,
    };
  }
  const cause = record.cause !== undefined && depth < 3 ? safeError(record.cause, depth + 1) : undefined;
  return {
    type,
    message: typeof record.message === 'string' ? record.message : String(error),
    ...(typeof record.code === 'string' ? { code: record.code } : {}),
    ...(record.stack ? { stack: record.stack } : {}),
    ...(cause ? { cause } : {}),
  };
}

function driverCause(record: Record<string, unknown>): { kind?: unknown } | undefined {
  const meta = record.meta as { driverAdapterError?: { cause?: { kind?: unknown } } } | undefined;
  return meta?.driverAdapterError?.cause ?? (record.cause as { kind?: unknown } | undefined);
}

function names(candidates: Record<string, unknown>): Record<string, string> | undefined {
  const kept = Object.entries(candidates).filter(
    (entry): entry is [string, string] => typeof entry[1] === 'string' && /^[\w.]{1,100}$/.test(entry[1]),
  );
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/** The stack without its first line, which repeats the message. */
function stackFrames(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return frames.length ? frames.join('\n') : undefined;
}
