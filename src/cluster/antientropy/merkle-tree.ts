// The Merkle tree one partition replica keeps over its rows for anti-entropy: two replicas compare
// trees top-down and exchange only the rows of the leaf segments whose hashes differ.
//
// Keys hash into MERKLE_SEGMENTS leaf segments. A segment's hash is the sum mod 2^64 of its
// entries' 64-bit hashes of (key, versionDigest) — order-independent and invertible, so a row write
// costs O(1): add the new entry's hash and subtract the one it replaces. The caller (the storage,
// which owns the keys) must pass the digest being replaced, because the tree keeps no keys.
// Inner levels (fan-out MERKLE_FANOUT) are recomputed lazily, only where dirty, when read.
//
// Levels are numbered from the root: level 0 is the root (one node), level d has FANOUT^d nodes,
// and level MERKLE_DEPTH holds the segments themselves.

import { EonError } from '../../errors/index.js';
import { digest64, fmix32, highLane, joinLanes, lowLane, murmur3x32, murmur3x32Pair, pairLanes } from '../version/digest.js';

/** Leaf segments per tree (a power of MERKLE_FANOUT). More segments: smaller repairs, bigger trees. */
export const MERKLE_SEGMENTS = 1024;
/** Children per inner node: hashes per exchange round trip. */
export const MERKLE_FANOUT = 32;
/** Levels below the root: log_FANOUT(SEGMENTS). */
export const MERKLE_DEPTH = 2;
/** Format of serializeLeaves' output; a change here is a storage and protocol change. */
export const MERKLE_FORMAT_VERSION = 1;

const fanoutBits = 31 - Math.clz32(MERKLE_FANOUT);
const segmentBits = 31 - Math.clz32(MERKLE_SEGMENTS);
if (MERKLE_FANOUT !== 1 << fanoutBits || MERKLE_FANOUT < 2) throw new Error('MERKLE_FANOUT must be a power of two ≥ 2');
if (MERKLE_FANOUT ** MERKLE_DEPTH !== MERKLE_SEGMENTS) throw new Error('MERKLE_SEGMENTS must be MERKLE_FANOUT ** MERKLE_DEPTH');

/** Seeds of the key hash lanes: the high lane also picks the segment. */
const KEY_SEED_HIGH = 0x6d2b79f5;
const KEY_SEED_LOW = 0x1b56c4e9;
const INNER_SEED_HIGH = 0x3c6ef372;
const INNER_SEED_LOW = 0xa54ff53a;
const MAGIC = [0x45, 0x4d, 0x4b]; // "EMK"
const HEADER_BYTES = 8;
const CHECKSUM_BYTES = 8;
/** Length of serializeLeaves' output. */
export const MERKLE_SERIALIZED_BYTES = HEADER_BYTES + MERKLE_SEGMENTS * 8 + CHECKSUM_BYTES;

const uint64Max = (1n << 64n) - 1n;

/** The leaf segment a key belongs to (the storage groups its keys by this to repair a segment). */
export function segmentOf(keyBytes: Uint8Array, start = 0): number {
  return murmur3x32(keyBytes, start, keyBytes.length, KEY_SEED_HIGH) >>> (32 - segmentBits);
}

/** The number of nodes on a level. */
export function levelWidth(level: number): number {
  return MERKLE_FANOUT ** level;
}

// The entry hash of the last call to entryHash, in two lanes: no allocation per put.
let entryHigh = 0;
let entryLow = 0;

function entryHash(keyHigh: number, keyLow: number, digestHigh: number, digestLow: number): void {
  const h = fmix32((keyHigh ^ digestHigh) + Math.imul(keyLow ^ digestLow, 0x9e3779b1));
  entryLow = fmix32((keyLow ^ digestLow) + Math.imul(h ^ digestHigh, 0x85ebca6b) + keyHigh);
  entryHigh = h;
}

