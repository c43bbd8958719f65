// Groups keyed by one or two int32 values in an open-addressing table over one Int32Array: the
// coordinator's merge of high-cardinality partial aggregates (a Map of 1.5M number keys spent
// most of its time boxing and hashing them). Slots are picked by the top bits of a
// multiplicative hash, as in the data engines' kernels.

const HASH_MUL_1 = 0x9e3779b1;
const HASH_MUL_2 = 0x85ebca6b;
/** Slots at first; the table doubles when half full. */
const SLOTS_INITIAL = 1024;

export class Int32Groups {
  private readonly width: 1 | 2;
  private bits = Math.log2(SLOTS_INITIAL);
  /** Per slot: the key(s), then the group (-1: empty). */
  private entries: Int32Array;
  private count = 0;

  constructor(width: 1 | 2) {
    this.width = width;
    this.entries = new Int32Array(SLOTS_INITIAL * (width + 1)).fill(-1);
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
    this.entries = new Int32Array((mask + 1) * stride).fill(-1);
    for (let at = 0; at < old.length; at += stride) {
      if (old[at + w] === -1) continue;
      let s = this.slot(old[at]!, w === 2 ? old[at + 1]! : 0);
      while (this.entries[s * stride + w] !== -1) s = (s + 1) & mask;
      this.entries.set(old.subarray(at, at + stride), s * stride);
    }
  }
}
