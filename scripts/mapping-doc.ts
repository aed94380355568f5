/**
 * Writes docs/mapping.md from the examples in test/mappers/mapping-examples.ts (which the tests
 * run through the mappers), or with `--check` fails when the page differs from what it would write.
 * `npm run docs` checks; `npm run docs:mapping` writes.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { MAPPING_SECTIONS, type MappingExample } from '../test/mappers/mapping-examples';

const TARGET = new URL('../docs/mapping.md', import.meta.url);

/** A value as the caller would write it in JavaScript. */
function js(value: unknown): string {
  if (value instanceof Date) return `new Date('${value.toISOString()}')`;
  if (value instanceof Uint8Array) return `new Uint8Array([${[...value].join(', ')}])`;
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'string') return `'${value.replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(js).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([key, item]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : `'${key}'`}: ${js(item)}`,
    );
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return String(value);
}

function example({ rule, call, input, options, expected }: MappingExample): string {
  const withOptions = options ? ` // options: ${js(options)}` : '';
  const result =
    'error' in expected
      ? `// throws ValidationError naming \`${expected.error}\``
      : `// → ${JSON.stringify(expected.body)}${expected.warnings ? `\n// warnings: ${expected.warnings.join(', ')}` : ''}`;
  return `**${rule[0]?.toUpperCase()}${rule.slice(1)}.**\n\n\`\`\`js\n${call}(${js(input)});${withOptions}\n${result}\n\`\`\``;
}

export function mappingPage(): string {
  const sections = MAPPING_SECTIONS.map(
    (section) =>
      `## ${section.title}\n\n${section.intro}\n\n${section.examples.map(example).join('\n\n')}`,
  );
  return `# Mapping: what Connect receives for each call

<!-- Written by scripts/mapping-doc.ts from test/mappers/mapping-examples.ts, whose examples the
tests run through the mappers: edit the examples, then \`npm run docs:mapping\`. -->

Each example is a call as your code makes it and the JSON body Connect receives, with the
warnings the call reports (through its promise's \`warnings\`, the \`warning\` event and your
logger). Warnings never stop a call; a \`ValidationError\` does, at the call, naming the field.
The mappers are pure functions (\`mapIdentify\`, \`mapTrack\`, \`mapAlias\`, \`mapGroup\`,
\`mapRegisterPushToken\`, \`mapDisablePushToken\`, \`mapSubscription\`) if you want to see a body
without sending it; tracks without a timestamp here are stamped at 2026-11-29 12:00 UTC.

${sections.join('\n\n')}
`;
}

/** The page as the repository's formatter leaves it (it formats the code blocks too). */
function formatted(page: string): string {
  const biome = new URL('../node_modules/.bin/biome', import.meta.url).pathname;
  return execFileSync(biome, ['format', '--stdin-file-path=docs/mapping.md'], {
    input: page,
    encoding: 'utf8',
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const page = formatted(mappingPage());
  if (process.argv.includes('--check')) {
    if (readFileSync(TARGET, 'utf8') !== page) {
      console.error('docs/mapping.md is out of date: run npm run docs:mapping');
      process.exit(1);
    }
    console.log('docs/mapping.md matches the mapping examples');
  } else {
    writeFileSync(TARGET, page);
    console.log('wrote docs/mapping.md');
  }
}
