import fs from 'node:fs';
import { Client } from 'pg';
import { quoteIdentifier } from '@lcm/database';

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as Record<string, unknown>;
  const template = globals.__LCM_TEST_TEMPLATE__ as { serverUrl: string; template: string } | undefined;
  const embedded = globals.__LCM_TEST_PG__ as { stop(): Promise<void>; dataDir: string } | undefined;
  if (template && !embedded) {
    // On a shared server, leave nothing behind: the template and any clone a crashed test left.
    const admin = new Client({ connectionString: template.serverUrl });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template.template, `${template.template.replace('lcm_tpl_', 'lcm_t_')}%`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
    }
    await admin.end();
  }
  if (embedded) {
    await embedded.stop();
    fs.rmSync(embedded.dataDir, { recursive: true, force: true });
  }
}
