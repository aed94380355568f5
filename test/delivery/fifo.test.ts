/** The queue's first-in, first-out list: order, `at`, `drain`, and the memory it keeps. */
import { describe, expect, it } from 'vitest';
import { Fifo } from '../../src/delivery/fifo';

/** The backing array's length: what the list holds in memory, consumed items included. */
const held = (fifo: Fifo<unknown>) => (fifo as unknown as { items: unknown[] }).items.length;

describe('Fifo', () => {
  it('gives items back in the order they came, and undefined once empty', () => {
    const fifo = new Fifo<number>();
    expect(fifo.length).toBe(0);
    expect(fifo.shift()).toBeUndefined();
    fifo.push(1);
    fifo.push(2);
    fifo.push(3);
    expect(fifo.length).toBe(3);
    expect(fifo.shift()).toBe(1);
    expect(fifo.length).toBe(2);
    expect([fifo.at(0), fifo.at(1), fifo.at(2)]).toStrictEqual([2, 3, undefined]);
    expect(fifo.shift()).toBe(2);
    expect(fifo.shift()).toBe(3);
    expect(fifo.shift()).toBeUndefined();
    expect(fifo.length).toBe(0);
    fifo.push(4);
    expect(fifo.length).toBe(1);
    expect(fifo.at(0)).toBe(4);
    expect(fifo.shift()).toBe(4);
  });

  it('drain() removes and returns what is left, in order', () => {
    const fifo = new Fifo<string>();
    for (const item of ['a', 'b', 'c']) fifo.push(item);
    fifo.shift();
    expect(fifo.drain()).toStrictEqual(['b', 'c']);
    expect(fifo.length).toBe(0);
    expect(fifo.shift()).toBeUndefined();
    fifo.push('d');
    expect(fifo.at(0)).toBe('d');
    expect(fifo.drain()).toStrictEqual(['d']);
    expect(held(fifo)).toBe(0);
  });

  it('lets go of consumed items: at once when empty, else once over 1024 and over half the array', () => {
    const fifo = new Fifo<number>();
    fifo.push(1);
    fifo.push(2);
    fifo.shift();
    expect(held(fifo)).toBe(2);
    fifo.shift();
    expect(held(fifo)).toBe(0);

    for (let i = 0; i < 2050; i++) fifo.push(i);
    for (let i = 0; i < 1024; i++) fifo.shift();
    expect(held(fifo)).toBe(2050);
    // 1025 consumed of 2050: over 1024, but not over half.
    expect(fifo.shift()).toBe(1024);
    expect(held(fifo)).toBe(2050);
    // 1026 of 2050: over half; the array keeps the 1024 left.
    expect(fifo.shift()).toBe(1025);
    expect(held(fifo)).toBe(1024);
    expect(fifo.length).toBe(1024);
    expect(fifo.at(0)).toBe(1026);
    expect(fifo.shift()).toBe(1026);

    // Over half but not over 1024 consumed: kept.
    const small = new Fifo<number>();
    for (let i = 0; i < 1100; i++) small.push(i);
    for (let i = 0; i < 1024; i++) small.shift();
    expect(held(small)).toBe(1100);
    expect(small.shift()).toBe(1024);
    expect(held(small)).toBe(1100 - 1025);
  });

  it('holds a bounded array under steady traffic', () => {
    const fifo = new Fifo<number>();
    fifo.push(0);
    for (let i = 1; i < 10_000; i++) {
      fifo.push(i);
      expect(fifo.shift()).toBe(i - 1);
    }
    expect(fifo.length).toBe(1);
    expect(held(fifo)).toBeLessThan(2100);
  });
});
