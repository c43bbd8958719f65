// A uniform sample of fixed size from a stream of unknown length (reservoir sampling with
// Li's Algorithm L): after the reservoir fills, the number of items to skip before the next
// replacement is drawn directly, so most items cost a counter decrement, not a random number.

export class Reservoir {
  /** Items seen so far. */
  seen = 0;
  private w = 1;
  /** The item number (0-based) that next enters the reservoir once it is full. */
  private next: number;

  constructor(
    readonly capacity: number,
    private readonly random: () => number = Math.random,
  ) {
    this.next = capacity;
    if (capacity > 0) {
      this.w = Math.exp(Math.log(this.uniform()) / capacity);
      this.next = capacity + this.skip();
    }
  }

  /**
   * Offers the next item: the reservoir slot it goes to (the caller stores it there, replacing
   * what was in it), or -1 when it is not sampled. Slots below `capacity` fill in order first.
   */
  offer(): number {
    const i = this.seen++;
    if (i < this.capacity) return i;
    if (i < this.next) return -1;
    this.w *= Math.exp(Math.log(this.uniform()) / this.capacity);
    this.next = i + 1 + this.skip();
    return Math.floor(this.uniform() * this.capacity);
  }

  /** Items sampled so far. */
  get size(): number {
    return Math.min(this.seen, this.capacity);
  }

  private skip(): number {
    const s = Math.floor(Math.log(this.uniform()) / Math.log(1 - this.w));
    // 1 - w rounds to 1 once w is tiny: no later item would be taken.
    return Number.isFinite(s) ? Math.max(0, s) : Number.MAX_SAFE_INTEGER;
  }

  /** In (0, 1): a logarithm of 0 would make an infinite skip. */
  private uniform(): number {
    return Math.min(Math.max(this.random(), Number.MIN_VALUE), 1 - Number.EPSILON / 2);
  }
}
