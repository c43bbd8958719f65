// Preference lists: the N distinct nodes that hold a partition (its owner, then the next distinct
// owners clockwise), and Riak's sloppy quorum on top — down primaries replaced by the next
// distinct up nodes further round the ring, each fallback knowing whom it stands in for so hinted
// handoff knows where to send the hints back.

import type { NodeId } from '../runtime.js';
import type { RingState } from './ring-state.js';

/** Replicas of each partition unless a table says otherwise (DESIGN: N = 3). */
export const REPLICAS_DEFAULT = 3;

/** A node taking a down primary's writes for a while (with hints for it). */
export interface Fallback {
  readonly node: NodeId;
  readonly standsInFor: NodeId;
}

export interface PreferenceList {
  readonly partition: number;
  /** The home replica set: the first n distinct nodes clockwise from the owner, up or down. */
  readonly replicas: readonly NodeId[];
  /** The replicas that are up, in preference order. */
  readonly primaries: readonly NodeId[];
  /** One per down replica while up nodes remain, in the order of the replicas they replace. */
  readonly fallbacks: readonly Fallback[];
}

function checkPartition(ring: RingState, partition: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= ring.partitions) {
    throw new Error(`partition ${partition} out of range [0, ${ring.partitions})`);
  }
}

/** n clamped to [1, members]: a ring of one node keeps one copy, the same code path. */
export function clampReplicas(ring: RingState, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new Error(`replica count must be a positive integer, got ${n}`);
  return Math.min(n, ring.members.size);
}

/**
 * Walks clockwise from `partition`, calling `visit` with each distinct owner once, until it
 * returns false or the ring has been walked round once.
 */
function walkDistinct(ring: RingState, partition: number, visit: (node: NodeId) => boolean): void {
  const seen = new Set<NodeId>();
  const q = ring.partitions;
  const distinct = ring.ownerCount();
  for (let i = 0; i < q && seen.size < distinct; i++) {
    const node = ring.owners[(partition + i) % q]!;
    if (seen.has(node)) continue;
    seen.add(node);
    if (!visit(node)) return;
  }
}

/** The first n distinct nodes clockwise from the partition's owner (fewer if fewer own partitions). */
export function replicaSet(ring: RingState, partition: number, n: number = REPLICAS_DEFAULT): NodeId[] {
  checkPartition(ring, partition);
  const want = clampReplicas(ring, n);
  const out: NodeId[] = [];
  walkDistinct(ring, partition, (node) => {
    out.push(node);
    return out.length < want;
  });
  return out;
}

/**
 * The replica set with down members replaced: fallbacks are the next distinct up nodes further
 * clockwise that are not already replicas. With too few up nodes some down replicas have no
 * fallback (the caller's quorum then decides).
 */
export function preferenceList(
  ring: RingState,
  partition: number,
  n: number = REPLICAS_DEFAULT,
  isUp: (node: NodeId) => boolean = () => true,
): PreferenceList {
  checkPartition(ring, partition);
  const want = clampReplicas(ring, n);
  const replicas: NodeId[] = [];
  const down: NodeId[] = [];
  const fallbacks: Fallback[] = [];
  walkDistinct(ring, partition, (node) => {
    if (replicas.length < want) {
      replicas.push(node);
      if (!isUp(node)) down.push(node);
      return true;
    }
    if (fallbacks.length >= down.length) return false;
    if (isUp(node)) fallbacks.push({ node, standsInFor: down[fallbacks.length]! });
    return fallbacks.length < down.length;
  });
  return { partition, replicas, primaries: replicas.filter((r) => !down.includes(r)), fallbacks };
}

/**
 * The nodes past the replica set, clockwise and distinct, up or down: the candidates, in order, to
 * stand in for a down replica (the write path picks the first up ones that hold no other role for
 * the partition; a transition's pending and displaced replicas are among them).
 */
export function fallbackCandidates(ring: RingState, partition: number, n: number = REPLICAS_DEFAULT): NodeId[] {
  checkPartition(ring, partition);
  const want = clampReplicas(ring, n);
  const out: NodeId[] = [];
  let seen = 0;
  walkDistinct(ring, partition, (node) => {
    if (seen++ >= want) out.push(node);
    return true;
  });
  return out;
}

/** The replica set of every partition, indexed by partition. */
export function replicaTable(ring: RingState, n: number = REPLICAS_DEFAULT): NodeId[][] {
  const out: NodeId[][] = [];
  for (let p = 0; p < ring.partitions; p++) out.push(replicaSet(ring, p, n));
  return out;
}

/** Partitions a node holds a copy of: those it owns and those it is a replica of, ascending. */
export function partitionsHeldBy(ring: RingState, node: NodeId, n: number = REPLICAS_DEFAULT): number[] {
  const out: number[] = [];
  for (let p = 0; p < ring.partitions; p++) if (replicaSet(ring, p, n).includes(node)) out.push(p);
  return out;
}
