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
