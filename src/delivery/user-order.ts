/**
 * Order per Connect user: a message waits for every earlier unsettled message that writes one of
 * its ids. Each id keeps only its last message, and each message links to the last message of
 * each of its ids, so the chains cost O(ids) per message however long the queue.
 */

/** What the tracker keeps on a message. */
export interface OrderNode<T> {
  /** The Connect user ids the message writes (`user_id`; an alias also `previous_id`). */
  readonly ids: readonly string[];
  /** The earlier messages it waits for (the last one of each id), until it is sent. */
  after: T[] | undefined;
  /** Later messages waiting for it. */
  dependents: T[] | undefined;
  /** How many of `after` are not settled yet. */
  blockers: number;
}

/** The chains of messages per Connect user id. */
export class UserOrder<T extends OrderNode<T>> {
  private readonly lastById = new Map<string, T>();

  /** Links `node` behind the unsettled messages writing its ids; true when it may go at once. */
  admit(node: T): boolean {
    for (const id of node.ids) {
      const previous = this.lastById.get(id);
      this.lastById.set(id, node);
      if (previous === undefined || previous === node || node.after?.includes(previous)) continue;
      if (node.after) node.after.push(previous);
      else node.after = [previous];
      if (previous.dependents) previous.dependents.push(node);
      else previous.dependents = [node];
      node.blockers++;
    }
    return node.blockers === 0;
  }

  /** Unlinks a settled message and calls `onFree` with each message no longer waiting for anything. */
  release(node: T, onFree: (node: T) => void): void {
    for (const id of node.ids) if (this.lastById.get(id) === node) this.lastById.delete(id);
    const dependents = node.dependents;
    node.dependents = undefined;
    if (!dependents) return;
    for (const next of dependents) if (--next.blockers === 0) onFree(next);
  }

  /** Ids with an unsettled message, for tests and leak checks. */
  get size(): number {
    return this.lastById.size;
  }
}
