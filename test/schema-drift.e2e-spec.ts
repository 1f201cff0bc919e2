import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { diffSchemas, repoRoot, runMigrations } from '@lcm/database';
import { createEmptyDatabase } from './support/database';

/** A comparable description of a database's schema: columns, enums, indexes and constraints. */
async function describeSchema(url: string): Promise<string[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const facts = await client.query<{ fact: string }>(`
      SELECT format('column %s.%s %s null=%s default=%s', c.table_name, c.column_name,
                    format_type(a.atttypid, a.atttypmod), c.is_nullable, coalesce(c.column_default, '-')) AS fact
        FROM information_schema.columns c
        JOIN pg_attribute a ON a.attrelid = format('public.%I', c.table_name)::regclass AND a.attname = c.column_name
       WHERE c.table_schema = 'public' AND c.table_name <> '_prisma_migrations'
      UNION ALL
      SELECT format('enum %s %s', t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder))
        FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
      UNION ALL
      SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
      UNION ALL
      SELECT format('constraint %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
        FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid <> 'public._prisma_migrations'::regclass
    `);
    return facts.rows.map((row) => row.fact).sort();
  } finally {
    await client.end();
  }
}

async function applySql(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
    await client.query('CREATE TABLE IF NOT EXISTS _prisma_migrations (id text)'); // so both sides have it
  } finally {
    await client.end();
  }
}

describe('prisma/schema.prisma and prisma/migrations', () => {
  const schemaPath = path.join(repoRoot(), 'prisma', 'schema.prisma');

  async function schemaOfMigrations(): Promise<{ facts: string[]; drop(): Promise<unknown> }> {
    const db = await createEmptyDatabase();
    await runMigrations({ connectionString: db.url });
    return { facts: await describeSchema(db.url), drop: db.drop };
  }

  async function schemaOf(prismaSchema: string): Promise<string[]> {
    const db = await createEmptyDatabase();
    try {
      await applySql(db.url, await diffSchemas({ from: null, to: prismaSchema, databaseUrl: db.url }));
      return await describeSchema(db.url);
    } finally {
      await db.drop();
    }
  }

  it('describe the same database (run `npm run db:migration -- <name>` when this fails)', async () => {
    const migrated = await schemaOfMigrations();
    try {
      expect(migrated.facts.length).toBeGreaterThan(20);
      expect(await schemaOf(schemaPath)).toEqual(migrated.facts);
    } finally {
      await migrated.drop();
    }
  });

  it('this check notices a schema.prisma that moved on without a migration', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-drift-'));
    const drifted = path.join(dir, 'schema.prisma');
    const original = fs.readFileSync(schemaPath, 'utf8');
    const withExtraColumn = original
      .replace(/(model User \{\n)/, '$1  nickname String?\n')
      .replace(/output\s*=\s*"[^"]*"/, `output = "${dir}/client"`);
    fs.writeFileSync(drifted, withExtraColumn);
    const migrated = await schemaOfMigrations();
    try {
      const facts = await schemaOf(drifted);
      expect(facts).not.toEqual(migrated.facts);
      expect(facts.filter((fact) => !migrated.facts.includes(fact))).toEqual([
        expect.stringContaining('column users.nickname text'),
      ]);
    } finally {
      await migrated.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
