// Prints the one line CI reads, `N passed, N failed`, summed over vitest JSON reports and
// `{ "passed": N, "failed": N }` files given as arguments. A missing report counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
for (const file of process.argv.slice(2)) {
  if (!existsSync(file)) {
    console.error(`ci-summary: ${file} is missing`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if (typeof report.numPassedTests === 'number') {
    passed += report.numPassedTests;
    failed += report.numFailedTests + (report.numFailedTestSuites ?? 0);
  } else {
    passed += report.passed ?? 0;
    failed += report.failed ?? 0;
  }
}
console.log(`${passed} passed, ${failed} failed`);
