// The ring this node derives from its member table, until ring changes are decided through the
// consensus primitive: members ordered by when they first joined (their joinedAtMs meta, then
// id) are claimed into the ring one at a time, so every node that sees the same members computes
// the same ring, and a newcomer (the latest joinedAtMs) moves only the partitions its own claim
// takes. Dead members keep their partitions (down is not gone, as in Riak); left ones give them up.

import type { Member } from '../membership/index.js';
import { claim, clampReplicas, partitionsHeldBy, replicaSet } from '../ring/index.js';
import type { RingState } from '../ring/index.js';
import type { NodeId } from '../runtime.js';

export class RingView {
  private key = '';
  private ring: RingState | null = null;
  private heldCounts = new Map<NodeId, number>();

  constructor(
    readonly partitions: number,
    readonly replicas: number,
  ) {}

  /** The ring for these members (recomputed only when the set of ring members changed). */
  update(members: readonly Member[]): RingState {
    const ordered = members
      .filter((m) => m.state !== 'left')
      .map((m) => ({ id: m.id, joinedAtMs: typeof m.meta.joinedAtMs === 'number' ? m.meta.joinedAtMs : 0 }))
      .sort((a, b) => a.joinedAtMs - b.joinedAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const key = ordered.map((m) => m.id).join(',');
    if (this.ring !== null && key === this.key) return this.ring;
    let ring: RingState | null = null;
    const weights = new Map<NodeId, number>();
    for (const m of ordered) {
      weights.set(m.id, 1);
      ring = claim(ring, weights, this.partitions);
    }
    if (ring === null) throw new Error('ring view: a node always sees itself');
    const n = clampReplicas(ring, this.replicas);
    this.heldCounts = new Map(ordered.map((m) => [m.id, partitionsHeldBy(ring, m.id, n).length]));
    this.key = key;
    this.ring = ring;
    return ring;
  }

  replicasFor(members: readonly Member[]): number {
    return clampReplicas(this.update(members), this.replicas);
  }

  /** The nodes holding partition p (its owner first), from the last update(). */
  replicasOf(partition: number): NodeId[] {
    if (this.ring === null) return [];
    return replicaSet(this.ring, partition, clampReplicas(this.ring, this.replicas));
  }

  owned(node: NodeId): number {
    return this.ring?.ownedCounts().get(node) ?? 0;
  }

  held(node: NodeId): number {
    return this.heldCounts.get(node) ?? 0;
  }
}
