// Dotted version vector sets for the key-value surface (Almeida, Baquero, Gonçalves, Preguiça,
// Fonte: "Dotted Version Vectors: Efficient Causality Tracking for Distributed Key-Value Stores";
// Riak's dvvset): per key, the sibling values still live, each with the dot (node, counter) of the
// write that made it, plus the causal context — so a write that read the key supersedes exactly
// what it read, and writes that did not see each other are both kept as siblings, never dropped.
//
// Representation (canonical, immutable): one entry per node id in UTF-8 byte order, holding the
// highest counter n seen from that node and the live values of its dots n, n-1, …, n-k+1 (newest
// first). Live dots of one node always form such a suffix, because contexts are version vectors
// (covering a dot covers every older dot of that node). Entries with n = 0 are never stored, so
// equal causal states are structurally equal.

import { EonError } from '../../errors/index.js';
import type { NodeId } from '../runtime.js';
import { compareNodeIds, NODE_ID_BYTES_MAX } from './row-version.js';

export interface DvvEntry<V> {
  readonly node: NodeId;
  /** The highest counter of this node's dots that the set has seen. */
  readonly counter: number;
  /** Live values of dots counter, counter-1, …; length ≤ counter. */
  readonly values: readonly V[];
}

export interface DvvSet<V> {
  /** Sorted by compareNodeIds, no duplicates, every counter ≥ 1. */
  readonly entries: readonly DvvEntry<V>[];
}

/** A causal context: for each node, the count of its dots covered (absent = 0). */
export type VersionVector = ReadonlyMap<NodeId, number>;

/** The longest X-Eon-Context header value accepted (base64url characters). */
export const CONTEXT_CHARS_MAX = 8192;
/** Format version of the encoded context; a change here is a protocol change. */
export const CONTEXT_FORMAT_VERSION = 1;

const emptySet: DvvSet<never> = { entries: [] };

export function emptyDvvSet<V>(): DvvSet<V> {
  return emptySet;
}

/** The sibling values, in a deterministic order (by node id, newest dot first). */
export function values<V>(set: DvvSet<V>): V[] {
  const out: V[] = [];
  for (const e of set.entries) for (const v of e.values) out.push(v);
  return out;
}

/** The sibling values with their dots. */
export function dottedValues<V>(set: DvvSet<V>): { node: NodeId; counter: number; value: V }[] {
  const out: { node: NodeId; counter: number; value: V }[] = [];
  for (const e of set.entries) {
    e.values.forEach((value, k) => out.push({ node: e.node, counter: e.counter - k, value }));
  }
  return out;
}

/** How many siblings the set holds. */
export function siblingCount<V>(set: DvvSet<V>): number {
  let n = 0;
  for (const e of set.entries) n += e.values.length;
  return n;
}

/** The causal context a reader gets back and passes with its next write. */
export function context<V>(set: DvvSet<V>): VersionVector {
  const vv = new Map<NodeId, number>();
  for (const e of set.entries) vv.set(e.node, e.counter);
  return vv;
}

/** Values of one entry whose dots the context does not cover. */
function uncovered<V>(entry: DvvEntry<V>, covered: number): readonly V[] {
  const live = entry.counter - covered;
  if (live <= 0) return [];
  return live >= entry.values.length ? entry.values : entry.values.slice(0, live);
}

/**
 * Drops the values the context covers (they are obsolete to whoever read it) and raises each
 * counter to the context's, so the set remembers those dots as seen.
 */
export function discard<V>(set: DvvSet<V>, ctx: VersionVector): DvvSet<V> {
  const byNode = new Map<NodeId, DvvEntry<V>>();
  for (const e of set.entries) {
    const covered = ctx.get(e.node) ?? 0;
    byNode.set(e.node, { node: e.node, counter: Math.max(e.counter, covered), values: uncovered(e, covered) });
  }
  for (const [node, counter] of ctx) {
    if (!byNode.has(node) && counter > 0) byNode.set(node, { node, counter, values: [] });
  }
  return fromEntries([...byNode.values()]);
}

/**
 * A write of value coordinated by node (which must be a replica of the key, so it has seen every
 * dot it ever issued). With a context (what the writer read), it supersedes exactly the values
 * that context covers; without one (a blind write) it becomes a sibling of everything.
 */
