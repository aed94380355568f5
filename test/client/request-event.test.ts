import { describe, expect, it } from 'vitest';
import { connectToEmulator } from './setup';

describe('the request event', () => {
  it('names the messages each request carries, before it is sent, on every attempt', async () => {
    const { emulator, connect } = connectToEmulator({ maxBatchSize: 3 });
    const seen: Array<{ requestId: string; attempt: number; ids: string[]; callsSoFar: number }> =
      [];
    connect.on('request', ({ requestId, attempt, messageIds, messageCount }) => {
      expect(messageIds).toHaveLength(messageCount);
      seen.push({ requestId, attempt, ids: [...messageIds], callsSoFar: emulator.calls.length });
    });
    emulator.faults.failNext(1, 503, { retryAfter: 0 });
    await Promise.all(
      ['a', 'b', 'c', 'd'].map((id) =>
        connect.track({ messageId: id, userId: `u-${id}`, event: 'E', timestamp: 1 }),
      ),
    );
    // Emitted before fetch: the emulator had not yet received the attempt.
    expect(seen.map((s) => s.callsSoFar)).toEqual([0, 1, 2]);
    // d's request and abc's retry may go in either order: d waits out the linger.
    expect(seen.map(({ attempt, ids }) => [attempt, ids])).toHaveLength(3);
    expect(seen.map(({ attempt, ids }) => [attempt, ids])).toEqual(
      expect.arrayContaining([
        [1, ['a', 'b', 'c']],
        [2, ['a', 'b', 'c']],
        [1, ['d']],
      ]),
    );
    const abc = seen.filter(({ ids }) => ids.length === 3);
    expect(abc[0]?.requestId).toBe(abc[1]?.requestId);
    // The ids name what the request held: its GUID is on exactly those writes.
    const guid = abc[0]?.requestId;
    expect(emulator.writes.filter((w) => w.requestId === guid).map((w) => w.ids[0])).toEqual([
      'u-a',
      'u-b',
      'u-c',
    ]);
  });
});
