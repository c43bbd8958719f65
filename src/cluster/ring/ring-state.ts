// The ring: which node owns each of the Q partitions, the members and their weights, and a
// version bumped by every change. Immutable; a plain-JSON form for gossip and persistence is
// validated on decode (a malformed ring from a peer is refused, never trusted).

import type { NodeId } from '../runtime.js';
import { isRingSize } from './ring-size.js';

/** The weight of a member unless told otherwise (weights are relative hardware capacity). */
export const WEIGHT_DEFAULT = 1;
/** The largest weight accepted: a bound so targets stay exact in floating point. */
export const WEIGHT_MAX = 1_000_000;
/** Longest node id accepted in a decoded ring. */
export const NODE_ID_CHARS_MAX = 256;
/** Most members accepted in a decoded ring. */
export const RING_MEMBERS_MAX = 1 << 16;
/** The version of the JSON form below; a ring in another format is refused. */
export const RING_FORMAT_VERSION = 1;

/** Code-unit order: deterministic and locale-independent (localeCompare is neither). */
export function compareNodeIds(a: NodeId, b: NodeId): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function isValidWeight(w: unknown): w is number {
  return typeof w === 'number' && Number.isFinite(w) && w > 0 && w <= WEIGHT_MAX;
}

export function isValidNodeId(id: unknown): id is NodeId {
  return typeof id === 'string' && id.length > 0 && id.length <= NODE_ID_CHARS_MAX;
}

export class RingState {
  /** Q: the number of partitions, a power of two. */
  readonly partitions: number;
  /** owners[p] is the node owning partition p (p-th slice of the 64-bit hash space). */
  readonly owners: readonly NodeId[];
  readonly version: number;
  /** Member id → weight, in id order. Every owner is a member; a member may own nothing. */
  readonly members: ReadonlyMap<NodeId, number>;
  private countsCache: ReadonlyMap<NodeId, number> | undefined;
  private ownedCache: ReadonlyMap<NodeId, readonly number[]> | undefined;

  /**
   * Validates and freezes; throws on a broken invariant (use decodeRing for untrusted input).
   * `owned` (node → its partitions ascending, as claim already has it) saves the O(Q) owner
   * check and index build; it must describe `owners` exactly.
   */
  constructor(
    partitions: number,
    owners: readonly NodeId[],
    members: ReadonlyMap<NodeId, number>,
    version: number,
    owned?: ReadonlyMap<NodeId, readonly number[]>,
  ) {
    if (!isRingSize(partitions)) throw new Error(`RingState: bad ring size ${partitions}`);
    if (owners.length !== partitions) throw new Error(`RingState: ${owners.length} owners for ${partitions} partitions`);
    if (!Number.isSafeInteger(version) || version < 0) throw new Error(`RingState: bad version ${version}`);
    if (members.size === 0) throw new Error('RingState: a ring has at least one member');
    const sorted = new Map<NodeId, number>();
    const ids = [...members.keys()];
    if (!ids.every((id, i) => i === 0 || compareNodeIds(ids[i - 1]!, id) < 0)) ids.sort(compareNodeIds);
    for (const id of ids) {
      const w = members.get(id);
      if (!isValidNodeId(id) || !isValidWeight(w)) throw new Error(`RingState: bad member ${String(id)} weight ${String(w)}`);
      sorted.set(id, w);
    }
    if (owned === undefined) {
      for (let p = 0; p < partitions; p++) {
        if (!sorted.has(owners[p]!)) throw new Error(`RingState: partition ${p} owned by non-member ${String(owners[p])}`);
      }
    } else {
      let total = 0;
      for (const [id, parts] of owned) {
        if (parts.length > 0 && !sorted.has(id)) throw new Error(`RingState: partitions owned by non-member ${id}`);
        total += parts.length;
      }
      if (total !== partitions) throw new Error('RingState: owned index does not cover the ring');
      this.ownedCache = owned;
    }
    this.partitions = partitions;
    this.owners = Object.freeze([...owners]);
    this.members = sorted;
    this.version = version;
  }

  /** Member ids in id order. */
  get nodes(): NodeId[] {
    return [...this.members.keys()];
  }

  ownerOf(partition: number): NodeId {
    const owner = this.owners[partition];
    if (owner === undefined) throw new Error(`partition ${partition} out of range [0, ${this.partitions})`);
    return owner;
  }

  weightOf(node: NodeId): number | undefined {
    return this.members.get(node);
  }

  /** Partitions owned by `node`, ascending. */
  partitionsOwnedBy(node: NodeId): number[] {
    return [...(this.ownedIndex().get(node) ?? [])];
  }

