import { describe, expect, it } from 'vitest';
import { type OrderNode, UserOrder } from '../../src/delivery/user-order';

class Node implements OrderNode<Node> {
  key = '';
  after: Node[] | undefined;
  dependents: Node[] | undefined;
  blockers = 0;
  constructor(readonly ids: readonly string[]) {}
}

/** Admits messages writing the given ids; returns the nodes and which could go at once. */
function admitAll(order: UserOrder<Node>, ...ids: string[][]) {
  const nodes = ids.map((list) => new Node(list));
  return {
    nodes,
    free: nodes.map((node) => order.admit(node, node.ids[0] as string, node.ids[1])),
  };
}

describe('UserOrder', () => {
  it('chains each user: a message waits for the last unsettled one of each of its ids', () => {
    const order = new UserOrder<Node>(100);
    const { nodes, free } = admitAll(order, ['u1'], ['u2'], ['u1'], ['u2', 'u1']);
    expect(free).toStrictEqual([true, true, false, false]);
    expect(nodes[2]?.after).toStrictEqual([nodes[0]]);
    expect(nodes[3]?.after).toStrictEqual([nodes[1], nodes[2]]);
    const freed: Node[] = [];
    order.release(nodes[0] as Node, (node) => freed.push(node));
    expect(freed).toStrictEqual([nodes[2]]);
    order.release(nodes[1] as Node, (node) => freed.push(node));
    order.release(nodes[2] as Node, (node) => freed.push(node));
    expect(freed).toStrictEqual([nodes[2], nodes[3]]);
    order.release(nodes[3] as Node, () => {});
    expect(order.size).toStrictEqual({ users: 0, aliasedIds: 2 });
  });

  it('joins aliased ids into one user, for good: a later message under either id waits for both', () => {
    const order = new UserOrder<Node>(100);
    const { nodes } = admitAll(order, ['u7', 'anon']);
    order.release(nodes[0] as Node, () => {});
    const later = admitAll(order, ['anon'], ['u7']);
    expect(later.free).toStrictEqual([true, false]);
    expect(later.nodes[1]?.after).toStrictEqual([later.nodes[0]]);
  });

  it('joins chains of aliases transitively', () => {
    const order = new UserOrder<Node>(100);
    const { nodes } = admitAll(order, ['u2', 'a1'], ['u1', 'a1'], ['u2']);
    expect(nodes[2]?.after).toStrictEqual([nodes[1]]);
  });

  it('remembers at most aliasMemory ids, forgetting the oldest idle groups, never a busy one', () => {
    const order = new UserOrder<Node>(4);
    const busy = admitAll(order, ['u0', 'a0']).nodes[0] as Node; // unsettled: its group is busy
    for (let i = 1; i <= 50; i++) {
      const [alias] = admitAll(order, [`u${i}`, `a${i}`]).nodes;
      order.release(alias as Node, () => {});
    }
    expect(order.size.aliasedIds).toBeLessThanOrEqual(4);
    // The busy group is still one user; an old idle one was forgotten.
    expect(admitAll(order, ['a0']).nodes[0]?.after).toStrictEqual([busy]);
    expect(admitAll(order, ['u1']).free).toStrictEqual([true]);
  });

  it('releases everything: no id is kept once its messages settled', () => {
    const order = new UserOrder<Node>(0);
    const { nodes } = admitAll(order, ['u1'], ['u1'], ['u1', 'a1'], ['a1']);
    for (const node of nodes) order.release(node, () => {});
    expect(order.size).toStrictEqual({ users: 0, aliasedIds: 0 });
  });
});

