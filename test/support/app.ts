import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { runMigrations } from '@lcm/database';
import { readAppConfig } from '../../apps/api/src/config/app-config';
import { createApp } from '../../apps/api/src/create-app';
import { UsersService } from '../../apps/api/src/users/users.service';
import { createTestDatabase, TestDatabase } from './database';

export interface TestApp {
  app: INestApplication;
  db: TestDatabase;
  adminToken: string;
  /** supertest against the running app; paths are relative to the server root. */
  http(): ReturnType<typeof request>;
  /** A user of the given role with their token. */
  createUser(role: 'admin' | 'marketer' | 'approver', email?: string): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

let counter = 0;

/**
 * The real application on a database of its own, with a bootstrapped admin. Pass `shareWith` to
 * start another instance on the same database (it keeps the first one's admin token).
 */
export async function createTestApp(env: Record<string, string> = {}, shareWith?: TestApp): Promise<TestApp> {
  const db = shareWith?.db ?? (await createTestDatabase());
  await runMigrations({ connectionString: db.url }); // a no-op on the migrated clone; proves idempotence on every run
  const config = readAppConfig({
    LOG_LEVEL: 'silent',
    LINE_SIMULATOR: 'off',
    DISPATCH_ENABLED: 'false',
    QUOTA_SYNC_INTERVAL_SECONDS: '0',
    ...env,
    DATABASE_URL: db.url,
  });
  const app = await createApp(config);
  await app.init();
  const { token } = await app.get(UsersService).bootstrapFirstAdmin(null);
  const adminToken = shareWith?.adminToken ?? token!;
  const server = app.getHttpServer();
  const testApp: TestApp = {
    app,
    db,
    adminToken,
    http: () => request(server),
    createUser: async (role, email) => {
      const response = await request(server)
        .post('/api/v1/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ email: email ?? `${role}-${++counter}-${Date.now()}@example.com`, name: `Test ${role}`, role })
        .expect(201);
      return { id: response.body.user.id, token: response.body.token };
    },
    close: async () => {
      await app.close();
      if (!shareWith) await db.drop();
    },
  };
  return testApp;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