  /** Each owning node's partitions, ascending (built once per ring). */
  ownedIndex(): ReadonlyMap<NodeId, readonly number[]> {
    if (this.ownedCache === undefined) {
      const index = new Map<NodeId, number[]>();
      for (let p = 0; p < this.partitions; p++) {
        const owner = this.owners[p]!;
        let parts = index.get(owner);
        if (parts === undefined) index.set(owner, (parts = []));
        parts.push(p);
      }
      this.ownedCache = index;
    }
    return this.ownedCache;
  }

  /** Partitions owned per member (0 for a member owning nothing), in id order. */
  ownedCounts(): ReadonlyMap<NodeId, number> {
    if (this.countsCache === undefined) {
      const counts = new Map<NodeId, number>();
      const index = this.ownedIndex();
      for (const id of this.members.keys()) counts.set(id, index.get(id)?.length ?? 0);
      this.countsCache = counts;
    }
    return this.countsCache;
  }

  /** Distinct nodes owning at least one partition. */
  ownerCount(): number {
    let n = 0;
    for (const c of this.ownedCounts().values()) if (c > 0) n++;
    return n;
  }
}

/** Partitions whose owner differs between two rings of the same size (the data a change moves). */
export function partitionsMoved(before: RingState, after: RingState): number {
  if (before.partitions !== after.partitions) throw new Error('partitionsMoved: rings of different sizes');
  let moved = 0;
  for (let p = 0; p < before.partitions; p++) if (before.owners[p] !== after.owners[p]) moved++;
  return moved;
}

/** True when two rings assign the same owners and members with the same weights. */
export function sameAssignment(a: RingState, b: RingState): boolean {
  if (a.partitions !== b.partitions || a.members.size !== b.members.size) return false;
  for (const [id, w] of a.members) if (b.members.get(id) !== w) return false;
  return partitionsMoved(a, b) === 0;
}

/**
 * The ring as plain JSON: members once, owners as indexes into the member list (a 2^20 ring
 * would otherwise repeat node ids a million times).
 */
export interface RingJson {
  readonly format: number;
  readonly partitions: number;
  readonly version: number;
  readonly members: readonly { readonly id: NodeId; readonly weight: number }[];
  readonly owners: readonly number[];
}

export function encodeRing(ring: RingState): RingJson {
  const members = [...ring.members].map(([id, weight]) => ({ id, weight }));
  const index = new Map<NodeId, number>();
  members.forEach((m, i) => index.set(m.id, i));
  return {
    format: RING_FORMAT_VERSION,
    partitions: ring.partitions,
    version: ring.version,
    members,
    owners: ring.owners.map((o) => index.get(o)!),
  };
}

export type RingDecodeResult =
  | { readonly kind: 'ring'; readonly ring: RingState }
  | { readonly kind: 'invalid'; readonly reason: string };

function invalid(reason: string): RingDecodeResult {
  return { kind: 'invalid', reason };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates untrusted JSON (from a peer or from disk); never throws. */
export function decodeRing(json: unknown): RingDecodeResult {
  if (!isRecord(json)) return invalid('not an object');
  if (json.format !== RING_FORMAT_VERSION) return invalid(`unknown format ${String(json.format)}`);
  const { partitions, version, members, owners } = json;
  if (typeof partitions !== 'number' || !isRingSize(partitions)) return invalid(`bad ring size ${String(partitions)}`);
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) return invalid(`bad version ${String(version)}`);
  if (!Array.isArray(members) || members.length === 0 || members.length > RING_MEMBERS_MAX) return invalid('bad member list');
  const memberMap = new Map<NodeId, number>();
  const ids: NodeId[] = [];
  for (const m of members as unknown[]) {
    if (!isRecord(m) || !isValidNodeId(m.id) || !isValidWeight(m.weight)) return invalid('bad member');
    if (memberMap.has(m.id)) return invalid(`duplicate member ${m.id}`);
    memberMap.set(m.id, m.weight);
    ids.push(m.id);
  }
  if (!Array.isArray(owners) || owners.length !== partitions) return invalid('owner list does not match the ring size');
  const ownerIds: NodeId[] = new Array<NodeId>(partitions);
  for (let p = 0; p < partitions; p++) {
    const i: unknown = owners[p];
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= ids.length) return invalid(`bad owner of partition ${p}`);
    ownerIds[p] = ids[i]!;
  }
  return { kind: 'ring', ring: new RingState(partitions, ownerIds, memberMap, version) };
}