describe('UserOrder details', () => {
  it('an alias of two ids already one user waits once for their last message, and is freed by it', () => {
    const order = new UserOrder<Node>(100);
    const { nodes, free } = admitAll(order, ['u1', 'a1'], ['u1', 'a1'], ['a1', 'u1']);
    expect(free).toStrictEqual([true, false, false]);
    expect(nodes[1]?.after).toStrictEqual([nodes[0]]);
    expect(nodes[1]?.blockers).toBe(1);
    const freed: Node[] = [];
    order.release(nodes[0] as Node, (node) => freed.push(node));
    expect(freed).toStrictEqual([nodes[1]]);
    order.release(nodes[1] as Node, (node) => freed.push(node));
    expect(freed).toStrictEqual([nodes[1], nodes[2]]);
  });

  it('an alias of an id to itself waits once', () => {
    const order = new UserOrder<Node>(100);
    const { nodes, free } = admitAll(order, ['u1'], ['u1', 'u1']);
    expect(free).toStrictEqual([true, false]);
    expect(nodes[1]?.blockers).toBe(1);
    const freed: Node[] = [];
    order.release(nodes[0] as Node, (node) => freed.push(node));
    expect(freed).toStrictEqual([nodes[1]]);
  });

  it('keeps the larger group’s key when two groups join', () => {
    const order = new UserOrder<Node>(100);
    const first = admitAll(order, ['u1', 'a1'], ['u1', 'a2']).nodes;
    for (const node of first) order.release(node, () => {});
    // u9 alone joins the group of three: still one user under either id.
    const { nodes } = admitAll(order, ['u9', 'a2'], ['a1'], ['u9']);
    expect(nodes[1]?.after).toStrictEqual([nodes[0]]);
    expect(nodes[2]?.after).toStrictEqual([nodes[1]]);
    expect(order.size).toStrictEqual({ users: 1, aliasedIds: 4 });
  });

  it('a message released while not its user’s last leaves the last in place', () => {
    const order = new UserOrder<Node>(100);
    const { nodes } = admitAll(order, ['u1'], ['u1']);
    order.release(nodes[0] as Node, () => {});
    expect(order.size.users).toBe(1);
    const later = admitAll(order, ['u1']);
    expect(later.nodes[0]?.after).toStrictEqual([nodes[1]]);
  });

  it('forgets idle groups only past aliasMemory, oldest first, never the one just joined', () => {
    const order = new UserOrder<Node>(4);
    for (const ids of [
      ['u1', 'a1'],
      ['u2', 'a2'],
    ]) {
      const [node] = admitAll(order, ids).nodes;
      order.release(node as Node, () => {});
    }
    // Exactly at the limit: both remembered.
    expect(order.size.aliasedIds).toBe(4);
    const joined = admitAll(order, ['a1']).nodes[0] as Node;
    expect(admitAll(order, ['u1']).nodes[0]?.after).toStrictEqual([joined]);
    // A third group: the oldest idle one (u1/a1 is busy now, so u2/a2) goes.
    const [third] = admitAll(order, ['u3', 'a3']).nodes;
    order.release(third as Node, () => {});
    expect(order.size.aliasedIds).toBe(4);
    expect(admitAll(order, ['a2']).free).toStrictEqual([true]);
    expect(admitAll(order, ['u2']).free).toStrictEqual([true]);
    // A group larger than the memory is kept while it is the one just joined.
    const small = new UserOrder<Node>(1);
    const [alias] = admitAll(small, ['u1', 'a1']).nodes;
    expect(small.size.aliasedIds).toBe(2);
    order.release(alias as Node, () => {});
    small.release(alias as Node, () => {});
    expect(small.size.aliasedIds).toBe(0);
  });

  it('a forgotten group’s ids can join again', () => {
    const order = new UserOrder<Node>(2);
    for (const ids of [
      ['u1', 'a1'],
      ['u2', 'a2'],
      ['u1', 'b1'],
    ]) {
      const [node] = admitAll(order, ids).nodes;
      order.release(node as Node, () => {});
    }
    expect(order.size.aliasedIds).toBe(2);
    const { nodes } = admitAll(order, ['b1'], ['u1']);
    expect(nodes[1]?.after).toStrictEqual([nodes[0]]);
  });
});

describe('UserOrder bookkeeping', () => {
  it('an alias leaves one last message for the joined user, and none once settled', () => {
    const order = new UserOrder<Node>(100);
    const { nodes } = admitAll(order, ['u1'], ['a1'], ['u1', 'a1']);
    expect(order.size.users).toBe(1);
    for (const node of nodes) order.release(node, () => {});
    expect(order.size.users).toBe(0);
  });

  it('trims at the join itself, keeping the group just joined', () => {
    const order = new UserOrder<Node>(2);
    const [first] = admitAll(order, ['u1', 'a1']).nodes;
    order.release(first as Node, () => {});
    admitAll(order, ['u2', 'a2']);
    expect(order.size.aliasedIds).toBe(2);
  });

  it('stops forgetting as soon as the memory is back at its limit', () => {
    const order = new UserOrder<Node>(4);
    for (const ids of [
      ['u1', 'a1'],
      ['u2', 'a2'],
      ['u3', 'a3'],
    ]) {
      const [node] = admitAll(order, ids).nodes;
      order.release(node as Node, () => {});
    }
    expect(order.size.aliasedIds).toBe(4);
    // u2/a2 is still one user: a2's message waits for u2's.
    const { nodes } = admitAll(order, ['u2'], ['a2']);
    expect(nodes[1]?.after).toStrictEqual([nodes[0]]);
  });

  it('a group joined again becomes the most recent: the oldest other goes first', () => {
    const order = new UserOrder<Node>(5);
    for (const ids of [
      ['u1', 'a1'],
      ['u2', 'a2'],
      ['u1', 'b1'],
      ['u3', 'a3'],
    ]) {
      const [node] = admitAll(order, ids).nodes;
      order.release(node as Node, () => {});
    }
    // u2/a2 was forgotten; u1/a1/b1 was kept.
    const kept = admitAll(order, ['b1'], ['a1']);
    expect(kept.nodes[1]?.after).toStrictEqual([kept.nodes[0]]);
    expect(admitAll(order, ['u2'], ['a2']).free).toStrictEqual([true, true]);
  });

  it('an alias into a larger group leaves no last message under the smaller one’s key', () => {
    const order = new UserOrder<Node>(100);
    const [group] = admitAll(order, ['a1', 'x1']).nodes;
    order.release(group as Node, () => {});
    const { nodes } = admitAll(order, ['u1'], ['u1', 'a1']);
    expect(order.size.users).toBe(1);
    for (const node of nodes) order.release(node, () => {});
    expect(order.size.users).toBe(0);
  });
});
