// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql with the
// SQL that takes the schema of the last migration to the current prisma/schema.prisma.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diffHasChanges, diffSchemas, repoRoot, startEmbeddedPostgres } from '@lcm/database';

const SNAPSHOT = 'schema.snapshot.prisma';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    throw new Error('usage: npm run db:migration -- <name>   (lower case letters, digits and _)');
  }
  const root = repoRoot();
  const migrationsDir = path.join(root, 'prisma', 'migrations');
  const schema = path.join(root, 'prisma', 'schema.prisma');
  const snapshot = path.join(migrationsDir, SNAPSHOT);

  // The Prisma CLI wants a reachable database even for a schema-to-schema diff.
  const tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lcm-migration-'));
  fs.chmodSync(tempDir, 0o755); // the embedded server runs as the postgres user
  const server = process.env.DATABASE_URL ? null : await startEmbeddedPostgres({ dataDir: path.join(tempDir, 'pg') });
  try {
    const sql = await diffSchemas({
      from: fs.existsSync(snapshot) ? snapshot : null,
      to: schema,
      databaseUrl: process.env.DATABASE_URL ?? server!.url,
    });
    if (!diffHasChanges(sql)) {
      console.log('schema.prisma has no changes since the last migration; nothing written');
      return;
    }
    const folder = path.join(migrationsDir, `${timestamp(new Date())}_${name}`);
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, 'migration.sql'), sql);
    fs.copyFileSync(schema, snapshot);
    fs.writeFileSync(path.join(migrationsDir, 'migration_lock.toml'), 'provider = "postgresql"\n');
    console.log(`wrote ${path.relative(root, path.join(folder, 'migration.sql'))}`);
  } finally {
    await server?.stop();
    fs.rmSync(tempDir, { recursive: true, force: true });
  }
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
