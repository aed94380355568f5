/** Seeded generators of distinct Segment-style messages, shared by the benchmarks. */
import type { AliasMessage, IdentifyMessage, TrackMessage } from '../src/index';
import { seededRandom } from '../test/support/seeded-random';

const FIRST = ['Michael', 'Ann', 'José', 'Zoë', 'Li', 'Mary Ann', 'Oluwaseun', 'Björn'];
const LAST = ['Bolton', 'van der Berg', 'Nakamura', "O'Neil", 'Smith', 'Okafor'];
const ZONES = [
  'America/New_York',
  'europe/berlin',
  'Asia/Calcutta',
  'US/Pacific',
  'UTC',
  'Australia/Sydney',
];
const AREA = ['212', '415', '646', '312', '617', '303'];
const EVENTS = ['Signed Up', 'Order Completed', 'Product Viewed', 'Trial Started', 'Invite Sent'];

export interface Corpus {
  identifies: IdentifyMessage[];
  tracks: TrackMessage[];
  aliases: AliasMessage[];
}

/** `size` distinct identifies (name, email, phone, timezone, push token), tracks and aliases. */
export function makeCorpus(size: number, seed = 42): Corpus {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const digits = (count: number) =>
    Array.from({ length: count }, () => Math.floor(random() * 10)).join('');
  const hex = (count: number) =>
    Array.from({ length: count }, () => Math.floor(random() * 16).toString(16)).join('');
  const identifies: IdentifyMessage[] = [];
  const tracks: TrackMessage[] = [];
  const aliases: AliasMessage[] = [];
  for (let index = 0; index < size; index++) {
    const userId = `user-${index}-${hex(6)}`;
    const ios = random() < 0.5;
    identifies.push({
      userId,
      traits: {
        name: `${pick(FIRST)} ${pick(LAST)}`,
        email: `user${index}@example.com`,
        phone: `(${pick(AREA)}) 555-${digits(4)}`,
        timezone: pick(ZONES),
        plan: pick(['free', 'pro', 'enterprise']),
        logins: Math.floor(random() * 100),
      },
      context: { device: { type: ios ? 'ios' : 'android', token: hex(64) } },
    });
    tracks.push({
      userId,
      event: pick(EVENTS),
      properties: {
        plan: pick(['Startup', 'Growth']),
        revenue: Math.round(random() * 10_000) / 100,
        items: [{ sku: hex(8), quantity: 1 }],
      },
      timestamp: new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 3e10)).toISOString(),
    });
    aliases.push({ userId, previousId: `anon-${hex(12)}` });
  }
  return { identifies, tracks, aliases };
}
