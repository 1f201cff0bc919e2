import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './repo-root';

const run = promisify(execFile);

/**
 * The SQL that takes a database from one Prisma schema (or from empty) to another, printed by
 * `prisma migrate diff`. The CLI needs a reachable database for its driver adapter even though it
 * reads nothing from it, hence `databaseUrl`.
 */
export async function diffSchemas(options: { from: string | null; to: string; databaseUrl: string }): Promise<string> {
  const root = repoRoot();
  const from = options.from ? ['--from-schema-datamodel', options.from] : ['--from-empty'];
  const { stdout } = await run(
    path.join(root, 'node_modules', '.bin', 'prisma'),
    ['migrate', 'diff', ...from, '--to-schema-datamodel', options.to, '--script'],
    {
      cwd: root,
      env: { ...process.env, DATABASE_URL: options.databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return stdout;
}

/** True when a diff holds statements (Prisma prints a comment only when nothing changed). */
export function diffHasChanges(sql: string): boolean {
  return sql
    .split('\n')
    .map((line) => line.trim())
    .some((line) => line !== '' && !line.startsWith('--'));
}
