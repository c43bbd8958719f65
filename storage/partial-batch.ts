// Partial-aggregate results as Arrow IPC: the per-group key and state arrays a kernel builds in
// a data engine, packed as one record batch, and unpacked on the coordinator.

import { T, type ColumnType } from '../src/types/column-type.js';
import { Numeric, type Value } from '../src/types/values.js';
import { EonError } from '../src/errors/index.js';
import { valueAt, type ColumnVector } from './column-vector.js';
import { decodeSegment, encodeSegment } from './segment.js';

/**
 * How one partial column travels: doubles, 64-bit integers, text, booleans, or integers of any
 * size as decimal text (partial sums of int8 can pass 2^63 within one partition).
 */
export type PartialColumnKind = 'f64' | 'i64' | 'text' | 'bool' | 'bigint';

/**
 * The columns of a partial: `keys[i]` and `states[a]` arrays. A state of stride k holds k values
 * per group, interleaved: the first of kind `kind`, the others doubles; each is one column.
 */
export interface PartialLayout {
  readonly keys: readonly PartialColumnKind[];
  readonly states: readonly { readonly kind: PartialColumnKind; readonly stride: 1 | 2 | 3 }[];
}

export interface PackedPartial {
  readonly ipc: Uint8Array;
  /** A partial integer sum left the range a double holds exactly (the coordinator recomputes). */
  readonly inexact: boolean;
}

/**
 * What a kernel's arrays hold per group: keys and states, strided states interleaved. Unpacked,
 * columns of doubles without NULLs are Float64Arrays.
 */
export interface PartialArrays {
  readonly n: number;
  readonly keys: ArrayLike<unknown>[];
  readonly states: ArrayLike<unknown>[];
  readonly inexact: boolean;
}

const TYPE_OF: Record<PartialColumnKind, ColumnType> = { f64: T.float8, i64: T.int8, text: T.text, bool: T.bool, bigint: T.numeric };

function vectorOf(kind: PartialColumnKind, values: ArrayLike<unknown>, n: number, stride: number, offset: number): ColumnVector {
  let validity: Uint8Array | null = null;
  const isNull = (i: number): boolean => {
    if (values[i * stride + offset] !== null && values[i * stride + offset] !== undefined) return false;
    validity ??= new Uint8Array((n + 7) >> 3).fill(0xff);
    validity[i >> 3]! &= ~(1 << (i & 7));
    return true;
  };
  const at = (i: number): unknown => values[i * stride + offset];
  switch (kind) {
    case 'f64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) if (!isNull(i)) out[i] = Number(at(i));
      return { type: TYPE_OF[kind], values: out, validity };
    }
    case 'i64': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) if (!isNull(i)) out[i] = BigInt(at(i) as bigint | number);
      return { type: TYPE_OF[kind], values: out, validity };
    }
    case 'bool': {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) if (!isNull(i)) out[i] = at(i) === true || at(i) === 1 ? 1 : 0;
      return { type: TYPE_OF[kind], values: out, validity };
    }
    case 'bigint': {
      const out = new Array<string>(n);
      for (let i = 0; i < n; i++) out[i] = isNull(i) ? '' : String(at(i));
      return { type: TYPE_OF[kind], values: out, validity };
    }
    case 'text': {
      const codes = new Int32Array(n);
      const dictionary: string[] = [];
      const codeOf = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        if (isNull(i)) continue;
        const s = String(at(i));
        let c = codeOf.get(s);
        if (c === undefined) {
          c = dictionary.push(s) - 1;
          codeOf.set(s, c);
        }
        codes[i] = c;
      }
      return { type: TYPE_OF[kind], values: codes, dictionary, validity };
    }
  }
}

/** Worker side: the kernel's arrays as one Arrow IPC record batch. */
export function packPartial(arrays: PartialArrays, layout: PartialLayout): PackedPartial {
  const { n } = arrays;
  const vectors: ColumnVector[] = layout.keys.map((kind, i) => vectorOf(kind, arrays.keys[i]!, n, 1, 0));
  layout.states.forEach((s, a) => {
    const values = arrays.states[a]!;
    vectors.push(vectorOf(s.kind, values, n, s.stride, 0));
    for (let k = 1; k < s.stride; k++) vectors.push(vectorOf('f64', values, n, s.stride, k));
  });
  return { ipc: encodeSegment(vectors, n), inexact: arrays.inexact };
}

function plain(kind: PartialColumnKind, v: Value): unknown {
  if (v === null) return null;
  if (kind === 'bigint') return (v as Numeric).coef;
  return v;
}

/** Coordinator side: the arrays back, in the kernel's shape. */
export function unpackPartial(packed: PackedPartial, layout: PartialLayout): PartialArrays {
  const types: ColumnType[] = [...layout.keys.map((k) => TYPE_OF[k])];
  for (const s of layout.states) {
    types.push(TYPE_OF[s.kind]);
    for (let k = 1; k < s.stride; k++) types.push(T.float8);
  }
  const { length: n, vectors } = decodeSegment(packed.ipc, types);
  const column = (c: number, kind: PartialColumnKind): ArrayLike<unknown> => {
    const vec = vectors[c];
    if (vec === undefined) throw new EonError('internal_error', `partial lacks column ${c}`);
    // Doubles without NULLs stay in their typed array: no number is boxed.
    if (kind === 'f64' && vec.validity === null) return (vec.values as Float64Array).subarray(0, n);
    const out = new Array<unknown>(n);
    if (kind === 'f64' || kind === 'i64') {
      // The typed array directly: partials of a high-cardinality GROUP BY hold many groups.
      const values = vec.values as Float64Array;
      const valid = vec.validity;
      for (let i = 0; i < n; i++) out[i] = valid !== null && (valid[i >> 3]! & (1 << (i & 7))) === 0 ? null : values[i]!;
      return out;
    }
    for (let i = 0; i < n; i++) out[i] = plain(kind, valueAt(vec, i));
    return out;
  };
  let c = 0;
  const keys = layout.keys.map((kind) => column(c++, kind));
  const states = layout.states.map((s) => {
    const first = column(c++, s.kind);
    if (s.stride === 1) return first;
    const parts = [first];
    for (let k = 1; k < s.stride; k++) parts.push(column(c++, 'f64'));
    const out: { [i: number]: unknown; length: number } = parts.every((p) => p instanceof Float64Array) ? new Float64Array(n * s.stride) : new Array<unknown>(n * s.stride);
    for (let k = 0; k < s.stride; k++) {
      const part = parts[k]!;
      for (let g = 0; g < n; g++) out[g * s.stride + k] = part[g];
    }
    return out;
  });
  return { n, keys, states, inexact: packed.inexact };
}
