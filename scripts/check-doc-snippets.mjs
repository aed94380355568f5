// Every TypeScript block in the README and the guides is a region of a type-checked file under
// examples/guides/, named by the marker line above it:
//   <!-- snippet: examples/guides/testing.ts#faults -->
// Fails when a block has no marker or differs from its region; `--write` copies the regions in.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const write = process.argv.includes('--write');
// docs/mapping.md is written from tested examples by scripts/mapping-doc.ts, which checks it.
const guides = [
  'README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md') && f !== 'mapping.md')
    .map((f) => `docs/${f}`),
];
const MARKER = /^<!-- snippet: (\S+)#(\S+) -->$/;
const problems = [];
let blocks = 0;

function region(file, name) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const start = lines.findIndex((line) => line.trim() === `// #region ${name}`);
  const end = lines.findIndex((line, i) => i > start && line.trim() === '// #endregion');
  if (start < 0 || end < 0) throw new Error(`${file} has no region ${name}`);
  // Without the blank lines the formatter may leave around a region's markers.
  return lines
    .slice(start + 1, end)
    .join('\n')
    .replace(/^\n+|\n+$/g, '');
}

for (const guide of guides) {
  const lines = readFileSync(guide, 'utf8').split('\n');
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript|js|javascript)\s*$/.test(lines[i])) continue;
    const end = lines.findIndex((line, j) => j > i && line === '```');
    const marker = MARKER.exec(lines[i - 1] ?? '') ?? MARKER.exec(lines[i - 2] ?? '');
    blocks++;
    if (!marker) {
      problems.push(
        `${guide}:${i + 1}: a code block without a <!-- snippet: file#region --> marker`,
      );
      i = end;
      continue;
    }
    let expected;
    try {
      expected = region(marker[1], marker[2]);
    } catch (error) {
      problems.push(`${guide}:${i}: ${error.message}`);
      i = end;
      continue;
    }
    const actual = lines.slice(i + 1, end).join('\n');
    if (actual !== expected) {
      if (write) {
        lines.splice(i + 1, end - i - 1, ...expected.split('\n'));
        changed = true;
      } else {
        problems.push(
          `${guide}:${i + 1}: differs from ${marker[1]}#${marker[2]} (npm run docs:snippets)`,
        );
      }
    }
    i = lines.findIndex((line, j) => j > i && line === '```');
  }
  if (changed) writeFileSync(guide, lines.join('\n'));
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`doc snippets: ${blocks} blocks, each the region of a type-checked example`);
