// `npm run bench`: runs every benchmark in turn and prints its tables.
import { runApiBench } from './api';
import { runAudiencesBench } from './audiences';
import { runDispatchBench } from './dispatch';

const BENCHES: [string, () => Promise<void>][] = [
  ['audiences', runAudiencesBench],
  ['dispatch', runDispatchBench],
  ['api', runApiBench],
];

/** `npm run bench -- dispatch` runs only the named benchmarks. */
const only = process.argv.slice(2);

async function main(): Promise<void> {
  for (const [name, run] of BENCHES.filter(([name]) => !only.length || only.includes(name))) {
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
