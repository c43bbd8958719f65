// The key-value surface's causal state, pure: each writer node keeps one row per key (its own
// live siblings and the version vector its writes superseded), and a key's siblings are the
// writers' values that no writer's vector covers. Merging is a function of the set of rows, and
// every row has a single writer, so replicas that hold the same rows show the same siblings.

import { EonError } from '../errors/index.js';

/** Node id → highest counter of that node's writes a context covers (dots (n, c) with c ≤ vv[n]). */
export type VersionVector = Readonly<Record<string, number>>;

/** One sibling value a writer put, named by its dot (writer, counter). */
export interface WriterValue {
  readonly counter: number;
  /** The value as JSON text (what the client sent, normalized by JSON.parse/stringify). */
  readonly json: string;
}

/** What one writer holds for one key: the companion table's `state` column. */
export interface WriterRow {
  /** Everything this writer's writes have superseded (the join of the contexts they carried). */
  readonly covered: VersionVector;
  /** This writer's own values not yet known superseded, counters ascending. */
  readonly values: readonly WriterValue[];
}

export interface Sibling {
  readonly writer: string;
  readonly counter: number;
  readonly json: string;
}

/** What a read of a key saw: its live siblings (newest first) and the context covering them all. */
export interface MergedKey {
  readonly siblings: readonly Sibling[];
  readonly context: VersionVector;
  /** The union of the rows' vectors only (what is superseded for good; no live dot). */
  readonly covered: VersionVector;
}

/** Version of the context and row encodings; another version is refused. */
export const KV_STATE_VERSION = 1;
/** Longest X-Eon-Context header accepted, in characters (one entry per writer node). */
export const KV_CONTEXT_CHARS_MAX = 16 * 1024;
/** Most writer entries in a context or a row's vector: more means garbage, not a cluster. */
export const KV_WRITERS_MAX = 256;
/** Longest writer id, in characters. */
export const KV_WRITER_CHARS_MAX = 255;

export const EMPTY_ROW: WriterRow = { covered: {}, values: [] };

export function covers(vv: VersionVector, writer: string, counter: number): boolean {
  return (vv[writer] ?? 0) >= counter;
}

/** The pointwise maximum: everything either vector covers. */
export function joinVectors(a: VersionVector, b: VersionVector): VersionVector {
  const out: Record<string, number> = { ...a };
  for (const [n, c] of Object.entries(b)) if ((out[n] ?? 0) < c) out[n] = c;
  return sortedVector(out);
}

/**
 * A key's siblings given every writer's row: a value survives unless some row's vector covers
 * its dot. The context covers the union of the vectors and every live dot, so a write carrying
 * it supersedes exactly what this read saw (dots of a writer it saw are a prefix of its counters).
 */
export function mergeRows(rows: ReadonlyMap<string, WriterRow>): MergedKey {
  let coveredAll: VersionVector = {};
  for (const row of rows.values()) coveredAll = joinVectors(coveredAll, row.covered);
  const siblings: Sibling[] = [];
  const context: Record<string, number> = { ...coveredAll };
  for (const [writer, row] of rows) {
    for (const v of row.values) {
      if (covers(coveredAll, writer, v.counter)) continue;
      siblings.push({ writer, counter: v.counter, json: v.json });
      if ((context[writer] ?? 0) < v.counter) context[writer] = v.counter;
    }
  }
  siblings.sort((a, b) => b.counter - a.counter || (a.writer < b.writer ? -1 : a.writer > b.writer ? 1 : 0));
  return { siblings, context: sortedVector(context), covered: coveredAll };
}

/**
 * The writer's next row after a write at `counter` carrying `context` (what the client saw; {}
 * without one): the vector grows by the context, the writer drops its own values that the
 * context or `seen` (MergedKey.covered of the rows it read: superseded for good) covers, and a
 * PUT adds its value (json null: a DELETE adds none).
 */
export function nextRow(own: WriterRow, writer: string, seen: VersionVector, context: VersionVector, counter: number, json: string | null): WriterRow {
  if (covers(context, writer, counter) || own.values.some((v) => v.counter >= counter)) {
    throw new Error(`kv: counter ${counter} of ${writer} is not past what it already wrote`);
  }
  const covered = joinVectors(own.covered, context);
  const dead = joinVectors(covered, seen);
  const values = own.values.filter((v) => !covers(dead, writer, v.counter));
  return { covered, values: json === null ? values : [...values, { counter, json }] };
}

