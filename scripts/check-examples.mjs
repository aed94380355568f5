// Every public function and class a user calls has an @example in its TSDoc (the API docs are
// generated from them). Error subclasses are caught, not called: their one-line doc is enough.
// Reads TypeDoc's JSON; prints what lacks one and fails.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

execFileSync('npx', ['typedoc', '--json', 'reports/api.json', '--out', 'reports/api-html'], {
  stdio: 'inherit',
});
const api = JSON.parse(readFileSync('reports/api.json', 'utf8'));
const hasExample = (comment) => (comment?.blockTags ?? []).some((tag) => tag.tag === '@example');
const missing = [];
const isErrorSubclass = (node) =>
  (node.extendedTypes ?? []).some((type) => /Error$/.test(type.name ?? ''));
(function walk(node, path) {
  for (const child of node.children ?? []) {
    const name = path ? `${path}/${child.name}` : child.name;
    if (
      child.kind === 64 &&
      !hasExample(child.comment) &&
      !(child.signatures ?? []).some((s) => hasExample(s.comment))
    ) {
      missing.push(`function ${name}`);
    } else if (child.kind === 128 && !hasExample(child.comment) && !isErrorSubclass(child)) {
      missing.push(`class ${name}`);
    } else if (child.kind === 1 || child.kind === 2) walk(child, name);
  }
})(api, '');
if (missing.length > 0) {
  console.error(`These public exports have no @example:\n  ${missing.join('\n  ')}`);
  process.exit(1);
}
console.log('every public function and class has an @example');
