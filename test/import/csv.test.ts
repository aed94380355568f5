import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runImport } from '../../src/node/import/import';
import { createConnectEmulator } from '../../src/testing/index';
import { KEY, scratch } from './support';

const FIXTURES = 'test/import/fixtures';

function emulated() {
  const emulator = createConnectEmulator({ apiKeys: [KEY] });
  return { emulator, base: { apiKey: KEY, fetch: emulator.fetch, progress: 'none' as const } };
}

describe('zendesk-connect import: CSV and gzip', () => {
  it('maps a users CSV: --map renames and drops columns, each cell a trait', async () => {
    const { emulator, base } = emulated();
    const dir = scratch();
    const summary = await runImport({
      ...base,
      files: [`${FIXTURES}/users.csv`],
      type: 'users',
      map: ['Customer ID=userId', 'E-mail=email', 'Notes='],
      checkpoint: join(dir, 'c'),
      failedFile: join(dir, 'failed.ndjson'),
    });
    expect(summary).toMatchObject({
      status: 'complete',
      rows: { total: 5, accepted: 3, invalid: 2 },
    });
    expect(emulator.writes.map((write) => write.body)).toEqual([
      {
        user_id: 'c1',
        email: 'ann@example.com',
        first_name: 'Ann',
        attributes: { Plan: 'pro' },
      },
      {
        user_id: 'c3',
        email: 'not-an-email',
        first_name: 'Cid',
        attributes: { Plan: 'pro' },
      },
      {
        user_id: 'c5',
        email: 'eve@example.com',
        first_name: 'Eve\nMarie',
        attributes: { Plan: 'team' },
      },
    ]);
    // The failed rows, as Segment calls that can be imported again once fixed.
    const failed = readFileSync(join(dir, 'failed.ndjson'), 'utf8').trim().split('\n');
    expect(failed.map((line) => JSON.parse(line))).toEqual([
      {
        type: 'identify',
        traits: { email: 'bob@example.com', 'First Name': 'Bob', Plan: 'free' },
        _import: {
          file: `${FIXTURES}/users.csv`,
          row: 3,
          code: 'validation_error',
          field: 'userId',
          error: 'identify: `userId` or `anonymousId` is required',
        },
      },
      {
        _import: {
          file: `${FIXTURES}/users.csv`,
          row: 5,
          code: 'invalid_row',
          field: '',
          error: 'has a different number of fields than the header',
        },
      },
    ]);
  });

  it('maps an events CSV (gzipped): userId, event, timestamp (ISO or epoch), the rest properties', async () => {
    const { emulator, base } = emulated();
    const dir = scratch();
    const csv = [
      'user,event,timestamp,plan,amount',
      'u1,Signed Up,2015-04-06T12:31:32.123Z,Startup,',
      'u1,Order Completed,1428323500,,9.50',
      'u2,Order Completed,1428323500123,Pro,12',
      'u2,,2015-04-06T12:31:32Z,Pro,1',
    ].join('\r\n');
    const file = join(dir, 'events.csv.gz');
    writeFileSync(file, gzipSync(csv));
    const summary = await runImport({
      ...base,
      files: [file],
      type: 'events',
      map: ['user=userId'],
      checkpoint: join(dir, 'c'),
      failedFile: join(dir, 'f'),
    });
    expect(summary.rows).toMatchObject({ accepted: 3, invalid: 1 });
    expect(emulator.writes.map((write) => write.body)).toEqual([
      {
        user_id: 'u1',
        event: 'Signed Up',
        properties: { plan: 'Startup' },
        timestamp: 1428323492.123,
      },
      {
        user_id: 'u1',
        event: 'Order Completed',
        properties: { amount: '9.50' },
        timestamp: 1428323500,
      },
      {
        user_id: 'u2',
        event: 'Order Completed',
        properties: { plan: 'Pro', amount: '12' },
        timestamp: 1428323500.123,
      },
    ]);
  });

  it('refuses a CSV without its required columns, naming them, before sending anything', async () => {
    const { emulator, base } = emulated();
    const dir = scratch();
    await expect(
      runImport({
        ...base,
        files: [`${FIXTURES}/users.csv`],
        type: 'users',
        checkpoint: join(dir, 'c'),
        failedFile: join(dir, 'f'),
      }),
    ).rejects.toThrow(
      "users.csv: a CSV of users needs the column userId (found: Customer ID, E-mail, First Name, Plan, Notes); rename with --map 'Column=userId'",
    );
    expect(emulator.calls).toEqual([]);
  });

  it('imports a gzipped Segment archive, and its failed-rows file again once fixed', async () => {
    const { emulator, base } = emulated();
    const dir = scratch();
    const archive = join(dir, 'archive.ndjson.gz');
    writeFileSync(archive, gzipSync(readFileSync(`${FIXTURES}/segment-archive.ndjson`)));
    const failedFile = join(dir, 'failed.ndjson');
    const first = await runImport({
      ...base,
      files: [archive],
      checkpoint: join(dir, 'c1'),
      failedFile,
    });
    expect(first.rows).toMatchObject({ accepted: 4, invalid: 7, skipped: 2 });
    // Different users travel in parallel: only each user's own order is kept.
    expect(emulator.writes.map((write) => write.kind).sort()).toEqual([
      'alias',
      'identify',
      'identify',
      'track',
    ]);
    // Historical time kept: originalTimestamp when there is no timestamp.
    expect(emulator.writes.find((write) => write.kind === 'track')?.body).toMatchObject({
      timestamp: 1428323496,
    });

    // Fix the failed rows that carry a call (give the track a time), import the file again.
    const fixed = join(dir, 'fixed.ndjson');
    const again = readFileSync(failedFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((call) => call.type === 'track' && call.event === 'Signed Up')
      .map((call) => JSON.stringify({ ...call, timestamp: '2015-04-06T12:31:40Z' }));
    expect(again).toHaveLength(1);
    writeFileSync(fixed, `${again.join('\n')}\n`);
    const second = await runImport({
      ...base,
      files: [fixed],
      checkpoint: join(dir, 'c2'),
      failedFile: join(dir, 'f2'),
    });
    expect(second.rows).toMatchObject({ accepted: 1, invalid: 0 });
    expect(emulator.writes.at(-1)?.body).toEqual({
      user_id: '019mr8mf4r',
      event: 'Signed Up',
      properties: { plan: 'Startup' },
      timestamp: 1428323500,
    });
  });
});
