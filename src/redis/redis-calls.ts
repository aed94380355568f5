import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** An ioredis client the application made: a `Redis` or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/** A Lua script, run by its SHA1 (loaded on first use, again after a Redis restart). */
export class Script {
  readonly sha: string;
  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(
    redis: RedisClient,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return await redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

/** Runs a command by name: replies come back as Redis sent them. */
export function command(redis: RedisClient, name: string, ...args: (string | number)[]) {
  return redis.call(name, args) as Promise<unknown>;
}

/** A stream entry: its id and its fields as an object. */
export interface RawEntry {
  id: string;
  fields: Record<string, string>;
}

/** `[id, [field, value, …]]` pairs (RESP2 and RESP3's legacy mapping), deleted ones dropped. */
export function entriesOf(items: unknown): RawEntry[] {
  const entries: RawEntry[] = [];
  if (!Array.isArray(items)) return entries;
  for (const item of items) {
    if (!Array.isArray(item)) continue;
    const [id, flat] = item as [string, unknown];
    if (!Array.isArray(flat)) continue;
    entries.push({ id: String(id), fields: objectOf(flat) });
  }
  return entries;
}

/** A flat `[key, value, …]` array or a RESP3 map as a plain object. */
export function objectOf(reply: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let index = 0; index + 1 < reply.length; index += 2)
      fields[String(reply[index])] = reply[index + 1] as string;
  } else if (reply && typeof reply === 'object') {
    for (const [key, value] of Object.entries(reply)) fields[key] = value as string;
  }
  return fields;
}

/** An XREADGROUP reply for one stream, in either reply shape. */
export function readReply(reply: unknown): RawEntry[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) {
    const first = reply[0] as unknown[] | undefined;
    return entriesOf(first?.[1]);
  }
  if (typeof reply === 'object') {
    const streams = Object.values(reply as Record<string, unknown>);
    return entriesOf(streams[0]);
  }
  return [];
}

/** True for Redis's "the group exists" answer to XGROUP CREATE. */
export function isBusyGroup(error: unknown): boolean {
  return String((error as Error)?.message).startsWith('BUSYGROUP');
}
