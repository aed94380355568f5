/**
 * What the calls meant, judged from the server's side: each call is tagged with its index, the
 * emulator's write log is read back into call indexes per user, and the final state is compared
 * with the state the same calls leave when applied one by one, in call order, to a fresh emulator.
 */
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
 * For every Connect user id the calls wrote, and for every user a write reached once aliases were
 * followed (`user:<id>`), the call indexes of its writes in the order the emulator applied them (a
 * resend under the same GUID counted once); and the calls applied twice under different GUIDs: a
 * duplicate is only allowed as one request applied again.
 */
export function writeOrderById(emulator: ConnectEmulator, calls: readonly TaggedCall[]) {
  const order = new Map<string, number[]>();
  const firstGuid = new Map<number, string | undefined>();
  const foreignDuplicates: number[] = [];
  const add = (key: string, index: number) => {
    const list = order.get(key) ?? [];
    if (list.at(-1) !== index) list.push(index);
    order.set(key, list);
  };
  for (const write of emulator.writes) {
    const index = callIndexOf(write, calls);
    if (firstGuid.has(index)) {
      if (firstGuid.get(index) !== write.requestId) foreignDuplicates.push(index);
      continue;
    }
    firstGuid.set(index, write.requestId);
    for (const id of write.ids) add(id, index);
    add(`user:${write.user}`, index);
  }
  return { order, applied: new Set(firstGuid.keys()), foreignDuplicates };
}

/** Every way the emulator's writes break call order per user, as sentences; none is right. */
export function orderViolations(emulator: ConnectEmulator, calls: readonly TaggedCall[]): string[] {
  const { order, foreignDuplicates } = writeOrderById(emulator, calls);
  const problems = foreignDuplicates.map(
    (index) => `call ${index} applied twice under different GUIDs`,
  );
  for (const [id, indexes] of order) {
    const sorted = [...indexes].sort((a, b) => a - b);
    if (indexes.some((index, at) => index !== sorted[at]))
      problems.push(`writes of ${id} out of call order: ${indexes.join(', ')}`);
  }
  return problems;
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
