// A pure simulation of claim over a growing (and optionally shrinking) cluster, one change at a
// time: balance, data moved per change against the ideal, and replica-spread violations. The
// tests assert on it and the bench prints it.

import type { NodeId } from '../runtime.js';
import { claim } from './claim.js';
import { targetNViolations } from './replica-spread.js';
import { ringSizeFor } from './ring-size.js';
import type { RingState } from './ring-state.js';
import { partitionsMoved } from './ring-state.js';

/** Most nodes a simulation grows to (bounds the work: each change is O(Q)). */
export const SIMULATION_NODES_MAX = 10_000;

/** What the last change was: a (re-)founding moves no data, so it has no move figures. */
export type ClaimChange = 'found' | 'join' | 'leave';

export interface ClaimBalanceRow {
  readonly nodes: number;
  readonly partitions: number;
  readonly change: ClaimChange;
  readonly ownedMin: number;
  readonly ownedMax: number;
  readonly ownedAvg: number;
  /** ownedMax / ownedAvg (equal weights). */
  readonly maxOverAvg: number;
  /** Partitions that changed owner in the last change (null after a founding). */
  readonly moves: number | null;
  /** The least a change can move: Q/n for a join, the leaver's partitions for a leave. */
  readonly idealMoves: number | null;
  readonly movesOverIdeal: number | null;
  /** Windows of TARGET_N consecutive partitions repeating an owner (of Q windows). */
  readonly targetNViolations: number;
}

export interface ClaimSimulationOptions {
  /** Grow from 1 to this many nodes, one join at a time. */
  readonly nodesMax: number;
  /**
   * A fixed ring size for the whole run; by default the recommended size for each cluster size,
   * re-founding the ring where it grows (changing Q makes a new cluster).
   */
  readonly ringSize?: number;
  /** Then remove this many nodes one at a time (spread over the members, deterministically). */
  readonly leaves?: number;
  /** Which sizes to report (all by default). Leave rows are always reported. */
  readonly reportAt?: (nodes: number) => boolean;
}

/** Node ids that sort in join order. */
export function simulatedNodeId(i: number): NodeId {
  return `node-${String(i).padStart(5, '0')}`;
}

function rowFor(ring: RingState, change: ClaimChange, moves: number | null, idealMoves: number | null): ClaimBalanceRow {
  const counts = [...ring.ownedCounts().values()];
  const ownedAvg = ring.partitions / counts.length;
  const ownedMax = Math.max(...counts);
  return {
    nodes: counts.length,
    partitions: ring.partitions,
    change,
    ownedMin: Math.min(...counts),
    ownedMax,
    ownedAvg,
    maxOverAvg: ownedMax / ownedAvg,
    moves,
    idealMoves,
    movesOverIdeal: moves === null || idealMoves === null || idealMoves === 0 ? null : moves / idealMoves,
    targetNViolations: targetNViolations(ring.owners),
  };
}

/** Runs the growth (and shrink) and returns one row per reported size. */
export function simulateClaim(options: ClaimSimulationOptions): ClaimBalanceRow[] {
  const { nodesMax, ringSize, leaves = 0, reportAt = () => true } = options;
  if (!Number.isSafeInteger(nodesMax) || nodesMax < 1 || nodesMax > SIMULATION_NODES_MAX) {
    throw new Error(`simulateClaim: nodesMax must be in [1, ${SIMULATION_NODES_MAX}]`);
  }
  if (!Number.isSafeInteger(leaves) || leaves < 0 || leaves >= nodesMax) throw new Error('simulateClaim: bad leave count');
  const rows: ClaimBalanceRow[] = [];
  const members = new Map<NodeId, number>();
  let ring: RingState | null = null;
  for (let n = 1; n <= nodesMax; n++) {
    members.set(simulatedNodeId(n), 1);
    const q = ringSize ?? ringSizeFor(n);
    if (ring === null || ring.partitions !== q) {
      ring = claim(null, members, q);
      if (reportAt(n)) rows.push(rowFor(ring, 'found', null, null));
      continue;
    }
    const next = claim(ring, members);
    if (reportAt(n)) rows.push(rowFor(next, 'join', partitionsMoved(ring, next), q / n));
    ring = next;
  }
  for (let k = 0; k < leaves && ring !== null; k++) {
    // Spread the leavers over the join order (a stride coprime-ish to the size).
    const ids = [...members.keys()];
    const leaver = ids[(k * 7919) % ids.length]!;
    members.delete(leaver);
    const owned = ring.ownedCounts().get(leaver) ?? 0;
    const next = claim(ring, members);
    rows.push(rowFor(next, 'leave', partitionsMoved(ring, next), owned));
    ring = next;
  }
  return rows;
}

/**
 * The bench's table: grow from 1 node to the largest of `sizes` (recommended ring size, re-founded
 * where it grows) and report each requested size.
 */
export function claimBalanceReport(sizes: readonly number[]): ClaimBalanceRow[] {
  const wanted = new Set(sizes);
  return simulateClaim({ nodesMax: Math.max(...sizes), reportAt: (n) => wanted.has(n) });
}
