/**
 * Order per Connect user: a message waits for every earlier unsettled message of its users. Each
 * user keeps only its last message, and each message links to the last message of each of its
 * users, so the chains cost O(ids) per message however long the queue.
 *
 * An alias makes two ids one user for good (Connect merges them), so ids joined by aliases share
 * one chain from then on: a later message under either id waits for the earlier ones under both.
 */

/** What the tracker keeps on a message. */
export interface OrderNode<T> {
  /** The chain it was added to: its user, as the tracker keyed it (an alias: the joined user). */
  key: string;
  /** The earlier messages it waits for (the last one of each user), until it is sent. */
  after: T[] | undefined;
  /** Later messages waiting for it. */
  dependents: T[] | undefined;
  /** How many of `after` are not settled yet. */
  blockers: number;
}

/** The chains of messages per Connect user. */
export class UserOrder<T extends OrderNode<T>> {
  private readonly lastByKey = new Map<string, T>();
  private readonly groups: AliasGroups;

  /** `aliasMemory`: how many aliased ids are remembered as one user (the oldest idle ones go first). */
  constructor(aliasMemory: number) {
    this.groups = new AliasGroups(aliasMemory, (key) => this.lastByKey.has(key));
  }

  /**
   * Links `node` behind the unsettled messages of the Connect user ids it writes (`id`; an
   * alias also `otherId`, which joins the two into one user); true when it may go at once.
   */
  admit(node: T, id: string, otherId?: string): boolean {
    const key = this.groups.keyOf(id);
    this.follow(node, key);
    if (otherId === undefined) {
      node.key = key;
      this.lastByKey.set(key, node);
      return node.blockers === 0;
    }
    const otherKey = this.groups.keyOf(otherId);
    this.follow(node, otherKey);
    this.lastByKey.delete(key);
    this.lastByKey.delete(otherKey);
    node.key = this.groups.join(id, otherId);
    this.lastByKey.set(node.key, node);
    return node.blockers === 0;
  }

  /** Puts `node` behind the last unsettled message of chain `key`, if any. */
  private follow(node: T, key: string): void {
    const previous = this.lastByKey.get(key);
    if (
      previous === undefined ||
      // Stryker disable next-line ConditionalExpression: unreachable: admit() follows both ids before it makes node a last (a guard)
      previous === node ||
      node.after?.includes(previous)
    )
      return;
    if (node.after) node.after.push(previous);
    else node.after = [previous];
    // A message is the last of one chain until the next one follows it, so it gets at most one
    // dependent; the list is a guard.
    // Stryker disable next-line ConditionalExpression,CallExpression: unreachable: see above
    if (previous.dependents) previous.dependents.push(node);
    else previous.dependents = [node];
    node.blockers++;
  }

  /** Unlinks a settled message and calls `onFree` with each message no longer waiting for anything. */
  release(node: T, onFree: (node: T) => void): void {
    if (this.lastByKey.get(node.key) === node) this.lastByKey.delete(node.key);
    this.groups.trim();
    const dependents = node.dependents;
    node.dependents = undefined;
    if (!dependents) return;
    for (const next of dependents) if (--next.blockers === 0) onFree(next);
  }

  /** Users with an unsettled message, and remembered aliased ids: for tests and leak checks. */
  get size(): { users: number; aliasedIds: number } {
    return { users: this.lastByKey.size, aliasedIds: this.groups.size };
  }
}

/**
 * Ids joined by aliases, each group under one key. Bounded: past `limit` ids, the least recently
 * joined groups with no message in flight are forgotten (their ids are ordered alone again).
 */
class AliasGroups {
  private readonly keyById = new Map<string, string>();
  /** Key → ids, least recently joined first. */
  private readonly members = new Map<string, string[]>();

  constructor(
    private readonly limit: number,
    private readonly busy: (key: string) => boolean,
  ) {}

  get size(): number {
    return this.keyById.size;
  }

  keyOf(id: string): string {
    // Stryker disable next-line ConditionalExpression: equivalent: without aliases every id is its own key (this only skips the lookup)
    return this.keyById.size === 0 ? id : (this.keyById.get(id) ?? id);
  }

  /** Joins the groups of `id` and `otherId` into one; returns its key. */
  join(id: string, otherId: string): string {
    let key = this.keyOf(id);
    let group = this.takeGroup(key);
    const otherKey = this.keyOf(otherId);
    // Stryker disable next-line ConditionalExpression: equivalent: joining a group with itself adds its key again, which it already maps
    if (otherKey !== key) {
      const other = this.takeGroup(otherKey);
      // The larger group keeps its key: fewer ids to re-point.
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: either key names the joined group alike (this only saves re-pointing ids)
      if (other.length > group.length) {
        key = otherKey;
        group = other.concat(group);
      } else group = group.concat(other);
    }
    for (const member of group) this.keyById.set(member, key);
    this.members.set(key, group);
    this.trim(key);
    return key;
  }

  /** Removes a group from the recency order and returns its ids. */
  private takeGroup(key: string): string[] {
    const group = this.members.get(key);
    if (!group) return [key];
    this.members.delete(key);
    return group;
  }

  /** Forgets the oldest idle groups while more than `limit` ids are remembered. */
  trim(justJoined?: string): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent: the loop's first check returns the same (this only skips the loop)
    if (this.keyById.size <= this.limit) return;
    for (const [key, group] of this.members) {
      if (this.keyById.size <= this.limit) return;
      if (key === justJoined || this.busy(key)) continue;
      this.members.delete(key);
      for (const id of group) this.keyById.delete(id);
    }
  }
}
