import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Checkpoint } from '../../src/node/import/checkpoint';
import { runImport, WINDOW } from '../../src/node/import/import';
import { RateLimiter } from '../../src/node/import/rate-limit';
import { createConnectEmulator } from '../../src/testing/index';
import { generateRows, KEY, scratch, writeNdjson } from './support';

describe('import limits', () => {
  it('--rate spaces requests out, and --concurrency bounds those in flight', async () => {
    const emulator = createConnectEmulator({ apiKeys: [KEY] });
    // Answers take 120 ms: at 50 ms apart, three would overlap but for --concurrency 2.
    emulator.faults.delay(120);
    const dir = scratch();
    const generated = generateRows(1_500, 1_500);
    const input = writeNdjson(join(dir, 'rows.ndjson'), generated.lines);
    let inFlight = 0;
    let most = 0;
    const times: number[] = [];
    const fetch = async (url: string, init: RequestInit) => {
      times.push(performance.now());
      most = Math.max(most, ++inFlight);
      try {
        return await emulator.fetch(url, init);
      } finally {
        inFlight--;
      }
    };
    const summary = await runImport({
      files: [input],
      apiKey: KEY,
      fetch,
      rate: 20,
      concurrency: 2,
      progress: 'none',
    });
    expect(summary.status).toBe('complete');
    expect(times).toHaveLength(emulator.calls.length);
    expect(times.length).toBeGreaterThan(10);
    for (let i = 1; i < times.length; i++) {
      // 20 a second: 50 ms apart (timers may fire a few ms early).
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(45);
    }
    expect(most).toBe(2);
  }, 30_000);

  it('reads no further than WINDOW rows past the oldest row that is not done', async () => {
    const emulator = createConnectEmulator({ apiKeys: [KEY] });
    const dir = scratch();
    const generated = generateRows(WINDOW + 5_000, 3_000);
    const input = writeNdjson(join(dir, 'rows.ndjson'), generated.lines);
    // The request that carries the first row waits for Connect's answer until released: that
    // row holds the window, while every other user's rows go on.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const rowsSent = new Set<number>();
    const fetch = async (url: string, init: RequestInit) => {
      const rows = [JSON.parse(String(init.body))]
        .flat()
        .map((item) => Number(item.attributes?.row ?? item.properties?.row));
      for (const row of rows) rowsSent.add(row);
      if (rows.includes(0)) await held;
      return emulator.fetch(url, init);
    };
    const done = runImport({ files: [input], apiKey: KEY, fetch, progress: 'none' });
    // However slow the machine: wait until most of the window went, then give the reader time
    // to run past it if it would.
    await expect.poll(() => rowsSent.size, { timeout: 30_000 }).toBeGreaterThan(WINDOW / 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(rowsSent.has(0)).toBe(true);
    expect(Math.max(...rowsSent)).toBeLessThan(WINDOW);
    release();
    expect((await done).status).toBe('complete');
    expect(Math.max(...rowsSent)).toBeGreaterThanOrEqual(WINDOW);
  }, 60_000);

  it('RateLimiter: one start per 1/rate, cancelled by the signal', async () => {
    const now = 0;
    const limiter = new RateLimiter(4, () => now);
    const started: number[] = [];
    const waits = [0, 1, 2].map((i) => limiter.wait().then(() => started.push(i)));
    await waits[0];
    expect(started).toEqual([0]);
    const aborted = new AbortController();
    const cancelled = limiter.wait(aborted.signal);
    aborted.abort(new Error('stop'));
    await expect(cancelled).rejects.toThrow('stop');
    await Promise.all(waits);
    expect(started).toEqual([0, 1, 2]);
  });

  it('a torn checkpoint write leaves the other file, the last whole checkpoint, in force', async () => {
    const path = join(scratch(), 'checkpoint');
    const identity = { inputs: [], options: {} };
    const sink = { flush: () => 0, sync: async () => 0 };
    const checkpoint = Checkpoint.load(path, identity, 10, sink);
    checkpoint.settle(0, 'accepted');
    await checkpoint.commit(); // sequence 1: checkpoint.b
    checkpoint.settle(1, 'accepted');
    await checkpoint.commit(); // sequence 2: checkpoint
    expect(Checkpoint.read(path)).toMatchObject({ sequence: 2, low: 2 });
    // A crash in the middle of the next write (to checkpoint.b) leaves half of it.
    checkpoint.settle(2, 'accepted');
    await checkpoint.commit();
    const text = readFileSync(`${path}.b`, 'utf8');
    writeFileSync(`${path}.b`, text.slice(0, text.length / 2));
    expect(Checkpoint.read(path)).toMatchObject({ sequence: 2, low: 2 });
    expect(Checkpoint.load(path, identity, 10, sink).low).toBe(2);
  });

  it('a checkpoint that is not one is refused with one clear line', () => {
    const path = join(scratch(), 'checkpoint');
    writeFileSync(path, '{"version":1,"identity":');
    const sink = { flush: () => 0, sync: async () => 0 };
    expect(() => Checkpoint.load(path, { inputs: [], options: {} }, 10, sink)).toThrow(
      `${path} is not a checkpoint of this version; remove it or pass --restart`,
    );
  });
});
