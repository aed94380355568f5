// `npm run mutation [-- <stryker options>]`: Stryker on Node 22 (it needs >= 22; the project runs
// on 20) over the folders of test/mutation/folders.mjs, then the score of every file and folder,
// each folder checked against its own `break`, and the run time. Reports: reports/mutation/.
// Examples: `npm run mutation -- --incremental`, `npm run mutation -- --concurrency 2`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { FOLDERS } from '../test/mutation/folders.mjs';

const NODE = 'node@22.23.3';
const REPORT = 'reports/mutation/mutation.json';

const started = Date.now();
rmSync(REPORT, { force: true });
const stryker = spawnSync(
  'npx',
  [
    '-y',
    NODE,
    'node_modules/@stryker-mutator/core/bin/stryker.js',
    'run',
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
const seconds = Math.round((Date.now() - started) / 1000);
const time = `${Math.floor(seconds / 60)} min ${seconds % 60} s`;

if (stryker.status === 0 && !existsSync(REPORT)) {
  console.log(`mutation: no report (a dry run?) after ${time}`);
  process.exit(0);
}
if (stryker.status !== 0) {
  console.error(
    `mutation: Stryker failed (exit ${stryker.status ?? stryker.signal}) after ${time}`,
  );
  process.exit(1);
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);
const count = (mutants) => {
  const detected = mutants.filter((mutant) => DETECTED.has(mutant.status)).length;
  const undetected = mutants.filter((mutant) => UNDETECTED.has(mutant.status)).length;
  const valid = detected + undetected;
  return {
    detected,
    survived: mutants.filter((mutant) => mutant.status === 'Survived').length,
    noCoverage: mutants.filter((mutant) => mutant.status === 'NoCoverage').length,
    ignored: mutants.filter((mutant) => mutant.status === 'Ignored').length,
    score: valid === 0 ? 100 : (100 * detected) / valid,
  };
};
const row = (name, c) =>
  `${name.padEnd(36)} ${c.score.toFixed(2).padStart(6)}%  ${String(c.detected).padStart(5)} ${String(c.survived).padStart(8)} ${String(c.noCoverage).padStart(11)} ${String(c.ignored).padStart(7)}`;

// A file belongs to a folder when it starts with the fixed part of one of its `mutate` globs.
const prefixes = (folder) =>
  folder.mutate.filter((glob) => !glob.startsWith('!')).map((glob) => glob.split('*')[0]);

const files = JSON.parse(readFileSync(REPORT, 'utf8')).files;
const failures = [];
const all = [];
console.log(`\n${'file'.padEnd(36)} ${'score'.padStart(7)}  killed survived no-coverage ignored`);
for (const folder of FOLDERS) {
  const mine = Object.keys(files)
    .filter((file) => prefixes(folder).some((prefix) => file.startsWith(prefix)))
    .sort();
  if (mine.length === 0) {
    console.log(`${folder.name}: not in this run`);
    continue;
  }
  const mutants = [];
  for (const file of mine) {
    mutants.push(...files[file].mutants);
    console.log(row(`  ${file}`, count(files[file].mutants)));
  }
  all.push(...mutants);
  const total = count(mutants);
  console.log(`${row(folder.name, total)}  (break ${folder.break}%)`);
  if (total.score < folder.break) {
    failures.push(
      `${folder.name} scored ${total.score.toFixed(2)}%, below its break ${folder.break}%`,
    );
  }
}
console.log(row('total', count(all)));
console.log(`\nmutation: ${time} (reports/mutation/index.html)`);
for (const failure of failures) console.error(`mutation: ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
