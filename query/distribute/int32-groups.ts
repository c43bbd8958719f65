// Entries keyed by one or two int32 values in an open-addressing table over one Int32Array: the
// coordinator's merge of high-cardinality partial aggregates (a Map of 1.5M number keys spent
// most of its time boxing and hashing them), and the hash tables of join build sides, which the
// data engines' kernels probe on shared memory. Slots are picked by the top bits of a
// multiplicative hash; the kernels' sources (join-aggregate-fragment.ts, aggregate-fragment.ts)
// compute the same hash with these constants.

export const HASH_MUL_1 = 0x9e3779b1;
export const HASH_MUL_2 = 0x85ebca6b;
/** Key kinds whose values are int32 numbers, in rows and in kernels. */
export const INT32_KEY_KINDS: ReadonlySet<string> = new Set(['int2', 'int4', 'date']);
/** Up to this many int32 keys share one table; more go through a Map. */
export const INT32_KEYS_MAX = 2;
/** Slots at first, unless sized for a known count; the table doubles when half full. */
const SLOTS_INITIAL = 1024;

/** The table as a kernel probes it: per slot the key(s), then the value (-1: empty). */
export interface Int32Table {
  readonly entries: Int32Array;
  readonly mask: number;
  /** 32 − log2(slots): the hash's top bits index the slots. */
  readonly shift: number;
}

export class Int32Groups {
  private readonly width: 1 | 2;
  private readonly shared: boolean;
  private bits: number;
  /** Per slot: the key(s), then the group (-1: empty). */
  private entries: Int32Array;
  private count = 0;

  /**
   * `expected` entries fit without growing; `shared` puts the table in shared memory, for the
   * data engines to read.
   */
  constructor(width: 1 | 2, opts: { expected?: number; shared?: boolean } = {}) {
    this.width = width;
    this.shared = opts.shared === true;
    this.bits = Math.log2(SLOTS_INITIAL);
    while (2 ** this.bits <= (opts.expected ?? 0) * 2) this.bits++;
    this.entries = this.allocate();
  }

  get table(): Int32Table {
    return { entries: this.entries, mask: (1 << this.bits) - 1, shift: 32 - this.bits };
  }

  /** The group of keys (a, b), or -1 after storing `fresh` as their group. */
  findOrAdd(a: number, b: number, fresh: number): number {
    const w = this.width;
    const stride = w + 1;
    const mask = (1 << this.bits) - 1;
    let s = this.slot(a, b);
    for (;;) {
      const at = s * stride;
      const g = this.entries[at + w]!;
      if (g === -1) {
        this.entries[at] = a;
        if (w === 2) this.entries[at + 1] = b;
        this.entries[at + w] = fresh;
        if (++this.count * 2 > mask) this.grow();
        return -1;
      }
      if (this.entries[at] === a && (w === 1 || this.entries[at + 1] === b)) return g;
      s = (s + 1) & mask;
    }
  }

  private allocate(): Int32Array {
    const length = 2 ** this.bits * (this.width + 1);
    return (this.shared ? new Int32Array(new SharedArrayBuffer(length * 4)) : new Int32Array(length)).fill(-1);
  }

  private slot(a: number, b: number): number {
    const h = this.width === 1 ? Math.imul(a, HASH_MUL_1) : Math.imul(Math.imul(a, HASH_MUL_1) ^ b, HASH_MUL_2);
    return h >>> (32 - this.bits);
  }

  private grow(): void {
    const old = this.entries;
    const w = this.width;
    const stride = w + 1;
    this.bits++;
    const mask = (1 << this.bits) - 1;
    this.entries = this.allocate();
    for (let at = 0; at < old.length; at += stride) {
      if (old[at + w] === -1) continue;
      let s = this.slot(old[at]!, w === 2 ? old[at + 1]! : 0);
      while (this.entries[s * stride + w] !== -1) s = (s + 1) & mask;
      this.entries.set(old.subarray(at, at + stride), s * stride);
    }
  }
}
