// `npm run bench`: runs every benchmark in turn and prints its tables.
import { runAudiencesBench } from './audiences';

const BENCHES: [string, () => Promise<void>][] = [['audiences', runAudiencesBench]];

async function main(): Promise<void> {
  for (const [name, run] of BENCHES) {
    console.log(`\n=== ${name} ===`);
    await run();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