export function update<V>(set: DvvSet<V>, ctx: VersionVector | null, node: NodeId, value: V): DvvSet<V> {
  assertNodeId(node);
  const base = ctx === null ? set : discard(set, ctx);
  const entries: DvvEntry<V>[] = [];
  let placed = false;
  for (const e of base.entries) {
    if (e.node === node) {
      entries.push({ node, counter: e.counter + 1, values: [value, ...e.values] });
      placed = true;
    } else {
      entries.push(e);
    }
  }
  if (!placed) entries.push({ node, counter: 1, values: [value] });
  return fromEntries(entries);
}

/**
 * Merges two replicas' sets of one key: the union of what each has seen, keeping a value only
 * if neither side knows it to be obsolete. Commutative, associative and idempotent.
 */
export function sync<V>(a: DvvSet<V>, b: DvvSet<V>): DvvSet<V> {
  if (a === b) return a;
  const out: DvvEntry<V>[] = [];
  let i = 0;
  let j = 0;
  const ae = a.entries;
  const be = b.entries;
  while (i < ae.length || j < be.length) {
    const x = ae[i];
    const y = be[j];
    if (y === undefined || (x !== undefined && compareNodeIds(x.node, y.node) < 0)) {
      out.push(x!);
      i++;
    } else if (x === undefined || compareNodeIds(x.node, y.node) > 0) {
      out.push(y);
      j++;
    } else {
      out.push(mergeEntry(x, y));
      i++;
      j++;
    }
  }
  return { entries: out };
}

/**
 * One node's dots on two replicas: a dot is live where neither side has seen it discarded, i.e.
 * it lies above both sides' "discarded up to" marks (counter - live count).
 */
function mergeEntry<V>(x: DvvEntry<V>, y: DvvEntry<V>): DvvEntry<V> {
  const [hi, lo] = x.counter >= y.counter ? [x, y] : [y, x];
  const hiBase = hi.counter - hi.values.length;
  const loBase = lo.counter - lo.values.length;
  if (hiBase >= loBase) return hi;
  return { node: hi.node, counter: hi.counter, values: hi.values.slice(0, hi.counter - loBase) };
}

/**
 * Resolves the siblings into one value written by node with the set's whole context, as a
 * client that read every sibling and wrote back a merge would (Riak's reconcile).
 */
export function reconcile<V>(set: DvvSet<V>, node: NodeId, merge: (siblings: readonly V[]) => V): DvvSet<V> {
  return update(set, context(set), node, merge(values(set)));
}

/** Last-writer-wins over the siblings by a caller's order (Riak's lww): keeps the greatest. */
export function lastWriterWins<V>(set: DvvSet<V>, node: NodeId, compare: (a: V, b: V) => number): DvvSet<V> {
  return reconcile(set, node, (siblings) => {
    if (siblings.length === 0) throw new Error('lastWriterWins over a set with no values');
    return siblings.reduce((best, v) => (compare(v, best) > 0 ? v : best));
  });
}

/** Whether the context covers every dot of the set (a write with it would supersede them all). */
export function covers<V>(ctx: VersionVector, set: DvvSet<V>): boolean {
  return set.entries.every((e) => (ctx.get(e.node) ?? 0) >= e.counter);
}

/** Structural equality, with a value equality (default ===). */
export function dvvSetsEqual<V>(a: DvvSet<V>, b: DvvSet<V>, same: (x: V, y: V) => boolean = Object.is): boolean {
  if (a.entries.length !== b.entries.length) return false;
  return a.entries.every((x, i) => {
    const y = b.entries[i]!;
    return x.node === y.node && x.counter === y.counter && x.values.length === y.values.length &&
      x.values.every((v, k) => same(v, y.values[k]!));
  });
}

function fromEntries<V>(entries: DvvEntry<V>[]): DvvSet<V> {
  const kept = entries.filter((e) => e.counter > 0);
  kept.sort((x, y) => compareNodeIds(x.node, y.node));
  return { entries: kept };
}

const utf8Encoder = new TextEncoder();

function assertNodeId(node: NodeId): void {
  const n = utf8Encoder.encode(node).length;
  if (n === 0 || n > NODE_ID_BYTES_MAX) throw new Error(`node id must be 1..${NODE_ID_BYTES_MAX} UTF-8 bytes`);
}

