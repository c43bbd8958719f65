// Counting acknowledgements of one write: per touched (table, partition), which replicas hold it,
// and whether every one has reached its W. Pure bookkeeping, no I/O.

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
}

export class WriteQuorum {
  private readonly holders: Set<NodeId>[];
  private short: number;

  constructor(
    readonly slots: readonly QuorumSlot[],
    /** The coordinator: it holds the write already (counted where it is a replica). */
    self: NodeId,
  ) {
    this.holders = slots.map((s) => new Set(s.replicas.includes(self) ? [self] : []));
    this.short = 0;
    for (let i = 0; i < slots.length; i++) if (this.holders[i]!.size < slots[i]!.need) this.short++;
  }

  /** Node holds the write for these slots (indexes into slots); ignored for non-replicas. */
  held(node: NodeId, slotIndexes: Iterable<number>): void {
    for (const i of slotIndexes) {
      const slot = this.slots[i]!;
      const holders = this.holders[i]!;
      if (!slot.replicas.includes(node) || holders.has(node)) continue;
      holders.add(node);
      if (holders.size === slot.need) this.short--;
    }
  }

  /** Every slot has reached its W. */
  get satisfied(): boolean {
    return this.short === 0;
  }

  /** The slots short of W, with how many replicas hold them. */
  shortfall(): { slot: QuorumSlot; reached: number }[] {
    const out: { slot: QuorumSlot; reached: number }[] = [];
    for (let i = 0; i < this.slots.length; i++) {
      const reached = this.holders[i]!.size;
      if (reached < this.slots[i]!.need) out.push({ slot: this.slots[i]!, reached });
    }
    return out;
  }

  /** replication_incomplete naming the first slot short of W (and how many more are). */
  error(detail: string | undefined): EonError {
    const short = this.shortfall();
    const first = short[0];
    if (first === undefined) throw new Error('write quorum: error() on a satisfied write');
    const { slot, reached } = first;
    const more = short.length > 1 ? ` (and ${short.length - 1} more partition${short.length > 2 ? 's' : ''})` : '';
    return new EonError(
      'replication_incomplete',
      `write reached ${reached} of ${slot.replicas.length} replicas of partition ${slot.partition} of table "${slot.table}", ` +
        `needed ${slot.need}${more}; it stays committed where it was written and may still spread`,
      {
        ...(detail === undefined ? {} : { detail }),
        hint: 'The write is not undone: it is readable here and reaches the other replicas only if they receive it later. Check the nodes with eon status.',
      },
    );
  }
}
