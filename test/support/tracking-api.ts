/**
 * Judging the proxy's Segment tracking API from the emulator's side: what a sender posted
 * (captured on the way in), against what Connect stored, mapped as `ConnectClient` maps it.
 */
import { expect } from 'vitest';
import { ConnectClient, mapAlias, mapGroup, mapIdentify, mapTrack } from '../../src/index';
import { type ConnectEmulator, createConnectEmulator } from '../../src/testing/index';

/** One request the proxy received: its path, headers, body, and when it was handled (epoch ms). */
export interface Received {
  path: string;
  headers: Headers;
  body: unknown;
  status: number;
  /** Just before the proxy got it, and just after it answered: its receive time is in between. */
  start: number;
  end: number;
}

/** Wraps a fetch handler, recording each request in `log`. */
export function capturing<C>(
  handler: (request: Request, context?: C) => Promise<Response>,
  log: Received[],
): (request: Request, context?: C) => Promise<Response> {
  return async (request, context) => {
    const text = await request.clone().text();
    const start = Date.now();
    const response = await handler(request, context);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    log.push({
      path: new URL(request.url).pathname,
      headers: request.headers,
      body,
      status: response.status,
      start,
      end: Date.now(),
    });
    return response;
  };
}

const LETTERS: Record<string, string> = {
  t: 'track',
  i: 'identify',
  a: 'alias',
  g: 'group',
  p: 'page',
  s: 'screen',
};

/** Each message of the accepted requests, in order, with its request's times and `sentAt`. */
export function messagesOf(log: readonly Received[]) {
  return log
    .filter((r) => r.status === 200)
    .flatMap((r) => {
      const body = r.body as Record<string, unknown>;
      const last = r.path.replace(/\/+$/, '').split('/').pop() ?? '';
      const batch = Array.isArray(body.batch);
      const list = (batch ? body.batch : [{ ...body, type: LETTERS[last] ?? last }]) as Record<
        string,
        unknown
      >[];
      return list.map((message) => ({
        message,
        sentAt: (message.sentAt ?? (batch ? body.sentAt : undefined)) as string | undefined,
        start: r.start,
        end: r.end,
      }));
    });
}

/**
 * Every write the emulator applied is the next forwarded message (page and screen skipped),
 * mapped exactly as `mapIdentify`/`mapTrack`/`mapAlias`/`mapGroup` map it; a track's timestamp is its own
 * moved by Segment's rule, `receivedAt - (sentAt - timestamp)`, with `receivedAt` while the
 * proxy handled its request.
 */
export function expectMappedAsClient(emulator: ConnectEmulator, log: readonly Received[]): void {
  const messages = messagesOf(log).filter(
    ({ message }) => message.type !== 'page' && message.type !== 'screen',
  );
  // A group is an identify of its user, with the group's fields.
  expect(emulator.writes.map((w) => w.kind)).toStrictEqual(
    messages.map(({ message }) => (message.type === 'group' ? 'identify' : message.type)),
  );
  emulator.writes.forEach((write, i) => {
    const { message, sentAt, start, end } = messages[i] ?? ({} as never);
    if (message.type === 'identify') {
      expect(write.body).toStrictEqual(mapIdentify(message as never).body);
    } else if (message.type === 'group') {
      expect(write.body).toStrictEqual(mapGroup(message as never).body);
    } else if (message.type === 'alias') {
      expect(write.body).toStrictEqual(mapAlias(message as never).body);
    } else {
      const stored = (write.body as { timestamp: number }).timestamp;
      const original = Date.parse(message.timestamp as string);
      const skew = sentAt === undefined ? 0 : Date.parse(sentAt) - original;
      // Connect's timestamps are seconds with millisecond precision.
      expect(stored * 1000).toBeGreaterThanOrEqual((sentAt ? start : original) - skew - 1);
      expect(stored * 1000).toBeLessThanOrEqual((sentAt ? end : original) - skew + 1);
      expect(write.body).toStrictEqual(mapTrack({ ...message, timestamp: stored } as never).body);
    }
  });
}

/**
 * The emulator ends as it would had `ConnectClient` sent the same calls itself (each track with
 * the timestamp the proxy corrected): the same users, merged the same way, and the same events.
 */
export async function expectSameAsClient(
  emulator: ConnectEmulator,
  log: readonly Received[],
): Promise<void> {
  const messages = messagesOf(log)
    .map(({ message }) => message)
    .filter((message) => message.type !== 'page' && message.type !== 'screen');
  const reference = createConnectEmulator();
  const connect = new ConnectClient({ apiKey: 'reference', fetch: reference.fetch });
  for (const [i, message] of messages.entries()) {
    const stored = (emulator.writes[i]?.body as { timestamp?: number } | undefined)?.timestamp;
    const call = message.type === 'track' ? { ...message, timestamp: stored } : message;
    await connect[message.type as 'identify' | 'track' | 'alias' | 'group'](call as never);
  }
  await connect.close();
  const users = (e: ConnectEmulator) =>
    [...e.users].map(([id, { created_at: _, updated_at: __, ...user }]) => [id, user]);
  const events = (e: ConnectEmulator) => e.events.map(({ received_at: _, ...event }) => event);
  expect(users(emulator)).toStrictEqual(users(reference));
  expect(events(emulator)).toStrictEqual(events(reference));
}
