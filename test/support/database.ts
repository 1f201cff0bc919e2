import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { quoteIdentifier, withDatabaseName } from '@lcm/database';
import { TEST_ENV } from './test-env';

export interface TestDatabase {
  /** Connection string of a fresh, migrated database of its own. */
  url: string;
  /** The server's maintenance database, for creating more databases. */
  serverUrl: string;
  pool: Pool;
  drop(): Promise<void>;
}

function templateInfo(): { serverUrl: string; template: string } {
  const serverUrl = process.env[TEST_ENV.serverUrl];
  const template = process.env[TEST_ENV.templateDatabase];
  if (!serverUrl || !template)
    throw new Error('the e2e global setup did not run (use `npm test` or `jest --selectProjects e2e`)');
  return { serverUrl, template };
}

/** A migrated database of its own for one test file, cloned from the template in milliseconds. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const { serverUrl, template } = templateInfo();
  const name = `${template.replace('lcm_tpl_', 'lcm_t_')}_${randomBytes(4).toString('hex')}`;
  await withAdmin(serverUrl, (admin) =>
    admin.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`),
  );
  const url = withDatabaseName(serverUrl, name);
  const pool = new Pool({ connectionString: url, max: 5 });
  // pool.end() resolves before its idle connections have finished closing, so the DROP … WITH (FORCE)
  // below can terminate one of them (57P01); without a listener that error would crash whichever test
  // runs next in this process. Any other error of an idle connection still fails the run.
  pool.on('error', (error) => {
    if ((error as { code?: string }).code !== '57P01') throw error;
  });
  return {
    url,
    serverUrl,
    pool,
    drop: async () => {
      await pool.end();
      await withAdmin(serverUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
      );
    },
  };
}

/** An empty database (not migrated), for tests of the migration runner itself. */
export async function createEmptyDatabase(): Promise<Omit<TestDatabase, 'pool'>> {
  const { serverUrl, template } = templateInfo();
  const name = `${template.replace('lcm_tpl_', 'lcm_t_')}_e${randomBytes(4).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  return {
    url: withDatabaseName(serverUrl, name),
    serverUrl,
    drop: () =>
      withAdmin(serverUrl, (admin) =>
        admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`),
      ).then(() => undefined),
  };
}

async function withAdmin<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  // CREATE DATABASE … TEMPLATE fails while another session is copying the same template; retry briefly.
  for (let attempt = 0; ; attempt++) {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return await work(client);
    } catch (error) {
      const busy = (error as { code?: string }).code === '55006';
      if (!busy || attempt >= 50) throw error;
    } finally {
      await client.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
  }
}

/** A LINE account row written in plain SQL, for tests of the schema below the service. */
export async function insertLineAccount(db: Pick<Client, 'query'>, id: string, name = 'OA'): Promise<void> {
  await db.query(
    `INSERT INTO line_accounts (id, name, channel_id, channel_access_token, channel_secret, plan, monthly_budget, updated_at)
     VALUES ($1, $2, $3, 'token', 'secret', 'high', 1000, now())`,
    [id, name, `channel-${id}`],
  );
}

/**
 * Whether a statement matching `query` (a regular expression over pg_stat_activity.query) waits
 * for a lock: asked every 100 ms until one does or `timeoutMs` has passed.
 */
export async function untilLockWait(db: Pick<Client, 'query'>, query: string, timeoutMs = 20_000): Promise<boolean> {
  for (let waited = 0; ; waited += 100) {
    const { rows } = await db.query<{ waiting: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ~ $1) AS waiting`,
      [query],
    );
    if (rows[0].waiting || waited >= timeoutMs) return rows[0].waiting;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
