// Gathers the selected rows of a scan's batches into one columnar batch and packs it as Arrow IPC:
// what a scan fragment sends back from a data engine to the coordinator.

import { EonError } from '../src/errors/index.js';
import type { ColumnType } from '../src/types/column-type.js';
import type { Value } from '../src/types/values.js';
import { physicalOf, valueAt, type ColumnBatch, type ColumnVector } from './column-vector.js';
import { decodeSegment, encodeSegment } from './segment.js';

/** Rows a collector reserves room for before it first grows (it doubles after that). */
const COLLECTOR_ROWS_INITIAL = 4096;

type FixedArray = Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array;

/** One output column being filled: a growable typed array (or strings) plus validity. */
class ColumnSink {
  readonly type: ColumnType;
  private readonly width: number;
  private values: FixedArray | null;
  private readonly strings: string[] | null;
  private validity: Uint8Array | null = null;
  /**
   * Dictionary columns: the output dictionary and, for the input dictionary last seen (one per
   * segment), each code's output code (-1 until a selected row uses it). Only strings of selected
   * rows are sent, and none is hashed: a string in two segments is sent twice, which costs less
   * than looking every string up (most text columns worth sending are nearly unique).
   */
  private readonly dictionary: string[] | null;
  private remapFor: string[] | undefined;
  private remap: Int32Array | null = null;

  constructor(type: ColumnType, capacity: number) {
    this.type = type;
    const phys = physicalOf(type);
    this.width = phys === 'interval' ? 3 : 1;
    this.strings = phys === 'decimalText' ? [] : null;
    this.dictionary = phys === 'dict' ? [] : null;
    this.values = phys === 'decimalText' ? null : allocate(phys, capacity * this.width);
  }

  grow(capacity: number): void {
    if (this.values === null) return;
    const next = allocate(physicalOf(this.type), capacity * this.width);
    (next as Int32Array).set(this.values as Int32Array);
    this.values = next;
    if (this.validity !== null) {
      const v = new Uint8Array((capacity + 7) >> 3).fill(0xff);
      v.set(this.validity);
      this.validity = v;
    }
  }

  /** Appends rows `rows[0..count)` of `vec` at output positions `at..at+count`. */
  append(vec: ColumnVector, rows: Uint32Array, count: number, at: number, capacity: number): void {
    const src = vec.validity;
    if (src !== null) {
      for (let j = 0; j < count; j++) {
        const i = rows[j]!;
        if ((src[i >> 3]! & (1 << (i & 7))) !== 0) continue;
        this.validity ??= new Uint8Array((capacity + 7) >> 3).fill(0xff);
        const o = at + j;
        this.validity[o >> 3]! &= ~(1 << (o & 7));
      }
    }
    if (this.strings !== null) {
      const from = vec.values as string[];
      for (let j = 0; j < count; j++) this.strings.push(from[rows[j]!]!);
      return;
    }
    const out = this.values!;
    if (this.dictionary !== null) {
      const codes = vec.values as Int32Array;
      const from = vec.dictionary ?? [];
      const remap = this.remapOf(from);
      const dictionary = this.dictionary;
      const dst = out as Int32Array;
      for (let j = 0; j < count; j++) {
        const c = codes[rows[j]!]!;
        let code = remap[c]!;
        if (code < 0) {
          code = dictionary.push(from[c]!) - 1;
          remap[c] = code;
        }
        dst[at + j] = code;
      }
      return;
    }
    if (this.width === 3) {
      const from = vec.values as Float64Array;
      const dst = out as Float64Array;
      for (let j = 0; j < count; j++) {
        const i = rows[j]! * 3;
        const o = (at + j) * 3;
        dst[o] = from[i]!;
        dst[o + 1] = from[i + 1]!;
        dst[o + 2] = from[i + 2]!;
      }
      return;
    }
    const from = vec.values as Float64Array;
    const dst = out as Float64Array;
    for (let j = 0; j < count; j++) dst[at + j] = from[rows[j]!]!;
  }

  /** Output codes of one input dictionary's codes, filled as rows use them (kept while the segment lasts). */
  private remapOf(dictionary: string[]): Int32Array {
    if (this.remapFor === dictionary && this.remap !== null) return this.remap;
    this.remapFor = dictionary;
    this.remap = new Int32Array(dictionary.length).fill(-1);
    return this.remap;
  }

