import { describe, expect, it } from 'vitest';
import type { CallDetail } from '../../src/testing/calls';
import {
  type EventsPage,
  type Overview,
  type RequestsPage,
  timeline,
  type UserPage,
  type UsersPage,
} from '../../src/testing/page/data';
import { type Door, KEY, openDoor, post } from './doors';

const T = Date.UTC(2026, 10, 29, 12);

async function door(now = () => T) {
  const opened: Door = await openDoor('fetch', { apiKeys: [KEY], now });
  return {
    ...opened,
    get: async <T>(path: string) => (await (await opened.fetch(path)).json()) as T,
  };
}

describe('the debugger page’s data', () => {
  it('lists requests newest first with item counts, refusals with what Connect said, pages with before', async () => {
    const d = await door();
    await d.fetch('/v2/track/batch', post([{ user_id: 'u', event: 'A' }, { user_id: 'u' }]));
    await d.fetch(
      '/v2/identify',
      post({ user_id: 'u' }, { 'X-Outbound-Key': 'another-key-000011112222' }),
    );
    await d.fetch('/v2/track', post({ user_id: 'u', event: 'A' }));
    d.emulator.faults.dropNext(1);
    await d.fetch('/v2/track', post({ user_id: 'u', event: 'A' })).catch(() => {});

    const all = await d.get<RequestsPage>('/_emulator/requests');
    expect(all).toMatchObject({ seq: 4, total: 4, refused: 3 });
    expect(all.items.map((r: { n: number; status: number }) => [r.n, r.status])).toStrictEqual([
      [3, 0],
      [2, 200],
      [1, 401],
      [0, 400],
    ]);
    expect(all.items[3]).toMatchObject({
      items: 2,
      said: '[1].event is required',
      key: '****c5d6',
    });
    expect(all.items[2]).toMatchObject({
      said: 'X-Outbound-Key is missing or not a valid key',
      key: '****2222',
    });
    expect(all.items[0]).toMatchObject({ state: 'dropped', said: 'the connection was dropped' });

    const refused = await d.get<RequestsPage>('/_emulator/requests?filter=refused&limit=2');
    expect(refused.items.map((r: { n: number }) => r.n)).toStrictEqual([3, 1]);
    const older = await d.get<RequestsPage>('/_emulator/requests?filter=refused&before=1');
    expect(older.items.map((r: { n: number }) => r.n)).toStrictEqual([0]);

    const detail = await d.get<CallDetail>('/_emulator/requests/0');
    expect(detail).toMatchObject({
      body: [{ user_id: 'u', event: 'A' }, { user_id: 'u' }],
      response: '{"error":{"Message":"[1].event is required","Code":400}}',
    });
    expect(detail.headers['x-outbound-key']).toBe('****c5d6');
    expect((await d.fetch('/_emulator/requests/9')).status).toBe(404);
    expect(await d.get<Overview>('/_emulator/overview')).toStrictEqual({
      seq: 4,
      requests: 4,
      refused: 3,
      users: 0,
      events: 1,
      faults: [],
    });
  });

  it('lists users newest first, searchable, with ids that have events but no profile', async () => {
    let now = T;
    const d = await door(() => now);
    await d.fetch('/v2/identify', post({ user_id: 'u1', first_name: 'Ann', last_name: 'Lee' }));
    now = T + 1;
    await d.fetch('/v2/identify', post({ user_id: 'u2', email: 'bo@example.com' }));
    now = T + 2;
    await d.fetch('/v2/track', post({ user_id: 'ghost', event: 'Viewed' }));
    await d.fetch('/v2/identify', post({ user_id: 'u2', previous_id: 'anon-7' }));
    const users = await d.get<UsersPage>('/_emulator/users');
    expect(users).toMatchObject({ total: 3, matching: 3, offset: 0 });
    expect(users.items).toStrictEqual([
      { user_id: 'ghost', profile: false, events: 1, previous_ids: [], since: T + 2 },
      {
        user_id: 'u2',
        profile: true,
        email: 'bo@example.com',
        events: 0,
        previous_ids: ['anon-7'],
        since: T + 1,
      },
      { user_id: 'u1', profile: true, name: 'Ann Lee', events: 0, previous_ids: [], since: T },
    ]);
    const search = async (q: string) =>
      (await d.get<UsersPage>(`/_emulator/users?q=${encodeURIComponent(q)}`)).items.map(
        (u: { user_id: string }) => u.user_id,
      );
    expect(await search('ann')).toStrictEqual(['u1']);
    expect(await search('EXAMPLE')).toStrictEqual(['u2']);
    expect(await search('anon-7')).toStrictEqual(['u2']);
    expect(await search('nobody')).toStrictEqual([]);
    expect((await d.get<UsersPage>('/_emulator/users?limit=1&offset=1')).items[0]?.user_id).toBe(
      'u2',
    );
  });

  it('shows a merged user with its events and writes in the order applied', async () => {
    const d = await door();
    await d.fetch('/v2/track', post({ user_id: 'anon-1', event: 'Viewed Pricing' }));
    await d.fetch('/v2/identify', post({ user_id: 'u-42', email: 'a@example.com' }));
    await d.fetch('/v2/track', post({ user_id: 'anon-1', event: 'Started Trial' }));
    await d.fetch('/v2/identify', post({ user_id: 'u-42', previous_id: 'anon-1' }));
    await d.fetch('/v2/track', post({ user_id: 'anon-1', event: 'Upgraded' }));
    await d.fetch('/v2/track', post({ user_id: 'someone-else', event: 'Other' }));

    const page = await d.get<UserPage>('/_emulator/users/u-42');
    expect(page.user).toMatchObject({ user_id: 'u-42', previous_ids: ['anon-1'] });
    expect(page.events.items.map((e: { event: string }) => e.event)).toStrictEqual([
      'Viewed Pricing',
      'Started Trial',
      'Upgraded',
    ]);
    expect(
      page.writes.items.map((w: { kind: string; seq: number }) => [w.seq, w.kind]),
    ).toStrictEqual([
      [0, 'track'],
      [1, 'identify'],
      [2, 'track'],
      [3, 'alias'],
      [4, 'track'],
    ]);
    const merged = await d.get<UserPage>('/_emulator/users/anon-1?limit=2');
    expect(merged).toMatchObject({ user_id: 'u-42', mergedFrom: 'anon-1' });
    expect(merged.events).toMatchObject({ total: 3 });
    expect(merged.events.items).toHaveLength(2);
    expect((await d.fetch('/_emulator/users/nobody')).status).toBe(404);
    expect((await d.get<UserPage>('/_emulator/users/someone-else')).user).toBeNull();
  });

  it('pages events instead of capping them, by name, with a timeline that counts every one', async () => {
    let now = T;
    const d = await door(() => now);
    for (let i = 0; i < 250; i++) {
      now = T + i * 1_000;
      await d.fetch('/v2/track', post({ user_id: 'u', event: i % 5 === 0 ? 'Rare' : 'Common' }));
    }
    const first = await d.get<EventsPage>('/_emulator/events?limit=50');
    expect(first).toMatchObject({ total: 250, matching: 250, offset: 0 });
    expect(first.items.map((e: { n: number }) => e.n).slice(0, 3)).toStrictEqual([249, 248, 247]);
    expect(first.names).toStrictEqual([
      { event: 'Common', count: 200, last: T + 249_000 },
      { event: 'Rare', count: 50, last: T + 245_000 },
    ]);
    const last = await d.get<EventsPage>('/_emulator/events?limit=50&offset=200');
    expect(last.items.map((e: { n: number }) => e.n).at(-1)).toBe(0);
    expect(last.items).toHaveLength(50);
    const rare = await d.get<EventsPage>('/_emulator/events?name=Rare&limit=10&offset=5');
    expect(rare).toMatchObject({ name: 'Rare', matching: 50 });
    expect(rare.items.map((e: { n: number }) => e.n).slice(0, 2)).toStrictEqual([220, 215]);
    const sum = (counts: number[]) => counts.reduce((a, b) => a + b, 0);
    expect(sum(first.timeline.counts)).toBe(250);
    expect(sum(rare.timeline.counts)).toBe(50);
  });

  it('says what faults are armed, in the order they apply', async () => {
    const d = await door();
    d.emulator.faults
      .delay(200, 1)
      .failNext(2, 503)
      .dropNext(1)
      .failEvery(10, 500)
      .failEvery(2, 429);
    d.emulator.faults.refuse(() => false);
    d.emulator.faults.delay(50);
    expect((await d.get<Overview>('/_emulator/overview')).faults).toStrictEqual([
      'the next request is answered after 200 ms',
      'every request is answered after 50 ms',
      'every 10th request fails with 500',
      'every 2nd request fails with 429',
      'the next 2 requests fail with 503',
      'the next request is dropped',
      '1 refusal rule',
    ]);
    await d.fetch('/v2/track', post({ user_id: 'u', event: 'A' }));
    expect((await d.get<Overview>('/_emulator/overview')).faults).toContain(
      'the next request fails with 503',
    );
  });

  it('chooses a timeline bucket a person reads at a glance, at most 60 bars', () => {
    expect(timeline([], T)).toStrictEqual({ start: T, bucketMs: 1_000, counts: [] });
    expect(timeline([T, T + 500, T + 2_000], T + 2_000)).toStrictEqual({
      start: T,
      bucketMs: 1_000,
      counts: [2, 0, 1],
    });
    const tenMinutes = timeline([T, T + 600_000], T + 600_000);
    expect(tenMinutes.bucketMs).toBe(15_000);
    expect(tenMinutes.counts).toHaveLength(41);
    const days = timeline([T - 90 * 86_400_000, T], T);
    expect(days).toMatchObject({ bucketMs: 86_400_000 });
    expect(days.counts).toHaveLength(60);
    expect(days.counts.at(-1)).toBe(1);
  });
});
