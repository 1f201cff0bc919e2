// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database.

import { openLocalDatabase, runMigrations } from '@lcm/database';

async function main(): Promise<void> {
  const database = await openLocalDatabase({ log: console.log });
  try {
    const result = await runMigrations({ connectionString: database.url, log: console.log });
    console.log(`${result.applied.length} applied, ${result.alreadyApplied.length} already applied`);
  } finally {
    await database.stop();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
