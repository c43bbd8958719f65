// Columns as data engines see them: one typed-array representation per SQL type (shared by Arrow
// segments and delta batches), conversion of rows to vectors and back, and per-column zone maps.
//
// Representations (the "vector units" zone maps and ZonePredicate values are expressed in):
//   bool → Uint8Array 0/1 · int2 → Int16Array · int4, date → Int32Array · int8 → BigInt64Array
//   float4 → Float32Array · float8, timestamp[tz] → Float64Array
//   numeric(p,s) with p ≤ 15 → Float64Array of the coefficient scaled to s (value × 10^s)
//   other numeric → string[] text form · text, varchar → Int32Array codes + dictionary string[]
//   interval → Float64Array of 3 × length (months, days, micros per row)

import type { ColumnType } from '../src/types/column-type.js';
import { Interval, Numeric } from '../src/types/values.js';
import type { Value } from '../src/types/values.js';
import { EonError } from '../src/errors/index.js';

export interface ColumnVector {
  type: ColumnType;
  values: Int16Array | Int32Array | BigInt64Array | Float32Array | Float64Array | Uint8Array | string[];
  /** For text: values is Int32Array codes into this. */
  dictionary?: string[];
  /** Arrow-style LSB bitmap, 1 = non-null; null = no nulls. */
  validity: Uint8Array | null;
}

export interface ColumnBatch {
  length: number;
  /** The requested columns, in request order. */
  columns: ColumnVector[];
  /** Live row indexes when some rows are dead; null = all live. */
  selection: Uint32Array | null;
}

export type Physical = 'u8' | 'i16' | 'i32' | 'i64' | 'f32' | 'f64' | 'scaled' | 'decimalText' | 'dict' | 'interval';

/** Largest numeric precision whose scaled coefficient is exact in a float64 (10^15 < 2^53). */
export const SCALED_NUMERIC_PRECISION_MAX = 15;

export function physicalOf(type: ColumnType): Physical {
  switch (type.kind) {
    case 'bool':
      return 'u8';
    case 'int2':
      return 'i16';
    case 'int4':
    case 'date':
      return 'i32';
    case 'int8':
      return 'i64';
    case 'float4':
      return 'f32';
    case 'float8':
    case 'timestamp':
    case 'timestamptz':
    case 'time':
      return 'f64';
    case 'numeric':
      return type.precision !== undefined && type.precision <= SCALED_NUMERIC_PRECISION_MAX ? 'scaled' : 'decimalText';
    case 'text':
    case 'varchar':
    case 'unknown':
    case 'uuid':
    case 'bytea':
    case 'json':
    case 'jsonb':
      return 'dict';
    case 'interval':
      return 'interval';
    default: {
      const never: never = type.kind;
      throw new EonError('internal_error', `no vector representation for ${String(never)}`);
    }
  }
}

