/** `npm run soak`: the full fault soak (50,000 messages); prints the figures docs/reliability.md quotes. */
import { runSoak } from '../test/soak/soak';

const report = await runSoak({
  messages: 50_000,
  messageSeed: 20261129,
  faultSeed: 7,
  timeout: 150,
});
console.log(JSON.stringify(report, null, 2));
const ok =
  report.unexplainedFailures.length === 0 &&
  report.poisonFailedAlone &&
  report.missing === 0 &&
  report.orderViolations.length === 0 &&
  report.usersDiffering.length === 0 &&
  report.delivered + report.failed + report.dropped === report.sent;
console.log(ok ? 'soak passed' : 'soak FAILED');
if (!ok) process.exitCode = 1;
