// `npm run mutation [-- <options>]`: Stryker on Node 22 (it needs >= 22; the project runs on 20),
// once per folder of test/mutation/folders.mjs with that folder's tests, then the score of every
// file and folder, each folder checked against its own `break`, and the run times. Reports:
// reports/mutation/<slug>/. `--folder <slug>` (repeatable) runs only those folders; every other
// option goes to Stryker. Examples: `npm run mutation -- --incremental`,
// `npm run mutation -- --folder delivery --concurrency 2`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { FOLDERS } from '../test/mutation/folders.mjs';

const NODE = 'node@22.23.3';
const report = (folder) => `reports/mutation/${folder.slug}/mutation.json`;
const duration = (ms) => {
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
};

const chosen = [];
const strykerArgs = [];
for (let index = 2; index < process.argv.length; index++) {
  const arg = process.argv[index];
  if (arg === '--folder') chosen.push(process.argv[++index]);
  else if (arg.startsWith('--folder=')) chosen.push(arg.slice('--folder='.length));
  else strykerArgs.push(arg);
}
const unknown = chosen.filter((slug) => !FOLDERS.some((folder) => folder.slug === slug));
if (unknown.length > 0) {
  console.error(
    `mutation: no folder ${unknown.join(', ')} (${FOLDERS.map((f) => f.slug).join(', ')})`,
  );
  process.exit(1);
}
const folders = FOLDERS.filter((folder) => chosen.length === 0 || chosen.includes(folder.slug));

const started = Date.now();
const times = new Map();
for (const folder of folders) {
  console.log(`\nmutation: ${folder.name}`);
  const folderStarted = Date.now();
  rmSync(report(folder), { force: true });
  const stryker = spawnSync(
    'npx',
    ['-y', NODE, 'node_modules/@stryker-mutator/core/bin/stryker.js', 'run', ...strykerArgs],
    { stdio: 'inherit', env: { ...process.env, MUTATION_FOLDER: folder.slug } },
  );
  times.set(folder, Date.now() - folderStarted);
  if (stryker.status !== 0) {
    console.error(
      `mutation: Stryker failed on ${folder.name} (exit ${stryker.status ?? stryker.signal}) after ${duration(Date.now() - started)}`,
    );
    process.exit(1);
  }
}
const time = duration(Date.now() - started);

if (folders.every((folder) => !existsSync(report(folder)))) {
  console.log(`mutation: no report (a dry run?) after ${time}`);
  process.exit(0);
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

const failures = [];
const all = [];
console.log(`\n${'file'.padEnd(36)} ${'score'.padStart(7)}  killed survived no-coverage ignored`);
for (const folder of folders) {
  if (!existsSync(report(folder))) {
    console.log(`${folder.name}: no report`);
    continue;
  }
  const files = JSON.parse(readFileSync(report(folder), 'utf8')).files;
  const mine = Object.keys(files)
    .filter((file) => prefixes(folder).some((prefix) => file.startsWith(prefix)))
    .sort();
  const mutants = [];
  for (const file of mine) {
    mutants.push(...files[file].mutants);
    console.log(row(`  ${file}`, count(files[file].mutants)));
  }
  all.push(...mutants);
  const total = count(mutants);
  console.log(
    `${row(folder.name, total)}  (break ${folder.break}%; ${duration(times.get(folder))})`,
  );
  if (total.score < folder.break) {
    failures.push(
      `${folder.name} scored ${total.score.toFixed(2)}%, below its break ${folder.break}%`,
    );
  }
}
console.log(row('total', count(all)));
console.log(`\nmutation: ${time} (reports/mutation/<folder>/index.html)`);
for (const failure of failures) console.error(`mutation: ${failure}`);
process.exit(failures.length === 0 ? 0 : 1);
