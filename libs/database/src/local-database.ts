import path from 'node:path';
import { Client } from 'pg';
import { quoteIdentifier, withDatabaseName } from './database-url';
import { startEmbeddedPostgres } from './embedded-postgres';
import { repoRoot } from './repo-root';

export interface LocalDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The application's database on the embedded server. */
export const EMBEDDED_DATABASE_NAME = 'lcm';

/**
 * `DATABASE_URL` when it is set; otherwise the embedded PostgreSQL whose data lives under
 * `<dataDir>/postgres`, with the application's database created on first use.
 */
export async function openLocalDatabase(
  options: { dataDir?: string; log?: (line: string) => void; signals?: 'package' | 'caller' } = {},
): Promise<LocalDatabase> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, embedded: false, stop: async () => undefined };
  }
  const dataDir = options.dataDir ?? process.env.DATA_DIR ?? path.join(repoRoot(), '.data');
  const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'postgres'), signals: options.signals });
  await ensureDatabase(server.url, EMBEDDED_DATABASE_NAME);
  options.log?.(`embedded PostgreSQL on 127.0.0.1:${server.port} (data in ${path.join(dataDir, 'postgres')})`);
  return { url: withDatabaseName(server.url, EMBEDDED_DATABASE_NAME), embedded: true, stop: () => server.stop() };
}

export async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