  vector(length: number): ColumnVector {
    const validity = this.validity === null ? null : this.validity.subarray(0, (length + 7) >> 3);
    if (this.strings !== null) return { type: this.type, values: this.strings, validity };
    const values = this.values!.subarray(0, length * this.width) as FixedArray;
    return this.dictionary !== null ? { type: this.type, values, dictionary: this.dictionary, validity } : { type: this.type, values, validity };
  }
}

function allocate(phys: ReturnType<typeof physicalOf>, n: number): FixedArray {
  switch (phys) {
    case 'u8':
      return new Uint8Array(n);
    case 'i16':
      return new Int16Array(n);
    case 'i32':
    case 'dict':
      return new Int32Array(n);
    case 'i64':
      return new BigInt64Array(n);
    case 'f32':
      return new Float32Array(n);
    case 'f64':
    case 'scaled':
    case 'interval':
      return new Float64Array(n);
    case 'decimalText':
      throw new EonError('internal_error', 'decimal text columns have no typed array');
  }
}

/**
 * Collects rows of batch slots `slots` (positions in each ColumnBatch's columns). Kernels call
 * `add(batch, rows, count)` with the indexes of matching rows, then `finish()`.
 */
export class BatchCollector {
  private readonly slots: readonly number[];
  private sinks: ColumnSink[] | null = null;
  private length = 0;
  private capacity = COLLECTOR_ROWS_INITIAL;

  constructor(slots: readonly number[]) {
    this.slots = slots;
  }

  /** Rows collected so far. */
  get collected(): number {
    return this.length;
  }

  add(batch: ColumnBatch, rows: Uint32Array, count: number): void {
    if (count === 0) return;
    this.sinks ??= this.slots.map((s) => new ColumnSink(batch.columns[s]!.type, this.capacity));
    if (this.length + count > this.capacity) {
      while (this.length + count > this.capacity) this.capacity *= 2;
      for (const sink of this.sinks) sink.grow(this.capacity);
    }
    for (let c = 0; c < this.slots.length; c++) {
      this.sinks[c]!.append(batch.columns[this.slots[c]!]!, rows, count, this.length, this.capacity);
    }
    this.length += count;
  }

  /** Row count and, when any row has a column, the rows as one Arrow IPC record batch. */
  finish(): { rows: number; ipc: Uint8Array | null } {
    if (this.sinks === null || this.sinks.length === 0) return { rows: this.length, ipc: null };
    return { rows: this.length, ipc: encodeSegment(this.sinks.map((s) => s.vector(this.length)), this.length) };
  }
}

/** The coordinator's side, columnar: a collector's IPC batch as column vectors. */
export function vectorsFromBatch(ipc: Uint8Array, types: readonly ColumnType[]): { length: number; vectors: ColumnVector[] } {
  return decodeSegment(ipc, types);
}

/**
 * The coordinator's side: rows of `width` cells from a collector's IPC batch, column `c` of the
 * batch landing in cell `ordinals[c]` (cells no column fills stay null: nobody reads them).
 */
export function rowsFromBatch(ipc: Uint8Array, types: readonly ColumnType[], ordinals: readonly number[], width: number): Value[][] {
  const { length, vectors } = decodeSegment(ipc, types);
  const rows: Value[][] = new Array(length);
  for (let i = 0; i < length; i++) rows[i] = new Array<Value>(width).fill(null);
  vectors.forEach((vec, c) => {
    const at = ordinals[c]!;
    const phys = physicalOf(vec.type);
    const valid = vec.validity;
    const isNull = (i: number): boolean => valid !== null && (valid[i >> 3]! & (1 << (i & 7))) === 0;
    switch (phys) {
      case 'i16':
      case 'i32':
      case 'f32':
      case 'f64':
      case 'i64': {
        const v = vec.values as Float64Array;
        for (let i = 0; i < length; i++) if (!isNull(i)) rows[i]![at] = v[i]!;
        return;
      }
      case 'dict': {
        const v = vec.values as Int32Array;
        const d = vec.dictionary!;
        for (let i = 0; i < length; i++) if (!isNull(i)) rows[i]![at] = d[v[i]!]!;
        return;
      }
      default:
        // Booleans, numerics and intervals become objects per cell anyway.
        for (let i = 0; i < length; i++) if (!isNull(i)) rows[i]![at] = valueAt(vec, i);
    }
  });
  return rows;
}
