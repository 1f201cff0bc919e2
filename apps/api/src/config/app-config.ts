import path from 'node:path';
import { repoRoot } from '@lcm/database/repo-root';

/** The service's configuration, read from the environment once at start and validated. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  /** Connections of the main pool (requests, transactions, the scheduler). */
  databasePoolSize: number;
  migrateOnStart: boolean;
  adminToken: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `readable` in a terminal outside production, else `json` (LOG_FORMAT overrides). */
  logFormat: 'readable' | 'json';
  /** Where `npm start` keeps the embedded PostgreSQL and the sandbox's admin token. */
  dataDir: string;
  /** `auto` starts the LINE simulator and a sandbox account when no database is configured. */
  lineSimulator: 'auto' | 'on' | 'off';
  lineSimulatorPort: number;
  lineTimeoutMs: number;
  /** LINE quota readings older than this are stale: forecasts re-read LINE, and capped accounts block without one. */
  quotaMaxAgeSeconds: number;
  /** How often the scheduler re-reads every account's quota and consumption; 0 turns it off. */
  quotaSyncIntervalSeconds: number;
  dispatch: DispatchConfig;
  results: ResultsConfig;
  followersImport: FollowersImportConfig;
  auth: AuthConfig;
  /**
   * Express's `trust proxy`: which peers may say, in X-Forwarded-For / -Proto / -Host, who the client
   * is and whether it came over HTTPS (for per-address throttling, the cookie's Secure flag and the
   * CSRF origin check). `false`, `true`, a hop count, or addresses / CIDRs / loopback, linklocal, uniquelocal.
   */
  trustProxy: boolean | number | string;
  /** The built console served at `/`; not served when it holds no index.html. */
  consoleDir: string;
  /**
   * Tests only (CLOCK_FILE): the service's clock reads the instant from this file instead of the
   * system clock, so a test can move time for a service running as a separate process. See Clock.
   */
  clockFile: string | null;
}

export interface ResultsConfig {
  /** How often the results job reads LINE's statistics of the runs due; 0 turns it off on this instance. */
  syncIntervalSeconds: number;
  /** The job reads one run at most this often (a refresh can read it sooner). */
  minAgeSeconds: number;
  /** Statistics-per-unit requests a channel may make in an hour (LINE's limit is 60), all instances together. */
  requestsPerHour: number;
  /** Of those, how many the job leaves for refreshes a user asks for. */
  refreshReserve: number;
}

export interface AuthConfig {
  /** A browser session ends after this long without a request. */
  sessionIdleMinutes: number;
  /** …and this long after sign-in, however busy. */
  sessionMaxHours: number;
  /** How long an invite link stays usable. */
  inviteTtlHours: number;
  /** Failed sign-ins allowed per email before each further one must wait (doubling, up to 15 minutes). */
  loginFailuresPerEmail: number;
  /** The same per client address (higher: many people may share an office's address). */
  loginFailuresPerAddress: number;
}

export interface FollowersImportConfig {
  /** Import jobs this instance runs at once; 0: none here (other instances run them). */
  workers: number;
  /** How often an idle worker looks for a job to run or to take over. */
  pollMs: number;
  /** A job whose instance stops renewing it for this long is taken over by another. */
  leaseSeconds: number;
  /** Pages (1,000 ids each) a second per job; LINE allows 2,000 requests a second on this endpoint. */
  pagesPerSecond: number;
  /** A job that reads this many pages without reaching the end stops as failed. */
  maxPages: number;
}