/** PostgreSQL's text form of a Numeric (scale digits after the point). */
export function numericToText(v: Numeric): string {
  const negative = v.coef < 0n;
  let digits = (negative ? -v.coef : v.coef).toString();
  if (v.scale > 0) {
    if (digits.length <= v.scale) digits = '0'.repeat(v.scale - digits.length + 1) + digits;
    digits = `${digits.slice(0, digits.length - v.scale)}.${digits.slice(digits.length - v.scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/** Parses the text form written by numericToText back into the same Numeric. */
export function numericFromText(s: string): Numeric {
  const dot = s.indexOf('.');
  if (dot < 0) return new Numeric(BigInt(s), 0);
  return new Numeric(BigInt(s.slice(0, dot) + s.slice(dot + 1)), s.length - dot - 1);
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** Rescales a Numeric's coefficient to `scale`, rounding half away from zero as PostgreSQL does. */
export function coefAtScale(v: Numeric, scale: number): bigint {
  if (v.scale === scale) return v.coef;
  if (v.scale < scale) return v.coef * pow10(scale - v.scale);
  const d = pow10(v.scale - scale);
  const q = v.coef / d;
  const r = v.coef % d;
  const twice = (r < 0n ? -r : r) * 2n;
  if (twice >= d) return v.coef < 0n ? q - 1n : q + 1n;
  return q;
}

function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new EonError('internal_error', `expected a number, got ${String(v)}`);
}

function toBigint(v: Value): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return BigInt(v);
  throw new EonError('internal_error', `expected a bigint, got ${String(v)}`);
}

/** Builds the vector of column `ordinal` of `rows`; `pick` maps batch positions to rows. */
export function vectorFromRows(type: ColumnType, rows: readonly (readonly Value[])[], ordinal: number): ColumnVector {
  const n = rows.length;
  const phys = physicalOf(type);
  let validity: Uint8Array | null = null;
  const markNull = (i: number): void => {
    if (validity === null) validity = new Uint8Array((n + 7) >> 3).fill(0xff);
    validity[i >> 3]! &= ~(1 << (i & 7));
  };
  switch (phys) {
    case 'i32':
    case 'f64': {
      // The bulk path's commonest columns: numbers stored as they are, one typed loop.
      const values = phys === 'i32' ? new Int32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = rows[i]![ordinal];
        if (typeof v === 'number') values[i] = v;
        else if (v === null || v === undefined) markNull(i);
        else values[i] = toNumber(v);
      }
      return { type, values, validity };
    }
    case 'u8':
    case 'i16':
    case 'f32': {
      const values = phys === 'u8' ? new Uint8Array(n) : phys === 'i16' ? new Int16Array(n) : new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const v = rows[i]![ordinal] ?? null;
        if (v === null) markNull(i);
        else values[i] = toNumber(v);
      }
      return { type, values, validity };
    }
    case 'i64': {
      const values = new BigInt64Array(n);
      for (let i = 0; i < n; i++) {
        const v = rows[i]![ordinal] ?? null;
        if (v === null) markNull(i);
        else values[i] = toBigint(v);
      }
      return { type, values, validity };
    }
    case 'scaled': {
      const values = new Float64Array(n);
      const scale = type.scale ?? 0;
      for (let i = 0; i < n; i++) {
        const v = rows[i]![ordinal] ?? null;
        if (v === null) markNull(i);
        else if (v instanceof Numeric) values[i] = Number(coefAtScale(v, scale));
        else values[i] = Number(coefAtScale(new Numeric(toBigint(v), 0), scale));
      }
      return { type, values, validity };
    }
    case 'decimalText': {
      const values = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        const v = rows[i]![ordinal] ?? null;
        if (v === null) {
          markNull(i);
          values[i] = '';
        } else values[i] = v instanceof Numeric ? numericToText(v) : String(v);
      }
      return { type, values, validity };
    }
    case 'dict': {
      const codes = new Int32Array(n);
      const dictionary: string[] = [];
      const codeOf = new Map<string, number>();
      // Consecutive rows often repeat a value: the last one's code is checked before the Map.
      let last: string | null = null;
      let lastCode = 0;
      for (let i = 0; i < n; i++) {
        const v = rows[i]![ordinal] ?? null;
        if (v === null) {
          markNull(i);
          continue;
        }
        const s = typeof v === 'string' ? v : String(v);
        if (s === last) {
          codes[i] = lastCode;
          continue;
        }
        let code = codeOf.get(s);
        if (code === undefined) {
          code = dictionary.length;
          dictionary.push(s);
          codeOf.set(s, code);
        }
        codes[i] = code;
        last = s;
        lastCode = code;
      }
      return { type, values: codes, dictionary, validity };
    }
    case 'interval': {
      const values = new Float64Array(n * 3);
      for (let i = 0; i < n; i++) {
        const v = rows[i]![ordinal] ?? null;
        if (v === null) markNull(i);
        else if (v instanceof Interval) {
          values[3 * i] = v.months;
          values[3 * i + 1] = v.days;
          values[3 * i + 2] = v.micros;
        } else throw new EonError('internal_error', `expected an interval, got ${String(v)}`);
      }
      return { type, values, validity };
    }
  }
}

export function isValid(vec: ColumnVector, i: number): boolean {
  return vec.validity === null || (vec.validity[i >> 3]! & (1 << (i & 7))) !== 0;
}

/** The SQL Value at row i of a vector (slow path: point reads and row scans, not kernels). */
export function valueAt(vec: ColumnVector, i: number): Value {
  if (!isValid(vec, i)) return null;
  const phys = physicalOf(vec.type);
  const values = vec.values;
  switch (phys) {
    case 'u8':
      return (values as Uint8Array)[i] === 1;
    case 'i16':
    case 'i32':
    case 'f32':
    case 'f64':
      return (values as Int32Array)[i]!;
    case 'i64':
      return (values as BigInt64Array)[i]!;
    case 'scaled':
      return new Numeric(BigInt((values as Float64Array)[i]!), vec.type.scale ?? 0);
    case 'decimalText':
      return numericFromText((values as string[])[i]!);
    case 'dict':
      return vec.dictionary![(values as Int32Array)[i]!]!;
    case 'interval': {
      const a = values as Float64Array;
      return new Interval(a[3 * i]!, a[3 * i + 1]!, a[3 * i + 2]!);
    }
  }
}

/** Per-column statistics stored beside a segment; min/max in vector units, null if not ordered. */
export interface ZoneMap {
  min: number | null;
  max: number | null;
  nullCount: number;
}

export interface ZonePredicate {
  column: number;
  op: '=' | '<' | '<=' | '>' | '>=';
  value: number;
}

/** Conservative float bounds for bigints beyond 2^53 (the float may round inward). */
function lowerBound(v: bigint): number {
  const f = Number(v);
  return BigInt(f) > v ? f - Math.abs(f) * 2 ** -52 : f;
}
function upperBound(v: bigint): number {
  const f = Number(v);
  return BigInt(f) < v ? f + Math.abs(f) * 2 ** -52 : f;
}

export function zoneMapOf(vec: ColumnVector, length: number): ZoneMap {
  let nullCount = 0;
  for (let i = 0; i < length; i++) if (!isValid(vec, i)) nullCount++;
  const phys = physicalOf(vec.type);
  if (phys === 'decimalText' || phys === 'dict' || phys === 'interval' || nullCount === length) {
    return { min: null, max: null, nullCount };
  }
  if (phys === 'i64') {
    const a = vec.values as BigInt64Array;
    let min: bigint | null = null;
    let max: bigint | null = null;
    for (let i = 0; i < length; i++) {
      if (!isValid(vec, i)) continue;
      const v = a[i]!;
      if (min === null || v < min) min = v;
      if (max === null || v > max) max = v;
    }
    return { min: min === null ? null : lowerBound(min), max: max === null ? null : upperBound(max), nullCount };
  }
  const a = vec.values as Float64Array;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < length; i++) {
    if (!isValid(vec, i)) continue;
    const v = a[i]!;
    if (Number.isNaN(v)) return { min: null, max: null, nullCount };
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max, nullCount };
}

/** False when no row of a zone can satisfy the predicate (comparisons with NULL are never true). */
export function zoneMayMatch(zone: ZoneMap, length: number, p: ZonePredicate): boolean {
  if (zone.nullCount === length) return false;
  if (zone.min === null || zone.max === null) return true;
  switch (p.op) {
    case '=':
      return p.value >= zone.min && p.value <= zone.max;
    case '<':
      return zone.min < p.value;
    case '<=':
      return zone.min <= p.value;
    case '>':
      return zone.max > p.value;
    case '>=':
      return zone.max >= p.value;
  }
}
