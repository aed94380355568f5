import { describe, expect, it } from 'vitest';
import { runSoak } from './soak';

describe('fault soak (bounded; `npm run soak` runs 50,000)', () => {
  it('settles every message exactly once, poison alone fails, duplicates only after timeouts', async () => {
    const report = await runSoak({ messages: 5_000, seed: 20261129, timeout: 150 });
    expect(report.unexplainedFailures).toStrictEqual([]);
    expect(report.delivered + report.failed + report.dropped).toBe(report.sent);
    expect(report.closeReport).toStrictEqual({
      delivered: report.delivered,
      failed: report.failed,
      dropped: 0,
    });
    expect(report.poison).toBe(5);
    expect(report.poisonFailedAlone).toBe(true);
    expect(report.missing).toBe(0);
    expect(report.unexplainedDuplicates).toBe(0);
    expect(report.closeMs).toBeLessThan(2_100);
    expect(Object.values(report.faults).every((count) => count > 0)).toBe(true);
  }, 120_000);
});
