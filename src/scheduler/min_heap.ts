/**
 * A binary min-heap ordered by a numeric key: the scheduler's queue of next fire instants.
 *
 * @module
 */

/** A binary min-heap of items ordered by `key(item)`, smallest first. */
export class MinHeap<T> {
  #items: T[] = [];
  #key: (item: T) => number;

  /** Makes an empty heap ordered by `key`. */
  constructor(key: (item: T) => number) {
    this.#key = key;
  }

  /** How many items the heap holds. */
  get size(): number {
    return this.#items.length;
  }

  /** The smallest item, without removing it. */
  peek(): T | undefined {
    return this.#items[0];
  }

  /** Adds an item in O(log n). */
  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    const k = this.#key(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent] as T;
      if (this.#key(p) <= k) break;
      items[i] = p;
      i = parent;
    }
    items[i] = item;
  }

  /** Removes and returns the smallest item in O(log n). */
  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    const k = this.#key(last);
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      let child = left;
      if (right < items.length && this.#key(items[right] as T) < this.#key(items[left] as T)) {
        child = right;
      }
      const c = items[child] as T;
      if (this.#key(c) >= k) break;
      items[i] = c;
      i = child;
    }
    items[i] = last;
    return top;
  }

  /** Removes every item. */
  clear(): void {
    this.#items = [];
  }
}