export interface DispatchConfig {
  /** false: this instance serves the API but neither gates nor sends (other instances do). */
  enabled: boolean;
  /** How often the scheduler looks for due runs and finished ones. */
  pollMs: number;
  /** Batches this instance sends at once. */
  workers: number;
  /** A batch whose instance stops renewing it for this long is taken over by another. */
  leaseSeconds: number;
  /** Multicast requests a second per account from this instance (LINE allows 200 per channel). */
  requestsPerSecond: number;
  /** Attempts per batch on server errors and time-outs before it is marked failed. */
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** A run whose cost grew past the approved cost by more than this is blocked as needs_reapproval. */
  costTolerancePercent: number;
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

/** Every variable, its default and what it expects; README's configuration table mirrors this. */
export function readAppConfig(
  env: Env,
  defaults: { databaseUrl?: string; dataDir?: string; terminal?: boolean } = {},
): AppConfig {
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
    databaseUrl: databaseUrl(env, defaults.databaseUrl),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 20, 2, 1000),
    migrateOnStart: boolean(env, 'MIGRATE_ON_START', true),
    adminToken: optionalToken(env, 'ADMIN_TOKEN'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(
      env,
      'LOG_FORMAT',
      ['readable', 'json'] as const,
      defaults.terminal && env.NODE_ENV !== 'production' ? 'readable' : 'json',
    ),
    dataDir: path.resolve(text(env, 'DATA_DIR', defaults.dataDir ?? '.data')),
    lineSimulator: oneOf(env, 'LINE_SIMULATOR', ['auto', 'on', 'off'] as const, 'auto'),
    lineSimulatorPort: integer(env, 'LINE_SIMULATOR_PORT', 4500, 0, 65535),
    lineTimeoutMs: integer(env, 'LINE_TIMEOUT_MS', 10_000, 100, 120_000),
    quotaMaxAgeSeconds: integer(env, 'QUOTA_MAX_AGE_SECONDS', 900, 1, 31 * 86_400),
    quotaSyncIntervalSeconds: integer(env, 'QUOTA_SYNC_INTERVAL_SECONDS', 300, 0, 86_400),
    dispatch: {
      enabled: boolean(env, 'DISPATCH_ENABLED', true),
      pollMs: integer(env, 'DISPATCH_POLL_MS', 1000, 10, 3_600_000),
      workers: integer(env, 'DISPATCH_WORKERS', 4, 1, 64),
      leaseSeconds: integer(env, 'DISPATCH_LEASE_SECONDS', 30, 1, 3600),
      // 5% under LINE's 200/s: requests paced at exactly the limit can arrive bunched and meet a 429.
      requestsPerSecond: integer(env, 'DISPATCH_REQUESTS_PER_SECOND', 190, 1, 100_000),
      maxAttempts: integer(env, 'DISPATCH_MAX_ATTEMPTS', 12, 1, 1000),
      retryBaseMs: integer(env, 'DISPATCH_RETRY_BASE_MS', 200, 1, 600_000),
      retryMaxMs: integer(env, 'DISPATCH_RETRY_MAX_MS', 30_000, 1, 3_600_000),
      costTolerancePercent: integer(env, 'COST_TOLERANCE_PERCENT', 10, 0, 1000),
    },
    results: {
      syncIntervalSeconds: integer(env, 'RESULTS_SYNC_INTERVAL_SECONDS', 300, 0, 86_400),
      minAgeSeconds: integer(env, 'RESULTS_MIN_AGE_SECONDS', 3600, 1, 14 * 86_400),
      requestsPerHour: integer(env, 'RESULTS_REQUESTS_PER_HOUR', 60, 1, 60),
      refreshReserve: integer(env, 'RESULTS_REFRESH_RESERVE', 10, 0, 59),
    },
    auth: {
      sessionIdleMinutes: integer(env, 'SESSION_IDLE_MINUTES', 30, 1, 7 * 24 * 60),
      sessionMaxHours: integer(env, 'SESSION_MAX_HOURS', 12, 1, 31 * 24),
      inviteTtlHours: integer(env, 'INVITE_TTL_HOURS', 72, 1, 31 * 24),
      loginFailuresPerEmail: integer(env, 'LOGIN_FAILURES_PER_EMAIL', 5, 1, 1000),
      loginFailuresPerAddress: integer(env, 'LOGIN_FAILURES_PER_ADDRESS', 20, 1, 100_000),
    },
    trustProxy: trustProxy(env),
    consoleDir: path.resolve(repoRoot(), text(env, 'CONSOLE_DIR', path.join('apps', 'console', 'dist'))),
    clockFile: raw(env, 'CLOCK_FILE') ?? null,
    followersImport: {
      workers: integer(env, 'FOLLOWERS_IMPORT_WORKERS', 1, 0, 16),
      pollMs: integer(env, 'FOLLOWERS_IMPORT_POLL_MS', 1000, 10, 3_600_000),
      leaseSeconds: integer(env, 'FOLLOWERS_IMPORT_LEASE_SECONDS', 30, 1, 3600),
      pagesPerSecond: integer(env, 'FOLLOWERS_IMPORT_PAGES_PER_SECOND', 100, 1, 2000),
      maxPages: integer(env, 'FOLLOWERS_IMPORT_MAX_PAGES', 100_000, 1, 10_000_000),
    },
  };
}

/** `loopback` by default: a proxy on the same host is believed, a client's own X-Forwarded-* is not. */
function trustProxy(env: Env): boolean | number | string {
  const value = raw(env, 'TRUST_PROXY');
  if (value === undefined) return 'loopback';
  if (value === 'true' || value === 'false') return value === 'true';
  if (/^\d+$/.test(value)) return Number(value);
  const names = ['loopback', 'linklocal', 'uniquelocal'];
  const valid = value.split(',').every((part) => {
    const item = part.trim();
    return names.includes(item) || /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(item);
  });
  if (!valid)
    throw new ConfigError(
      `TRUST_PROXY must be true, false, a hop count, or addresses / CIDRs / loopback, linklocal, uniquelocal (got "${value}")`,
    );
  return value;
}

function raw(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function text(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < min || parsed > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max} (got "${value}")`);
  }
  return parsed;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const value = raw(env, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (['true', '1', 'yes'].includes(value)) return true;
  if (['false', '0', 'no'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false (got "${value}")`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const value = raw(env, name);
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}

function databaseUrl(env: Env, fallback: string | undefined): string {
  const value = raw(env, 'DATABASE_URL') ?? fallback;
  if (value === undefined) throw new ConfigError('DATABASE_URL must be set to a postgresql:// connection string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError('DATABASE_URL must be a postgresql:// connection string (it is not a URL)');
  }
  if (!['postgresql:', 'postgres:'].includes(url.protocol)) {
    throw new ConfigError(`DATABASE_URL must be a postgresql:// connection string (got protocol "${url.protocol}")`);
  }
  return value;
}

function optionalToken(env: Env, name: string): string | null {
  const value = raw(env, name);
  if (value === undefined) return null;
  if (value.length < 24) throw new ConfigError(`${name} must be at least 24 characters long`);
  return value;
}
