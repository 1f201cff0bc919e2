import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { MigrationError, readMigrations, runMigrations } from '@lcm/database';
import { createEmptyDatabase } from './support/database';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

describe('migration runner', () => {
  const migrations = readMigrations();

  it('applies every migration once and is a no-op the second time', async () => {
    const db = await createEmptyDatabase();
    try {
      const first = await runMigrations({ connectionString: db.url });
      expect(first.applied).toEqual(migrations.map((m) => m.name));
      const second = await runMigrations({ connectionString: db.url });
      expect(second.applied).toEqual([]);
      expect(second.alreadyApplied).toEqual(migrations.map((m) => m.name));
      const rows = await query<{
        migration_name: string;
        checksum: string;
        finished_at: Date;
        applied_steps_count: number;
      }>(
        db.url,
        'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(migrations.map((m) => [m.name, m.checksum]));
      expect(rows.every((r) => r.finished_at instanceof Date && r.applied_steps_count === 1)).toBe(true);
    } finally {
      await db.drop();
    }
  });

  it('applies each migration exactly once when two runners start together', async () => {
    const db = await createEmptyDatabase();
    try {
      const results = await Promise.all([
        runMigrations({ connectionString: db.url }),
        runMigrations({ connectionString: db.url }),
      ]);
      const appliedBoth = [...results[0].applied, ...results[1].applied].sort();
      expect(appliedBoth).toEqual(migrations.map((m) => m.name));
      const rows = await query<{ n: string }>(db.url, 'SELECT count(*) AS n FROM _prisma_migrations');
      expect(Number(rows[0].n)).toBe(migrations.length);
    } finally {
      await db.drop();
    }
  });

  it('rolls a failing migration back whole and names the file and the cause', async () => {
    const db = await createEmptyDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-broken-migrations-'));
    try {
      const broken = '99990101000000_broken';
      fs.mkdirSync(path.join(dir, broken));
      fs.writeFileSync(
        path.join(dir, broken, 'migration.sql'),
        'CREATE TABLE half_done (id int);\nINSERT INTO half_done VALUES (1);\nSELECT * FROM no_such_table;\n',
      );
      const error = await runMigrations({ connectionString: db.url, migrationsDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).migration).toBe(broken);
      expect((error as Error).message).toContain(broken);
      expect((error as Error).message).toContain('no_such_table');
      const tables = await query<{ n: string }>(
        db.url,
        "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'half_done'",
      );
      expect(Number(tables[0].n)).toBe(0);
      const recorded = await query<{ n: string }>(
        db.url,
        `SELECT count(*) AS n FROM _prisma_migrations WHERE migration_name = '${broken}'`,
      );
      expect(Number(recorded[0].n)).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('refuses to run when an applied migration file was edited afterwards', async () => {
    const db = await createEmptyDatabase();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-edited-migrations-'));
    try {
      fs.mkdirSync(path.join(dir, '00000000000001_first'));
      fs.writeFileSync(path.join(dir, '00000000000001_first', 'migration.sql'), 'CREATE TABLE first (id int);');
      await runMigrations({ connectionString: db.url, migrationsDir: dir });
      fs.writeFileSync(path.join(dir, '00000000000001_first', 'migration.sql'), 'CREATE TABLE first (id bigint);');
      await expect(runMigrations({ connectionString: db.url, migrationsDir: dir })).rejects.toThrow(
        /00000000000001_first.*changed after it was applied/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
