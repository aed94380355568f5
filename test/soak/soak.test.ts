import { describe, expect, it } from 'vitest';
import { runSoak } from './soak';

describe('fault soak (bounded; `npm run soak` runs 50,000)', () => {
  it('settles every message once; the server holds every delivered one, each user in call order', async () => {
    const report = await runSoak({
      messages: 5_000,
      messageSeed: 20261129,
      faultSeed: 7,
      timeout: 150,
    });
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
    expect(report.orderViolations).toStrictEqual([]);
    expect(report.usersDiffering).toStrictEqual([]);
    expect(report.closeMs).toBeLessThan(2_100);
    expect(Object.values(report.faults).every((count) => count > 0)).toBe(true);
    expect(Object.values(report.byType).every((count) => count > 100)).toBe(true);
    // 5,000 messages held at once cost a few MB; the bound catches a leak of every message.
    expect(report.peakHeapMb).toBeLessThan(400);
  }, 120_000);
});
