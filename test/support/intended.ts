/**
 * What the calls meant, judged from the server's side: each call is tagged with its index, the
 * emulator's write log is read back into call indexes per user, and the final state is compared
 * with the state the same calls leave when applied one by one, in call order, to a fresh emulator.
 */
import { expect } from 'vitest';
import { mapAlias, mapIdentify, mapTrack } from '../../src/index';
import {
  type ConnectEmulator,
  createConnectEmulator,
  type EmulatedWrite,
} from '../../src/testing/index';

/** A call as a test makes it: identify, track or alias, tagged by its index when made. */
export type TaggedCall =
  | { type: 'identify'; userId?: string; anonymousId?: string; traits: Record<string, unknown> }
  | {
      type: 'track';
      userId?: string;
      anonymousId?: string;
      event: string;
      properties: Record<string, unknown>;
    }
  | { type: 'alias'; userId: string; previousId: string };

/** Builds calls whose writes can be traced back to them: each carries `seq`, its index. */
export class CallScript {
  readonly calls: TaggedCall[] = [];

  identify(id: { userId?: string; anonymousId?: string }, traits: Record<string, unknown> = {}) {
    const call: TaggedCall = {
      type: 'identify',
      ...id,
      traits: { ...traits, seq: this.calls.length },
    };
    this.calls.push(call);
    return call;
  }

  track(id: { userId?: string; anonymousId?: string }, event: string) {
    const call: TaggedCall = {
      type: 'track',
      ...id,
      event,
      properties: { seq: this.calls.length },
    };
    this.calls.push(call);
    return call;
  }

  alias(userId: string, previousId: string) {
    const call: TaggedCall = { type: 'alias', userId, previousId };
    this.calls.push(call);
    return call;
  }
}

/** The index of the call a write came from. */
function callIndexOf(write: EmulatedWrite, calls: readonly TaggedCall[]): number {
  const body = write.body as {
    attributes?: { seq?: number };
    properties?: { seq?: number };
    user_id: string;
    previous_id?: string;
  };
  if (write.kind === 'alias') {
    return calls.findIndex(
      (call) =>
        call.type === 'alias' &&
        call.userId === String(body.user_id) &&
        call.previousId === String(body.previous_id),
    );
  }
  const seq = write.kind === 'track' ? body.properties?.seq : body.attributes?.seq;
  if (typeof seq !== 'number') throw new Error(`write ${write.seq} carries no seq`);
  return seq;
}

/**
 * For every Connect user id the calls wrote, the call indexes of its writes in the order the
 * emulator applied them, a resend under the same GUID counted once.
 */
export function writeOrderById(
  emulator: ConnectEmulator,
  calls: readonly TaggedCall[],
): Map<string, number[]> {
  const order = new Map<string, number[]>();
  const seen = new Set<string>();
  for (const write of emulator.writes) {
    const index = callIndexOf(write, calls);
    // A duplicate is only allowed as the same request applied again (a resend after a timeout).
    const key = `${index}`;
    if (seen.has(key)) {
      const first = emulator.writes.find((w) => callIndexOf(w, calls) === index);
      expect(write.requestId, `call ${index} applied twice under different GUIDs`).toBe(
        first?.requestId,
      );
      continue;
    }
    seen.add(key);
    for (const id of write.ids) {
      const list = order.get(id) ?? [];
      list.push(index);
      order.set(id, list);
    }
  }
  return order;
}

/** Asserts every user's writes arrived in call order. */
export function expectCallOrderPerUser(emulator: ConnectEmulator, calls: readonly TaggedCall[]) {
  for (const [id, indexes] of writeOrderById(emulator, calls)) {
    expect(indexes, `writes of ${id}`).toStrictEqual([...indexes].sort((a, b) => a - b));
  }
}

/** The users the calls leave when applied one at a time, in call order. */
export async function intendedUsers(calls: readonly TaggedCall[], delivered?: ReadonlySet<number>) {
  const oracle = createConnectEmulator();
  for (const [index, call] of calls.entries()) {
    if (delivered && !delivered.has(index)) continue;
    const { path, body } =
      call.type === 'identify'
        ? mapIdentify(call)
        : call.type === 'track'
          ? mapTrack({ ...call, timestamp: 0 })
          : mapAlias(call);
    const response = await oracle.fetch(`https://oracle.test${path}`, {
      method: 'POST',
      headers: { 'X-Outbound-Key': 'oracle', 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 200) throw new Error(`the oracle refused call ${index}`);
  }
  return comparableUsers(oracle);
}

/**
 * Users without their clock fields, and each user's events as the set of call indexes (sorted:
 * after a merge, an event's place among another id's events depends on arrival, while its
 * timestamp, what campaigns read, is kept; per-id order is what the write log checks).
 */
export function comparableUsers(emulator: ConnectEmulator) {
  const users: Record<string, unknown> = {};
  for (const [id, user] of emulator.users) {
    const { created_at: _created, updated_at: _updated, ...rest } = user;
    const events: number[] = [];
    for (const event of emulator.events) {
      const seq = (event.properties as { seq?: number }).seq;
      if (event.user_id === id && typeof seq === 'number' && !events.includes(seq))
        events.push(seq);
    }
    users[id] = { ...rest, events: events.sort((a, b) => a - b) };
  }
  return users;
}

/** Asserts the emulator ends as the calls meant, and every user's writes came in call order. */
export async function expectIntendedState(
  emulator: ConnectEmulator,
  calls: readonly TaggedCall[],
  delivered?: ReadonlySet<number>,
) {
  expectCallOrderPerUser(emulator, calls);
  expect(comparableUsers(emulator)).toStrictEqual(await intendedUsers(calls, delivered));
}
