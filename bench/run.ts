// `npm run bench`: runs every benchmark in turn and prints its tables.
import { runApiBench } from './api';
import { runAudiencesBench } from './audiences';
import { runContactsImportBench } from './contacts-import';
import { runDispatchBench } from './dispatch';
import { runFrequencyCapBench } from './frequency-cap';

const BENCHES: [string, () => Promise<void>][] = [
  ['audiences', runAudiencesBench],
  ['dispatch', runDispatchBench],
  ['frequency-cap', runFrequencyCapBench],
  ['api', runApiBench],
  ['contacts-import', runContactsImportBench],
];

/**
 * `npm run bench -- dispatch` runs only the named benchmarks; `--key=value` arguments are options a
 * benchmark reads (`npm run bench -- frequency-cap --contacts=100000`).
 */
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

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
