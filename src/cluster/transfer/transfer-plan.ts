// The pure rules of ownership transfer on a ring change: which replicas serve a partition and which
// are still receiving it (pending), which partitions a node must receive and from whom, and which
// of a leaving node's handoffs are not yet acknowledged. Ownership moves when a transfer completes
// (as Riak's handoff): until a newcomer reports it holds every partition the new ring gives it,
// reads go to the old holder it displaces, and writes go to both.

import { clampReplicas, replicaSet } from '../ring/index.js';
import type { RingState } from '../ring/index.js';
import type { NodeId } from '../runtime.js';

/** A decided ring and the ring it replaced, each with its register version. */
export interface RingTransition {
  /** Register version of `current` (0: none decided yet). */
  readonly version: number;
  readonly current: RingState;
  /** The ring `current` replaced (null: the first ring, or a value decided before transitions were recorded). */
  readonly previous: RingState | null;
  readonly previousVersion: number;
}

/**
 * A member's transfer readiness: the newest ring version for which it holds every partition that
 * ring gives it; undefined while it has not said (an old node, or gossip not yet arrived).
 */
export type ReadinessOf = (node: NodeId) => number | undefined;

/** Where one partition is read and written during a transition. */
export interface PartitionPlacement {
  /** Read from these (R of them) and count W among them: ready new holders, then displaced old ones in their place. */
  readonly serving: readonly NodeId[];
  /** New holders still receiving the partition: written to as well (each that is up raises the write quorum by one unless the send to it fails), never read. */
  readonly pending: readonly NodeId[];
}

/** Whether `node` may serve `partition` under transition `t`: it is ready for the new ring, or held the partition before. */
export function isReady(t: RingTransition, base: readonly NodeId[], node: NodeId, readyOf: ReadinessOf): boolean {
  const r = readyOf(node);
  if (r !== undefined && r >= t.version) return true;
  // An old holder stays a holder; one that never finished receiving it in the previous ring does not.
  return base.includes(node) && (r === undefined || r >= t.previousVersion);
}

/** The serving and pending replicas of a partition (n replicas, clamped to each ring's size). */
export function placementOf(t: RingTransition, partition: number, n: number, readyOf: ReadinessOf): PartitionPlacement {
  const next = replicaSet(t.current, partition, clampReplicas(t.current, n));
  if (t.previous === null) return { serving: next, pending: [] };
  const base = replicaSet(t.previous, partition, clampReplicas(t.previous, n));
  const serving: NodeId[] = [];
  const pending: NodeId[] = [];
  for (const node of next) (isReady(t, base, node, readyOf) ? serving : pending).push(node);
  if (pending.length === 0) return { serving: next, pending: [] };
  // Each newcomer still receiving keeps an old holder the new ring drops in its place.
  const displaced = base.filter((node) => !next.includes(node));
  serving.push(...displaced.slice(0, pending.length));
  // Nobody known to hold it (readiness not yet gossiped): place by the new ring, as before transitions.
  if (serving.length === 0) return { serving: next, pending: [] };
  return { serving, pending };
}

/** One partition a node must receive under a transition: its old holders to pull from. */
export interface InboundPartition {
  readonly partition: number;
  /** Replica count the partition is held at (tables of one N share a replica set). */
  readonly replicas: number;
  readonly sources: readonly NodeId[];
}

/** The key a completed (replicas, partition) pair is remembered under. */
export function completionKey(replicas: number, partition: number): string {
  return `${replicas}/${partition}`;
}

/**
 * The partitions `self` holds at `replicas` in the new ring but has not received completely
 * (`complete` holds completionKey()s received for this ring), each with the old holders to pull
 * from. A partition it held in the previous ring needs nothing when it was ready for that ring
 * (`readyFor` >= its version). The first ring has nothing to receive: its nodes hold what they hold.
 */
export function inboundTransfers(
  t: RingTransition,
  self: NodeId,
  replicas: number,
  complete: ReadonlySet<string>,
  readyFor: number,
): InboundPartition[] {
  if (t.previous === null) return [];
  const wasReady = readyFor >= t.previousVersion;
  const out: InboundPartition[] = [];
  const nNext = clampReplicas(t.current, replicas);
  const nBase = clampReplicas(t.previous, replicas);
  for (let p = 0; p < t.current.partitions; p++) {
    if (complete.has(completionKey(replicas, p))) continue;
    if (!replicaSet(t.current, p, nNext).includes(self)) continue;
    const base = replicaSet(t.previous, p, nBase);
    if (wasReady && base.includes(self)) continue;
    const sources = base.filter((node) => node !== self);
    out.push({ partition: p, replicas, sources });
  }
  return out;
}

/** A leaving node's partition whose new holder has not yet reported it received it. */
export interface OutstandingHandoff {
  readonly partition: number;
  readonly to: NodeId;
}

/**
 * The handoffs `self` (dropped by the new ring) still waits for: for every partition it held in
 * the previous ring, each new holder that was not an old one and has not reported readiness.
 */
export function outstandingHandoffs(t: RingTransition, self: NodeId, replicas: number, readyOf: ReadinessOf): OutstandingHandoff[] {
  if (t.previous === null) return [];
  const out: OutstandingHandoff[] = [];
  const nNext = clampReplicas(t.current, replicas);
  const nBase = clampReplicas(t.previous, replicas);
  for (let p = 0; p < t.current.partitions; p++) {
    const base = replicaSet(t.previous, p, nBase);
    if (!base.includes(self)) continue;
    for (const node of replicaSet(t.current, p, nNext)) {
      if (base.includes(node)) continue;
      if ((readyOf(node) ?? 0) < t.version) out.push({ partition: p, to: node });
    }
  }
  return out;
}
