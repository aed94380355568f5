import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Checkpoint } from '../../src/node/import/checkpoint';
import { type ConnectEmulatorServer, startConnectEmulatorServer } from '../../src/node/testing';
import { createConnectEmulator, type EmulatedWrite } from '../../src/testing/index';
import {
  appliedRowsByUser,
  expectedRowsByUser,
  generateRows,
  KEY,
  rowOf,
  scratch,
  startCli,
  writeNdjson,
} from './support';

const ROWS = 40_000;
const generated = generateRows(ROWS, 500);
const valid = generated.kinds.filter((k) => k === 'identify' || k === 'track').length;

/** Resolves once the emulator has applied `count` writes. */
async function writesReach(server: ConnectEmulatorServer, count: number): Promise<void> {
  while (server.emulator.writes.length < count) await new Promise((r) => setTimeout(r, 5));
}

/** The writes less resends: a row written again under the GUID that first carried it. */
function withoutResends(writes: readonly EmulatedWrite[]) {
  const first = new Map<number, EmulatedWrite>();
  const resent: EmulatedWrite[] = [];
  const unique: EmulatedWrite[] = [];
  for (const write of writes) {
    const earlier = first.get(rowOf(write));
    if (earlier) {
      // The only row Connect may see twice: one of an unanswered request, sent again whole
      // under the same GUID.
      expect(write.requestId).toBe(earlier.requestId);
      resent.push(write);
    } else {
      first.set(rowOf(write), write);
      unique.push(write);
    }
  }
  return { unique, resent };
}

describe('zendesk-connect import resumes where it stopped', () => {
  let server: ConnectEmulatorServer;
  let dir: string;
  let input: string;
  beforeAll(async () => {
    server = await startConnectEmulatorServer({
      emulator: createConnectEmulator({ apiKeys: [KEY] }),
    });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.emulator.reset();
    dir = scratch();
    input = writeNdjson(join(dir, 'archive.ndjson'), generated.lines);
  });
  const args = () => ['import', input, '--base-url', server.url, '--json', '--progress', 'none'];
  const env = { CONNECT_API_KEY: KEY };

  it('after SIGKILL: every valid row once, but an unanswered batch, resent whole under its GUID', async () => {
    // Connect applies each request, then answers 150 ms later: a kill leaves applied requests
    // unanswered, the ambiguous case.
    server.emulator.faults.delay(150);
    const crashed = startCli(args(), { env });
    await writesReach(server, 8_000);
    crashed.child.kill('SIGKILL');
    expect((await crashed.done).signal).toBe('SIGKILL');
    server.emulator.faults.clear();
    const beforeResume = server.emulator.writes.length;
    expect(beforeResume).toBeLessThan(valid);
    // The checkpoint names the requests that were on the wire.
    const saved = Checkpoint.read(`${input}.checkpoint`);
    if (!saved) throw new Error('no checkpoint');
    expect(saved.complete).toBe(false);
    expect(saved.ambiguous.length).toBeGreaterThan(0);
    const ambiguousGuids = new Set(saved.ambiguous.map((r: { guid: string }) => r.guid));

    const resumed = await startCli(args(), { env }).done;
    expect(resumed.code, resumed.stderr).toBe(1); // complete, with the invalid rows
    const summary = JSON.parse(resumed.stdout);
    expect(summary).toMatchObject({
      status: 'complete',
      rows: { total: ROWS, accepted: valid },
      run: { read: ROWS },
    });
    expect(summary.run.alreadyDone).toBeGreaterThan(0);
    expect(summary.run.resent).toBeGreaterThan(0);

    const { unique, resent } = withoutResends(server.emulator.writes);
    expect(unique).toHaveLength(valid);
    // Resent rows are exactly those of the saved ambiguous requests, under their GUIDs.
    expect(resent.length).toBe(summary.run.resent);
    for (const write of resent) expect(ambiguousGuids.has(write.requestId ?? '')).toBe(true);
    // Each user's rows arrived in file order, across the crash.
    expect(appliedRowsByUser(unique)).toEqual(expectedRowsByUser(generated));
    // The failed-rows file holds each invalid row once.
    const failed = readFileSync(`${input}.failed.ndjson`, 'utf8').trim().split('\n');
    expect(failed).toHaveLength(generated.kinds.filter((k) => k === 'invalid').length);
  }, 120_000);

  it('after SIGINT: stops cleanly (exit 130), and the rerun sends nothing twice', async () => {
    server.emulator.faults.delay(100);
    const interrupted = startCli(args(), { env });
    await writesReach(server, 5_000);
    interrupted.child.kill('SIGINT');
    const stopped = await interrupted.done;
    expect(stopped.code).toBe(130);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ status: 'interrupted' });
    server.emulator.faults.clear();

    const resumed = await startCli(args(), { env }).done;
    expect(JSON.parse(resumed.stdout)).toMatchObject({
      status: 'complete',
      rows: { accepted: valid },
      run: { resent: 0 },
    });
    const { unique, resent } = withoutResends(server.emulator.writes);
    expect(resent).toEqual([]);
    expect(appliedRowsByUser(unique)).toEqual(expectedRowsByUser(generated));

    // A third run has nothing left to do.
    const again = await startCli(args(), { env }).done;
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'already-complete' });
    expect(server.emulator.writes).toHaveLength(valid);
  }, 120_000);
});
