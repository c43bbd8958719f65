// The k smallest sort keys a data-engine task has seen, for a top-N pushed into a scan kernel
// (ORDER BY … LIMIT k): a row whose key is larger than the k-th smallest so far cannot be among
// the first k and is not sent; the coordinator's top-N then picks exactly among the few sent.

/** Keys a task tracks at most: a LIMIT beyond this sends every matching row instead. */
export const TOP_KEYS_MAX = 10_000;

/** A max-heap of the k smallest keys (numbers or bigints; ±Infinity stand for NULL's place). */
export class TopKeys {
  private readonly heap: (number | bigint)[] = [];

  constructor(private readonly k: number) {}

  /** Whether a row with this key may be among the k smallest (then the key is kept). */
  admit(key: number | bigint): boolean {
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push(key);
      this.up(heap.length - 1);
      return true;
    }
    if (this.k === 0) return false;
    const top = heap[0]!;
    if (key > top) return false;
    // Equal to the k-th smallest: it may tie with it on this key; later keys decide on the coordinator.
    if (key < top) {
      heap[0] = key;
      this.down(0);
    }
    return true;
  }

  /** The largest key that can still rank within the first k (every key while fewer than k were seen). */
  bound(): number | bigint {
    if (this.k === 0) return -Infinity;
    return this.heap.length < this.k ? Infinity : this.heap[0]!;
  }

  private up(i: number): void {
    const heap = this.heap;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! >= heap[i]!) return;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let largest = i;
      if (l < heap.length && heap[l]! > heap[largest]!) largest = l;
      if (r < heap.length && heap[r]! > heap[largest]!) largest = r;
      if (largest === i) return;
      [heap[largest], heap[i]] = [heap[i]!, heap[largest]!];
      i = largest;
    }
  }
}
