/** A first-in, first-out list whose `take` does not shift the whole array (`splice(0, n)` does). */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Removes and returns up to `count` items from the front. */
  take(count: number): T[] {
    const end = Math.min(this.items.length, this.head + count);
    const taken = this.items.slice(this.head, end);
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }

  /** The item `index` places from the front, without removing it. */
  at(index: number): T | undefined {
    return this.items[this.head + index];
  }

  /** Removes and returns every item. */
  drain(): T[] {
    return this.take(this.length);
  }
}
