import { ConfigError, readAppConfig } from './app-config';

describe('readAppConfig', () => {
  const base = { DATABASE_URL: 'postgresql://u@localhost:5432/db' };

  it('fills every default', () => {
    expect(readAppConfig(base)).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      migrateOnStart: true,
      adminToken: null,
      logLevel: 'info',
      lineSimulator: 'auto',
      lineSimulatorPort: 4500,
      lineTimeoutMs: 10000,
      databasePoolSize: 20,
    });
    expect(readAppConfig({ ...base, DATABASE_POOL_SIZE: '5' }).databasePoolSize).toBe(5);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT must be a whole number from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT must be a whole number'],
    [{ MIGRATE_ON_START: 'maybe' }, 'MIGRATE_ON_START must be true or false'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN must be at least 24 characters'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL must be a postgresql:// connection string'],
    [{ DATABASE_URL: 'nonsense' }, 'DATABASE_URL must be a postgresql:// connection string'],
    [{ LINE_SIMULATOR: 'sometimes' }, 'LINE_SIMULATOR must be one of auto, on, off'],
    [{ DATABASE_POOL_SIZE: '1' }, 'DATABASE_POOL_SIZE must be a whole number from 2 to 1000 (got "1")'],
    [{ DATABASE_POOL_SIZE: 'many' }, 'DATABASE_POOL_SIZE must be a whole number'],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => readAppConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => readAppConfig({ ...base, ...env })).toThrow(message);
  });

  it('logs readable lines in a terminal outside production, JSON lines otherwise', () => {
    expect(readAppConfig(base).logFormat).toBe('json');
    expect(readAppConfig(base, { terminal: true }).logFormat).toBe('readable');
    expect(readAppConfig({ ...base, NODE_ENV: 'production' }, { terminal: true }).logFormat).toBe('json');
    expect(readAppConfig({ ...base, LOG_FORMAT: 'readable' }).logFormat).toBe('readable');
    expect(() => readAppConfig({ ...base, LOG_FORMAT: 'pretty' })).toThrow('LOG_FORMAT must be one of readable, json');
  });

  it('needs DATABASE_URL unless the launcher supplies the embedded one', () => {
    expect(() => readAppConfig({})).toThrow('DATABASE_URL must be set');
    expect(readAppConfig({}, { databaseUrl: 'postgresql://embedded' }).databaseUrl).toBe('postgresql://embedded');
  });
});
