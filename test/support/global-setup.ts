// Starts the PostgreSQL the end-to-end tests use (embedded unless DATABASE_URL is set) and migrates
// a template database that every test file clones (see database.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { execFileSync } from 'node:child_process';
import { quoteIdentifier, repoRoot, runMigrations, startEmbeddedPostgres, withDatabaseName } from '@lcm/database';
import { TEST_ENV } from './test-env';

export default async function globalSetup(): Promise<void> {
  // Tests that run the service as a real process (start, crash recovery) use the compiled code.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot(), stdio: 'ignore' });

  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-test-pg-'));
    fs.chmodSync(dataDir, 0o755); // the embedded server runs as the postgres user
    const server = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'data') });
    serverUrl = server.url;
    (globalThis as Record<string, unknown>).__LCM_TEST_PG__ = { stop: server.stop, dataDir };
  }
  const template = `lcm_tpl_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${quoteIdentifier(template)}`);
  await admin.end();
  await runMigrations({ connectionString: withDatabaseName(serverUrl, template) });

  // Workers are started after this and inherit the environment.
  process.env[TEST_ENV.serverUrl] = serverUrl;
  process.env[TEST_ENV.templateDatabase] = template;
  (globalThis as Record<string, unknown>).__LCM_TEST_TEMPLATE__ = { serverUrl, template };
}
