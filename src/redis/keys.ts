/**
 * Where the Redis door keeps things. Every key of partition `p` carries the hash tag
 * `{prefix:p}`, so a Redis Cluster keeps a partition's stream, lease, flights, routes and dead
 * letters in one slot (the Lua scripts touch several of them at once); partitions spread over
 * the cluster's nodes. The account-wide keys (limits, workers, settings) share `{prefix}`.
 */

/** The key names of one deployment (one prefix). */
export class Keys {
  constructor(
    readonly prefix: string,
    readonly partitions: number,
  ) {}

  /** A key of partition `p`: `{prefix:p}:name`. */
  of(p: number, name: PartitionKey): string {
    return `{${this.prefix}:${p}}:${name}`;
  }

  /** The key where an alias that spans two partitions records its progress (home's slot). */
  alias(home: number, aliasId: string): string {
    return `{${this.prefix}:${home}}:alias:${aliasId}`;
  }

  /** An account-wide key: `{prefix}:name`. */
  global(name: GlobalKey): string {
    return `{${this.prefix}}:${name}`;
  }

  /** The partition an id hashes to (routes aside). */
  partitionOf(id: string): number {
    return partitionOf(id, this.partitions);
  }
}

/** Per-partition keys. */
export type PartitionKey = 'stream' | 'lease' | 'epoch' | 'flights' | 'routes' | 'dead';
/** Account-wide keys. */
export type GlobalKey = 'settings' | 'workers' | 'rate' | 'slots' | 'pause' | 'pace';

/** The consumer group every worker reads with. */
export const GROUP = 'connect-workers';

/**
 * The partition of a Connect user id: 32-bit FNV-1a over its UTF-16 code units, modulo the
 * partition count. Stable across processes and versions: producers and workers must agree. (An
 * id an alias joined to a user in another partition is routed there from then on.)
 *
 * @example
 * ```ts
 * partitionOf('019mr8mf4r', 16); // a number from 0 to 15, the same everywhere
 * ```
 */
export function partitionOf(id: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