/**
 * Two versions of one writer's row joined: a writer's rows only grow (its vector grows, values are
 * appended, and dropped only once covered), so the join is at least as new as either; a writer
 * joins what it read with what it last wrote, so a stale read cannot make it forget a value.
 */
export function joinRows(a: WriterRow, b: WriterRow): WriterRow {
  const covered = joinVectors(a.covered, b.covered);
  const byCounter = new Map<number, WriterValue>();
  for (const v of [...a.values, ...b.values]) byCounter.set(v.counter, v);
  const values = [...byCounter.values()].sort((x, y) => x.counter - y.counter);
  return { covered, values };
}

/** A counter for the writer's next dot: past everything it wrote or was told of, and never backwards. */
export function nextCounter(own: WriterRow, writer: string, context: VersionVector, lastIssued: number, nowMs: number): number {
  let c = Math.max(lastIssued + 1, Math.floor(nowMs), (context[writer] ?? 0) + 1, (own.covered[writer] ?? 0) + 1);
  for (const v of own.values) c = Math.max(c, v.counter + 1);
  return c;
}

function sortedVector(vv: Record<string, number>): VersionVector {
  const out: Record<string, number> = {};
  for (const n of Object.keys(vv).sort()) out[n] = vv[n]!;
  return out;
}

/** The opaque X-Eon-Context value: base64url of {"v":1,"vv":{…}}. */
export function encodeContext(vv: VersionVector): string {
  return Buffer.from(JSON.stringify({ v: KV_STATE_VERSION, vv: sortedVector({ ...vv }) }), 'utf8').toString('base64url');
}

/** A client's X-Eon-Context; anything malformed is invalid_parameter_value (400). */
export function decodeContext(text: string): VersionVector {
  const bad = (why: string): EonError => new EonError('invalid_parameter_value', `malformed X-Eon-Context: ${why} (send back the header a GET returned)`);
  if (text.length > KV_CONTEXT_CHARS_MAX) throw bad('too long');
  if (!/^[A-Za-z0-9_=+/-]*$/.test(text)) throw bad('not base64');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad('not an encoded context');
  }
  if (typeof parsed !== 'object' || parsed === null || (parsed as { v?: unknown }).v !== KV_STATE_VERSION) throw bad('unknown version');
  return parseVector((parsed as { vv?: unknown }).vv, bad);
}

/** The companion row's state text. */
export function encodeRow(row: WriterRow): string {
  return JSON.stringify({ v: KV_STATE_VERSION, covered: row.covered, values: row.values.map((v) => [v.counter, v.json]) });
}

/** A stored row's state; damage is replica_data_corrupted. */
export function decodeRow(text: string): WriterRow {
  const bad = (why: string): EonError => new EonError('replica_data_corrupted', `a key-value sibling row is damaged: ${why}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw bad('not an object');
  const o = parsed as { v?: unknown; covered?: unknown; values?: unknown };
  if (o.v !== KV_STATE_VERSION) throw bad('unknown version');
  const covered = parseVector(o.covered, bad);
  if (!Array.isArray(o.values)) throw bad('no values');
  const values: WriterValue[] = [];
  for (const v of o.values as unknown[]) {
    if (!Array.isArray(v) || v.length !== 2 || !isCounter(v[0]) || typeof v[1] !== 'string') throw bad('a value is not [counter, json]');
    values.push({ counter: v[0], json: v[1] });
  }
  return { covered, values };
}

function isCounter(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x > 0;
}

function parseVector(x: unknown, bad: (why: string) => EonError): VersionVector {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw bad('no version vector');
  const entries = Object.entries(x as Record<string, unknown>);
  if (entries.length > KV_WRITERS_MAX) throw bad(`more than ${KV_WRITERS_MAX} writers`);
  const out: Record<string, number> = {};
  for (const [n, c] of entries) {
    if (n.length === 0 || n.length > KV_WRITER_CHARS_MAX || !isCounter(c)) throw bad('a vector entry is not writer → positive counter');
    out[n] = c;
  }
  return sortedVector(out);
}
