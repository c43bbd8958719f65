// How many partitions a ring has (Q, fixed when the cluster is created) and which Q suits a
// cluster of a given size, so that a balanced claim keeps every node within 10% of the average.

import { EonError } from '../../errors/index.js';

/** eon's default ring size (`--partitions`), as Riak's. */
export const RING_SIZE_DEFAULT = 64;
/** The smallest ring: below this a windowed replica spread and balance are meaningless. */
export const RING_SIZE_MIN = 8;
/** The largest ring: partitionOf slices at most 20 bits of the hash. */
export const RING_SIZE_MAX = 1 << 20;
/**
 * Partitions per node the recommended ring size guarantees. A balanced claim keeps every node's
 * count within [floor(Q/n), ceil(Q/n)], so max/avg ≤ ceil(Q/n)/(Q/n) < 1 + n/Q ≤ 1.1 once
 * Q ≥ 10·n. (Riak recommends 10 to 50 partitions per node for the same reason.)
 */
export const PARTITIONS_PER_NODE_MIN = 10;
/** The balance goal: max/avg partitions per node, equal weights, at the recommended ring size. */
export const BALANCE_MAX_OVER_AVG = 1.1;
/** The cluster size from which the balance goal applies (below it Q/n is small at Q = 64). */
export const BALANCE_NODES_MIN = 10;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

if (!isPowerOfTwo(RING_SIZE_MIN) || !isPowerOfTwo(RING_SIZE_DEFAULT) || !isPowerOfTwo(RING_SIZE_MAX) ||
    RING_SIZE_MIN > RING_SIZE_DEFAULT || RING_SIZE_DEFAULT > RING_SIZE_MAX) {
  throw new Error('ring size constants must be powers of two with MIN ≤ DEFAULT ≤ MAX');
}
if (1 + 1 / PARTITIONS_PER_NODE_MIN > BALANCE_MAX_OVER_AVG + 1e-12) {
  throw new Error('PARTITIONS_PER_NODE_MIN is too small for BALANCE_MAX_OVER_AVG');
}

/** True when q is a valid ring size: a power of two in [RING_SIZE_MIN, RING_SIZE_MAX]. */
export function isRingSize(q: number): boolean {
  return isPowerOfTwo(q) && q >= RING_SIZE_MIN && q <= RING_SIZE_MAX;
}

/** Refuses a ring size a user asked for (e.g. `--partitions 100`) with a typed error. */
export function checkRingSize(q: number): number {
  if (!isRingSize(q)) {
    throw new EonError(
      'invalid_parameter_value',
      `ring size must be a power of two between ${RING_SIZE_MIN} and ${RING_SIZE_MAX}, got ${q}`,
    );
  }
  return q;
}

/**
 * The recommended ring size for a cluster of `nodes`: the smallest power of two that is at least
 * RING_SIZE_DEFAULT and gives PARTITIONS_PER_NODE_MIN partitions per node, capped at RING_SIZE_MAX
 * (beyond RING_SIZE_MAX / PARTITIONS_PER_NODE_MIN nodes the guarantee no longer holds).
 */
export function ringSizeFor(nodes: number): number {
  if (!Number.isSafeInteger(nodes) || nodes < 1) throw new Error(`ringSizeFor: bad node count ${nodes}`);
  let q = RING_SIZE_DEFAULT;
  while (q < nodes * PARTITIONS_PER_NODE_MIN && q < RING_SIZE_MAX) q *= 2;
  return q;
}

/** The cluster sizes one ring size serves (those ringSizeFor maps to it). */
export interface RingSizeRange {
  readonly partitions: number;
  readonly nodesMin: number;
  readonly nodesMax: number;
  /** Partitions per node at nodesMax (the fewest). */
  readonly partitionsPerNodeMin: number;
  /** Partitions per node at nodesMin (the most). */
  readonly partitionsPerNodeMax: number;
}

/** The largest cluster the default ring size (64) is recommended for. */
export const RING_SIZE_DEFAULT_NODES_MAX = Math.floor(RING_SIZE_DEFAULT / PARTITIONS_PER_NODE_MIN);

/** Which cluster sizes each ring size from RING_SIZE_DEFAULT up to `partitionsMax` serves. */
export function ringSizeTable(partitionsMax: number = RING_SIZE_MAX): RingSizeRange[] {
  const rows: RingSizeRange[] = [];
  let nodesMin = 1;
  for (let q = RING_SIZE_DEFAULT; q <= Math.min(partitionsMax, RING_SIZE_MAX); q *= 2) {
    const nodesMax = Math.floor(q / PARTITIONS_PER_NODE_MIN);
    if (nodesMax < nodesMin) continue;
    rows.push({
      partitions: q,
      nodesMin,
      nodesMax,
      partitionsPerNodeMin: q / nodesMax,
      partitionsPerNodeMax: q / nodesMin,
    });
    nodesMin = nodesMax + 1;
  }
  return rows;
}