/** MurmurHash3-style hash of words[start, end) (inner nodes hash their children's lanes). */
function hashWords(words: Uint32Array, start: number, end: number, seed: number): number {
  let h = seed;
  for (let i = start; i < end; i++) {
    let k = Math.imul(words[i]!, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  return fmix32(h ^ ((end - start) * 4));
}

export class MerkleTree {
  /** levels[d]: FANOUT^d nodes as interleaved (high, low) uint32 lanes. */
  private readonly levels: Uint32Array[] = [];
  /** dirty[d] for inner levels: 1 where a descendant segment changed since the last recompute. */
  private readonly dirty: Uint8Array[] = [];
  private anyDirty = true;

  constructor() {
    for (let d = 0; d <= MERKLE_DEPTH; d++) {
      this.levels.push(new Uint32Array(2 * levelWidth(d)));
      if (d < MERKLE_DEPTH) this.dirty.push(new Uint8Array(levelWidth(d)).fill(1));
    }
  }

  /**
   * Records that key now holds versionDigest. When the key held an entry before, previousDigest
   * MUST be that entry's digest (the tree cannot look it up): a missing or wrong one leaves the
   * old entry counted and this replica's tree differing from its peers' until rebuilt by a scan.
   */
  put(keyBytes: Uint8Array, versionDigest: bigint, previousDigest?: bigint): void {
    this.putFrom(keyBytes, 0, versionDigest, previousDigest);
  }

  /**
   * As put, the key being bytes[start..]: a scan over stored keys (which carry a prefix the tree
   * does not hash) need not make a subarray per entry.
   */
  putFrom(bytes: Uint8Array, start: number, versionDigest: bigint, previousDigest?: bigint): void {
    murmur3x32Pair(bytes, start, bytes.length, KEY_SEED_HIGH, KEY_SEED_LOW);
    const keyHigh = pairLanes[0]!;
    const keyLow = pairLanes[1]!;
    const segment = keyHigh >>> (32 - segmentBits);
    if (previousDigest !== undefined) {
      entryHash(keyHigh, keyLow, highLane(previousDigest), lowLane(previousDigest));
      this.subtract(segment, entryHigh, entryLow);
    }
    entryHash(keyHigh, keyLow, highLane(versionDigest), lowLane(versionDigest));
    this.add(segment, entryHigh, entryLow);
    this.markDirty(segment);
  }

  /** Records that key, which held digest, is gone (digest MUST be the entry's, as for put). */
  remove(keyBytes: Uint8Array, digest: bigint): void {
    murmur3x32Pair(keyBytes, 0, keyBytes.length, KEY_SEED_HIGH, KEY_SEED_LOW);
    const keyHigh = pairLanes[0]!;
    const keyLow = pairLanes[1]!;
    const segment = keyHigh >>> (32 - segmentBits);
    entryHash(keyHigh, keyLow, highLane(digest), lowLane(digest));
    this.subtract(segment, entryHigh, entryLow);
    this.markDirty(segment);
  }

  /** The root hash: equal roots mean (barring a 2^-64 accident) equal replicas. */
  root(): bigint {
    return this.levelHashes(0, [0])[0]!;
  }

  /** One segment's hash. */
  segmentHash(segment: number): bigint {
    return this.levelHashes(MERKLE_DEPTH, [segment])[0]!;
  }

  /**
   * The hashes of the given nodes of a level (answering a peer's exchange request). Out-of-range
   * levels or indices come from a malformed peer message: replica_data_corrupted.
   */
  levelHashes(level: number, indices: readonly number[]): bigint[] {
    if (!Number.isInteger(level) || level < 0 || level > MERKLE_DEPTH) {
      throw new EonError('replica_data_corrupted', `Merkle level ${level} out of range 0..${MERKLE_DEPTH}`);
    }
    this.recompute();
    const width = levelWidth(level);
    const words = this.levels[level]!;
    return indices.map((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= width) {
        throw new EonError('replica_data_corrupted', `Merkle node ${i} out of range on level ${level}`);
      }
      return joinLanes(words[2 * i]!, words[2 * i + 1]!);
    });
  }

  /** Every hash of a level, in node order (level 0 is [root]). */
  level(level: number): bigint[] {
    return this.levelHashes(level, Array.from({ length: levelWidth(Math.max(0, Math.min(level, MERKLE_DEPTH))) }, (_, i) => i));
  }

  /** An independent copy. */
  clone(): MerkleTree {
    const copy = new MerkleTree();
    copy.levels[MERKLE_DEPTH]!.set(this.levels[MERKLE_DEPTH]!);
    return copy;
  }

  /**
   * The segment hashes as bytes, for persisting the tree beside the data (or shipping it):
   * "EMK", format, segment count (u32), 8 bytes per segment, a digest of all of it.
   */
  serializeLeaves(): Uint8Array {
    const out = new Uint8Array(MERKLE_SERIALIZED_BYTES);
    const view = new DataView(out.buffer);
    out.set(MAGIC, 0);
    out[3] = MERKLE_FORMAT_VERSION;
    view.setUint32(4, MERKLE_SEGMENTS);
    const leaves = this.levels[MERKLE_DEPTH]!;
    for (let s = 0; s < MERKLE_SEGMENTS; s++) {
      view.setUint32(HEADER_BYTES + 8 * s, leaves[2 * s]!);
      view.setUint32(HEADER_BYTES + 8 * s + 4, leaves[2 * s + 1]!);
    }
    const checksum = digest64(out, MERKLE_SERIALIZED_BYTES - CHECKSUM_BYTES);
    view.setBigUint64(MERKLE_SERIALIZED_BYTES - CHECKSUM_BYTES, checksum);
    return out;
  }

  /** Restores serializeLeaves' output; anything damaged or of another shape is replica_data_corrupted. */
  static fromLeaves(bytes: Uint8Array): MerkleTree {
    const bad = (why: string): EonError => new EonError('replica_data_corrupted', `Merkle leaves: ${why}`, {
      hint: 'rebuild the tree by scanning the partition',
    });
    if (bytes.length !== MERKLE_SERIALIZED_BYTES) throw bad(`expected ${MERKLE_SERIALIZED_BYTES} bytes, got ${bytes.length}`);
    if (bytes[0] !== MAGIC[0] || bytes[1] !== MAGIC[1] || bytes[2] !== MAGIC[2]) throw bad('bad magic');
    if (bytes[3] !== MERKLE_FORMAT_VERSION) throw bad(`unknown format ${bytes[3]}`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (view.getUint32(4) !== MERKLE_SEGMENTS) throw bad(`segment count ${view.getUint32(4)} ≠ ${MERKLE_SEGMENTS}`);
    const checksum = view.getBigUint64(MERKLE_SERIALIZED_BYTES - CHECKSUM_BYTES);
    if (checksum !== digest64(bytes, MERKLE_SERIALIZED_BYTES - CHECKSUM_BYTES)) throw bad('checksum mismatch');
    const tree = new MerkleTree();
    const leaves = tree.levels[MERKLE_DEPTH]!;
    for (let s = 0; s < MERKLE_SEGMENTS; s++) {
      leaves[2 * s] = view.getUint32(HEADER_BYTES + 8 * s);
      leaves[2 * s + 1] = view.getUint32(HEADER_BYTES + 8 * s + 4);
    }
    return tree;
  }

  private add(segment: number, high: number, low: number): void {
    const leaves = this.levels[MERKLE_DEPTH]!;
    const oldLow = leaves[2 * segment + 1]!;
    const newLow = (oldLow + low) >>> 0;
    leaves[2 * segment + 1] = newLow;
    leaves[2 * segment] = leaves[2 * segment]! + high + (newLow < oldLow ? 1 : 0);
  }

  private subtract(segment: number, high: number, low: number): void {
    const leaves = this.levels[MERKLE_DEPTH]!;
    const oldLow = leaves[2 * segment + 1]!;
    leaves[2 * segment + 1] = oldLow - low;
    leaves[2 * segment] = leaves[2 * segment]! - high - (oldLow < low ? 1 : 0);
  }

  private markDirty(segment: number): void {
    for (let d = MERKLE_DEPTH - 1; d >= 0; d--) {
      this.dirty[d]![segment >>> (fanoutBits * (MERKLE_DEPTH - d))] = 1;
    }
    this.anyDirty = true;
  }

  private recompute(): void {
    if (!this.anyDirty) return;
    for (let d = MERKLE_DEPTH - 1; d >= 0; d--) {
      const flags = this.dirty[d]!;
      const words = this.levels[d]!;
      const children = this.levels[d + 1]!;
      for (let i = 0; i < flags.length; i++) {
        if (flags[i] === 0) continue;
        flags[i] = 0;
        const start = 2 * MERKLE_FANOUT * i;
        const end = start + 2 * MERKLE_FANOUT;
        words[2 * i] = hashWords(children, start, end, INNER_SEED_HIGH);
        words[2 * i + 1] = hashWords(children, start, end, INNER_SEED_LOW);
      }
    }
    this.anyDirty = false;
  }
}

/** One step of an exchange: the nodes of a level whose hashes the asking side wants. */
export interface LevelRequest {
  readonly level: number;
  readonly indices: readonly number[];
}

/**
 * The asking side of a top-down tree comparison. It asks the peer for the root, then for the
 * children of every node that differed, level by level, and ends with the differing segments:
 * O(depth × fan-out) hashes per differing segment instead of all MERKLE_SEGMENTS.
 *
 *   const walk = new MerkleWalk(localTree);
 *   let request = walk.start();
 *   while (request) request = walk.next(request, peerTree.levelHashes(request.level, request.indices));
 *   walk.differingSegments();
 *
 * The local tree should not change during a walk (or the result is merely approximate, which
 * the next round of anti-entropy corrects).
 */
export class MerkleWalk {
  private readonly local: MerkleTree;
  private readonly differing: number[] = [];
  private finished = false;
  /** Hash comparisons made so far. */
  comparisons = 0;

  constructor(local: MerkleTree) {
    this.local = local;
  }

  start(): LevelRequest {
    return { level: 0, indices: [0] };
  }

  /**
   * Compares the peer's hashes for request with the local ones; returns the next request, or null
   * when the walk is over. A reply that does not fit the request is replica_data_corrupted.
   */
  next(request: LevelRequest, remoteHashes: readonly bigint[]): LevelRequest | null {
    if (this.finished) throw new Error('MerkleWalk.next after the walk finished');
    if (remoteHashes.length !== request.indices.length) {
      throw new EonError('replica_data_corrupted', `Merkle reply has ${remoteHashes.length} hashes for ${request.indices.length} nodes`);
    }
    const localHashes = this.local.levelHashes(request.level, request.indices);
    const differingNodes: number[] = [];
    for (let k = 0; k < localHashes.length; k++) {
      const remote = remoteHashes[k];
      if (typeof remote !== 'bigint' || remote < 0n || remote > uint64Max) {
        throw new EonError('replica_data_corrupted', 'Merkle reply holds a hash that is not a 64-bit integer');
      }
      this.comparisons++;
      if (remote !== localHashes[k]) differingNodes.push(request.indices[k]!);
    }
    if (request.level === MERKLE_DEPTH) {
      this.differing.push(...differingNodes);
      this.finished = true;
      return null;
    }
    if (differingNodes.length === 0) {
      this.finished = true;
      return null;
    }
    const indices: number[] = [];
    for (const node of differingNodes) {
      for (let c = 0; c < MERKLE_FANOUT; c++) indices.push(node * MERKLE_FANOUT + c);
    }
    return { level: request.level + 1, indices };
  }

  /** The segments whose hashes differ, ascending (complete once next returned null). */
  differingSegments(): readonly number[] {
    return this.differing;
  }
}

/** Runs a whole walk between two local trees (tests, and replicas sharing a process). */
export function diffTrees(local: MerkleTree, remote: MerkleTree): { segments: number[]; comparisons: number } {
  const walk = new MerkleWalk(local);
  let request: LevelRequest | null = walk.start();
  while (request !== null) request = walk.next(request, remote.levelHashes(request.level, request.indices));
  return { segments: [...walk.differingSegments()].sort((a, b) => a - b), comparisons: walk.comparisons };
}
