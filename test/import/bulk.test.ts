import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectEmulatorServer, startConnectEmulatorServer } from '../../src/node/testing';
import { createConnectEmulator } from '../../src/testing/index';
import {
  appliedRowsByUser,
  expectedRowsByUser,
  generateRows,
  KEY,
  rowOf,
  runCli,
  scratch,
  writeNdjson,
} from './support';

const ROWS = 100_000;

describe('zendesk-connect import: 100,000 rows into the loopback emulator', () => {
  let server: ConnectEmulatorServer;
  beforeAll(async () => {
    server = await startConnectEmulatorServer({
      emulator: createConnectEmulator({ apiKeys: [KEY] }),
    });
  });
  afterAll(() => server.close());

  it('delivers exactly the valid rows, each user in file order, with the data’s timestamps', async () => {
    const generated = generateRows(ROWS);
    const dir = scratch();
    // Two files, the second gzipped, as a Segment archive comes.
    const first = writeNdjson(join(dir, 'part-1.ndjson'), generated.lines.slice(0, 60_000));
    const second = writeNdjson(join(dir, 'part-2.ndjson.gz'), generated.lines.slice(60_000));
    const { code, stdout, stderr } = await runCli(
      ['import', first, second, '--base-url', server.url, '--json', '--concurrency', '4'],
      { env: { CONNECT_API_KEY: KEY } },
    );
    const count = (kind: string) => generated.kinds.filter((k) => k === kind).length;
    const valid = count('identify') + count('track');
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({
      status: 'complete',
      rows: {
        total: ROWS,
        accepted: valid,
        failed: 0,
        invalid: count('invalid'),
        skipped: count('page'),
      },
      run: { read: ROWS, alreadyDone: 0, resent: 0 },
    });
    expect(code, stderr).toBe(1); // done, with invalid rows in the failed-rows file

    const { writes } = server.emulator;
    expect(writes).toHaveLength(valid);
    expect(new Set(writes.map(rowOf)).size).toBe(valid);
    expect(appliedRowsByUser(writes)).toEqual(expectedRowsByUser(generated));
    for (const write of writes) {
      if (write.kind === 'track') {
        expect((write.body as { timestamp: number }).timestamp).toBe(
          generated.times.get(rowOf(write)),
        );
      }
    }
    // Batches, not one request per row.
    expect(server.emulator.calls.length).toBeLessThan(valid / 20);

    // Every invalid row, and nothing else, is in the failed-rows file, in file order.
    const failed = readFileSync(summary.failedRows, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const invalidRows = generated.kinds.flatMap((kind, row) => (kind === 'invalid' ? [row] : []));
    expect(failed.map((line) => [line._import.file, line._import.row])).toEqual(
      invalidRows.map((row) => (row < 60_000 ? [first, row + 1] : [second, row - 60_000 + 1])),
    );
  }, 180_000);
});
