// Counting acknowledgements of one write: per touched (table, partition), which replicas (or
// fallbacks standing in for down ones) hold it, and whether every one has reached its W. Pure
// bookkeeping, no I/O.

import { EonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';

/** One (table, partition) a write touched. */
export interface QuorumSlot {
  readonly table: string;
  readonly partition: number;
  /** The partition's replica set for this table (owner first). */
  readonly replicas: readonly NodeId[];
  /** Replicas that must hold the write: the table's W, at most the replica set's size. */
  readonly need: number;
  /**
   * Replicas still receiving the partition by handoff (src/cluster/transfer): each up one is
   * counted in `need`, and is excused from it when the send to it fails (the write is then kept as
   * a hint for it, as for a down replica). Unset: none.
   */
  readonly excusable?: readonly NodeId[];
  /**
   * Fallbacks standing in for down replicas (sloppy quorum), fallback -> the replica it stands in
   * for, one per down replica: each counts toward W once it keeps the write as a hint. Unset: none.
   */
  readonly standIns?: ReadonlyMap<NodeId, NodeId>;
}

export class WriteQuorum {
  private readonly holders: Set<NodeId>[];
  /** Per slot, what it needs now: `need` less the pending replicas excused. */
  private readonly needs: number[];
  private readonly excused: Set<NodeId>[];
  private short: number;

  constructor(
    readonly slots: readonly QuorumSlot[],
    /** The coordinator: it holds the write already (counted where it is a replica). */
    self: NodeId,
  ) {
    this.holders = slots.map((s) => new Set(s.replicas.includes(self) ? [self] : []));
    this.needs = slots.map((s) => s.need);
    this.excused = slots.map(() => new Set<NodeId>());
    this.short = 0;
    for (let i = 0; i < slots.length; i++) if (this.holders[i]!.size < this.needs[i]!) this.short++;
  }

  /**
   * The send to node failed for these slots: where it is a pending replica (excusable), it no
   * longer counts toward W; elsewhere nothing changes.
   */
  excuse(node: NodeId, slotIndexes: Iterable<number>): void {
    for (const i of slotIndexes) {
      const slot = this.slots[i]!;
      const holders = this.holders[i]!;
      const excused = this.excused[i]!;
      if (slot.excusable?.includes(node) !== true || holders.has(node) || excused.has(node) || this.needs[i]! === 0) continue;
      excused.add(node);
      const wasShort = holders.size < this.needs[i]!;
      this.needs[i]!--;
      if (wasShort && holders.size >= this.needs[i]!) this.short--;
    }
  }

  /** Node holds the write for these slots (indexes into slots); ignored for nodes neither replicas nor stand-ins. */
  held(node: NodeId, slotIndexes: Iterable<number>): void {
    for (const i of slotIndexes) {
      const slot = this.slots[i]!;
      const holders = this.holders[i]!;
      if (!(slot.replicas.includes(node) || slot.standIns?.has(node) === true) || holders.has(node)) continue;
      holders.add(node);
      if (holders.size === this.needs[i]!) this.short--;
    }
  }

  /** Every slot has reached its W. */
  get satisfied(): boolean {
    return this.short === 0;
  }

  /** The slots short of W, with how many nodes hold them (replicas and fallbacks). */
  shortfall(): { slot: QuorumSlot; reached: number; need: number }[] {
    const out: { slot: QuorumSlot; reached: number; need: number }[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const reached = this.holders[i]!.size;
      if (reached < this.needs[i]!) out.push({ slot: this.slots[i]!, reached, need: this.needs[i]! });
    }
    return out;
  }

  /** replication_incomplete naming the first slot short of W (and how many more are). */
  error(detail: string | undefined): EonError {
    const short = this.shortfall();
    const first = short[0];
    if (first === undefined) throw new Error('write quorum: error() on a satisfied write');
    const { slot, reached, need } = first;
    const more = short.length > 1 ? ` (and ${short.length - 1} more partition${short.length > 2 ? 's' : ''})` : '';
    return new EonError(
      'replication_incomplete',
      `write reached ${reached} of ${slot.replicas.length} replicas of partition ${slot.partition} of table "${slot.table}", ` +
        `needed ${need}${more}; it stays committed where it was written and may still spread`,
      {
        ...(detail === undefined ? {} : { detail }),
        hint: 'The write is not undone: it is readable here and reaches the other replicas only if they receive it later. Check the nodes with eon status.',
      },
    );
  }
}
