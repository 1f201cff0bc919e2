import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { runMigrations } from '@lcm/database';
import { readAppConfig } from '../../apps/api/src/config/app-config';
import { createApp } from '../../apps/api/src/create-app';
import { UsersService } from '../../apps/api/src/users/users.service';
import { createTestDatabase, TestDatabase } from './database';
import { leakedSecrets, LogCapture } from './log-capture';
import type { Clock } from '../../apps/api/src/common/clock';

export interface TestApp {
  app: INestApplication;
  db: TestDatabase;
  adminToken: string;
  /** supertest against the running app; paths are relative to the server root. */
  http(): ReturnType<typeof request>;
  /** Every log line the app wrote (at LOG_LEVEL, default `LCM_TEST_LOG_LEVEL` or info). */
  logs: LogCapture;
  /** A secret the test used that isn't a user's token or a LINE account's current credential; close() searches the logs for it too. */
  rememberSecret(label: string, value: string): void;
  /** A user of the given role with their token. */
  createUser(role: 'admin' | 'marketer' | 'approver', email?: string): Promise<{ id: string; token: string }>;
  /** Stops the app, then fails if any token or channel secret the test used reached the log. */
  close(): Promise<void>;
}

let counter = 0;

/**
 * The real application on a database of its own, with a bootstrapped admin. Pass `shareWith` to
 * start another instance on the same database (it keeps the first one's admin token). Pass
 * `options.clock` (a TestClock) to move the app's time.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  shareWith?: TestApp,
  options: { clock?: Clock } = {},
): Promise<TestApp> {
  const db = shareWith?.db ?? (await createTestDatabase());
  await runMigrations({ connectionString: db.url }); // a no-op on the migrated clone; proves idempotence on every run
  const config = readAppConfig({
    LOG_LEVEL: process.env.LCM_TEST_LOG_LEVEL ?? 'info',
    LINE_SIMULATOR: 'off',
    DISPATCH_ENABLED: 'false',
    QUOTA_SYNC_INTERVAL_SECONDS: '0',
    RESULTS_SYNC_INTERVAL_SECONDS: '0',
    ...env,
    DATABASE_URL: db.url,
  });
  const logs = new LogCapture();
  const secrets = new Map<string, string>();
  const app = await createApp(config, logs, options.clock);
  await app.init();
  const { token } = await app.get(UsersService).bootstrapFirstAdmin(null);
  const adminToken = shareWith?.adminToken ?? token!;
  secrets.set('the admin token', adminToken);
  const server = app.getHttpServer();
  const testApp: TestApp = {
    app,
    db,
    adminToken,
    logs,
    rememberSecret: (label, value) => secrets.set(label, value),
    http: () => request(server),
    createUser: async (role, email) => {
      const response = await request(server)
        .post('/api/v1/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ email: email ?? `${role}-${++counter}-${Date.now()}@example.com`, name: `Test ${role}`, role })
        .expect(201);
      secrets.set(`the ${role} token of ${response.body.user.email}`, response.body.token);
      return { id: response.body.user.id, token: response.body.token };
    },
    close: async () => {
      await app.close();
      const { rows } = await db.pool.query<{ name: string; token: string; secret: string }>(
        'SELECT name, channel_access_token AS token, channel_secret AS secret FROM line_accounts',
      );
      for (const row of rows) {
        secrets.set(`the channel access token of ${row.name}`, row.token);
        secrets.set(`the channel secret of ${row.name}`, row.secret);
      }
      if (!shareWith) await db.drop();
      const leaked = leakedSecrets(logs, secrets);
      if (leaked.length) throw new Error(`secrets reached the log: ${leaked.join('; ')}`);
    },
  };
  return testApp;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