// --- the X-Eon-Context header ---------------------------------------------------------------

/**
 * A context as an HTTP header value: base64url of JSON `[version, node, counter, node, counter, …]`
 * with nodes in UTF-8 byte order — canonical, so equal contexts encode alike.
 */
export function encodeContext(ctx: VersionVector): string {
  const nodes = [...ctx.keys()].filter((n) => (ctx.get(n) ?? 0) > 0).sort(compareNodeIds);
  const flat: (string | number)[] = [CONTEXT_FORMAT_VERSION];
  for (const node of nodes) flat.push(node, ctx.get(node)!);
  return Buffer.from(JSON.stringify(flat), 'utf8').toString('base64url');
}

/** Parses a header value; anything malformed or non-canonical is invalid_causal_context. */
export function decodeContext(header: string): VersionVector {
  const bad = (why: string): EonError =>
    new EonError('invalid_causal_context', `invalid X-Eon-Context: ${why}`, {
      hint: 'pass back the context exactly as a read returned it',
    });
  if (header.length > CONTEXT_CHARS_MAX) throw bad(`longer than ${CONTEXT_CHARS_MAX} characters`);
  if (!/^[A-Za-z0-9_-]*$/.test(header)) throw bad('not base64url');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    throw bad('not JSON');
  }
  if (!Array.isArray(parsed) || parsed.length % 2 !== 1) throw bad('not a context array');
  if (parsed[0] !== CONTEXT_FORMAT_VERSION) throw bad(`unknown format ${String(parsed[0])}`);
  const vv = new Map<NodeId, number>();
  let previous: string | null = null;
  for (let i = 1; i < parsed.length; i += 2) {
    const node: unknown = parsed[i];
    const counter: unknown = parsed[i + 1];
    if (typeof node !== 'string') throw bad('node id is not a string');
    const nodeBytes = utf8Encoder.encode(node).length;
    if (nodeBytes === 0 || nodeBytes > NODE_ID_BYTES_MAX) throw bad('node id length out of range');
    if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 1) {
      throw bad('counter is not a positive integer');
    }
    if (previous !== null && compareNodeIds(previous, node) >= 0) throw bad('node ids not in canonical order');
    previous = node;
    vv.set(node, counter);
  }
  return vv;
}

// --- storage / replication form -------------------------------------------------------------

/** A plain (JSON- or msgpack-able) form of a set, for storing it or sending it to a replica. */
export type DvvSetPlain<P> = readonly (readonly [NodeId, number, readonly P[]])[];

export function dvvSetToPlain<V, P>(set: DvvSet<V>, toPlain: (v: V) => P): DvvSetPlain<P> {
  return set.entries.map((e) => [e.node, e.counter, e.values.map(toPlain)] as const);
}

/**
 * Rebuilds a set from its plain form, validating everything (it comes from disk or a peer):
 * malformed input is replica_data_corrupted. fromPlain validates one value (throw to refuse).
 */
export function dvvSetFromPlain<V>(plain: unknown, fromPlain: (p: unknown) => V): DvvSet<V> {
  const bad = (why: string): EonError => new EonError('replica_data_corrupted', `malformed version set: ${why}`);
  if (!Array.isArray(plain)) throw bad('not an array');
  const entries: DvvEntry<V>[] = [];
  let previous: string | null = null;
  for (const item of plain as unknown[]) {
    if (!Array.isArray(item) || item.length !== 3) throw bad('entry is not [node, counter, values]');
    const [node, counter, vals] = item as [unknown, unknown, unknown];
    if (typeof node !== 'string') throw bad('node id is not a string');
    const nodeBytes = utf8Encoder.encode(node).length;
    if (nodeBytes === 0 || nodeBytes > NODE_ID_BYTES_MAX) throw bad('node id length out of range');
    if (typeof counter !== 'number' || !Number.isSafeInteger(counter) || counter < 1) throw bad('bad counter');
    if (!Array.isArray(vals) || vals.length > counter) throw bad('more values than dots');
    if (previous !== null && compareNodeIds(previous, node) >= 0) throw bad('node ids not in canonical order');
    previous = node;
    entries.push({ node, counter, values: (vals as unknown[]).map(fromPlain) });
  }
  return { entries };
}
