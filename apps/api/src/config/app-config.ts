import path from 'node:path';

/** The service's configuration, read from the environment once at start and validated. */
export interface AppConfig {
  port: number;
  host: string;
  databaseUrl: string;
  migrateOnStart: boolean;
  adminToken: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
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
}

export class ConfigError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

type Env = Record<string, string | undefined>;

/** Every variable, its default and what it expects; README's configuration table mirrors this. */
export function readAppConfig(env: Env, defaults: { databaseUrl?: string; dataDir?: string } = {}): AppConfig {
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST', '127.0.0.1'),
    databaseUrl: databaseUrl(env, defaults.databaseUrl),
    migrateOnStart: boolean(env, 'MIGRATE_ON_START', true),
    adminToken: optionalToken(env, 'ADMIN_TOKEN'),
    logLevel: oneOf(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    dataDir: path.resolve(text(env, 'DATA_DIR', defaults.dataDir ?? '.data')),
    lineSimulator: oneOf(env, 'LINE_SIMULATOR', ['auto', 'on', 'off'] as const, 'auto'),
    lineSimulatorPort: integer(env, 'LINE_SIMULATOR_PORT', 4500, 0, 65535),
    lineTimeoutMs: integer(env, 'LINE_TIMEOUT_MS', 10_000, 100, 120_000),
    quotaMaxAgeSeconds: integer(env, 'QUOTA_MAX_AGE_SECONDS', 900, 1, 31 * 86_400),
    quotaSyncIntervalSeconds: integer(env, 'QUOTA_SYNC_INTERVAL_SECONDS', 300, 0, 86_400),
  };
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
