// Encodes a query result as an Arrow IPC stream (schema, one record batch, end of stream).
//
// Type mapping: int2/int4/int8 → Int16/Int32/Int64, float4/float8 → Float32/Float64, bool → Bool,
// text/varchar/unknown → Utf8, numeric(p,s) with p ≤ 38 → Decimal128(p,s), unconstrained numeric
// → Utf8 (its exact PostgreSQL text; a per-value scale has no Arrow decimal type), date → DateDay,
// timestamp → Timestamp(µs), timestamptz → Timestamp(µs, "UTC"), interval → Utf8 (PostgreSQL text).

import {
  Bool,
  DateDay,
  Decimal,
  Field,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  RecordBatch,
  RecordBatchStreamWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
  makeData,
  vectorFromArray,
} from 'apache-arrow';
import type { Data, DataType } from 'apache-arrow';
import { Numeric } from '../../src/types/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import { formatText } from '../../src/types/text-io.js';
import type { QueryResult, ResultColumn } from '../../query/session/contract.js';

/** Arrow's Decimal128 holds at most 38 decimal digits. */
export const ARROW_DECIMAL_PRECISION_MAX = 38;
const DECIMAL_WORDS = 4;

export function resultToArrow(result: QueryResult | null): Uint8Array {
  const columns = result?.columns ?? [];
  const rows = result?.rows ?? [];
  const names = uniqueNames(columns);
  const children = columns.map((c, i) => columnData(c.type, rows, i));
  const fields = children.map((d, i) => new Field(names[i]!, d.type as DataType, true));
  const schema = new Schema(fields);
  const batch = new RecordBatch(
    schema,
    makeData({ type: new Struct(fields), length: rows.length, nullCount: 0, children }),
  );
  return RecordBatchStreamWriter.writeAll([batch]).toUint8Array(true);
}

/**
 * apache-arrow (JS) resolves struct children by field name, so two columns both named
 * `?column?` would decode as the same column: repeated names get a `_2`, `_3`… suffix.
 */
function uniqueNames(columns: readonly ResultColumn[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set(columns.map((c) => c.name));
  return columns.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    if (n === 1) return c.name;
    let k = n;
    while (taken.has(`${c.name}_${k}`)) k++;
    const name = `${c.name}_${k}`;
    taken.add(name);
    return name;
  });
}

function columnData(type: ColumnType, rows: readonly Value[][], col: number): Data {
  const length = rows.length;
  const cell = (r: number): Value => rows[r]![col] ?? null;
  switch (type.kind) {
    case 'int2':
      return fixed(new Int16(), new Int16Array(length), rows, col, (v) => Number(v));
    case 'int4':
      return fixed(new Int32(), new Int32Array(length), rows, col, (v) => Number(v));
    case 'date':
      return fixed(new DateDay(), new Int32Array(length), rows, col, (v) => Number(v));
    case 'float4':
      return fixed(new Float32(), new Float32Array(length), rows, col, (v) => Number(v));
    case 'float8':
      return fixed(new Float64(), new Float64Array(length), rows, col, (v) => Number(v));
    case 'int8':
      return fixed(new Int64(), new BigInt64Array(length), rows, col, (v) => BigInt(v as number | bigint));
    case 'timestamp':
      return fixed(new TimestampMicrosecond(), new BigInt64Array(length), rows, col, micros);
    case 'timestamptz':
      return fixed(new TimestampMicrosecond('UTC'), new BigInt64Array(length), rows, col, micros);
    case 'bool': {
      const values: (boolean | null)[] = new Array<boolean | null>(length);
      for (let r = 0; r < length; r++) {
        const v = cell(r);
        values[r] = v === null ? null : v === true;
      }
      return vectorFromArray(values, new Bool()).data[0]!;
    }
    case 'numeric':
      if (type.precision !== undefined && type.precision <= ARROW_DECIMAL_PRECISION_MAX) {
        return decimalData(type.precision, type.scale ?? 0, rows, col);
      }
      return utf8Data(type, rows, col);
    case 'text':
    case 'varchar':
    case 'unknown':
    case 'interval':
    case 'json':
    case 'jsonb':
    case 'uuid':
    case 'bytea':
    case 'time':
      return utf8Data(type, rows, col);
    default:
      return exhaustive(type.kind);
  }
}

type FixedArray = Int16Array | Int32Array | Float32Array | Float64Array | BigInt64Array;

function fixed<A extends FixedArray>(
  type: DataType,
  values: A,
  rows: readonly Value[][],
  col: number,
  convert: (v: Exclude<Value, null>) => A[number],
): Data {
  const length = rows.length;
  const validity = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let r = 0; r < length; r++) {
    const v = rows[r]![col] ?? null;
    if (v === null) {
      nullCount++;
      continue;
    }
    values[r] = convert(v);
    validity[r >> 3]! |= 1 << (r & 7);
  }
  return makeData({
    type,
    length,
    nullCount,
    data: values,
    ...(nullCount === 0 ? {} : { nullBitmap: validity }),
  } as Parameters<typeof makeData>[0]) as Data;
}

function micros(v: Exclude<Value, null>): bigint {
  return typeof v === 'bigint' ? v : BigInt(Math.round(Number(v)));
}

function utf8Data(type: ColumnType, rows: readonly Value[][], col: number): Data {
  const values: (string | null)[] = new Array<string | null>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const v = rows[r]![col] ?? null;
    values[r] = v === null ? null : typeof v === 'string' && type.kind !== 'bytea' ? v : formatText(type, v);
  }
  return vectorFromArray(values, new Utf8()).data[0]!;
}

/** Decimal128 values are 128-bit two's complement integers, four little-endian 32-bit words. */
function decimalData(precision: number, scale: number, rows: readonly Value[][], col: number): Data {
  const length = rows.length;
  const words = new Uint32Array(length * DECIMAL_WORDS);
  const validity = new Uint8Array((length + 7) >> 3);
  let nullCount = 0;
  for (let r = 0; r < length; r++) {
    const v = rows[r]![col] ?? null;
    if (v === null) {
      nullCount++;
      continue;
    }
    let bits = BigInt.asUintN(128, scaledCoefficient(v, scale));
    for (let w = 0; w < DECIMAL_WORDS; w++) {
      words[r * DECIMAL_WORDS + w] = Number(bits & 0xffffffffn);
      bits >>= 32n;
    }
    validity[r >> 3]! |= 1 << (r & 7);
  }
  return makeData({
    type: new Decimal(scale, precision, 128),
    length,
    nullCount,
    data: words,
    ...(nullCount === 0 ? {} : { nullBitmap: validity }),
  });
}

/** The value × 10^scale as an integer, rounding half away from zero like PostgreSQL. */
function scaledCoefficient(v: Exclude<Value, null>, scale: number): bigint {
  if (v instanceof Numeric) {
    if (v.scale === scale) return v.coef;
    if (v.scale < scale) return v.coef * 10n ** BigInt(scale - v.scale);
    const divisor = 10n ** BigInt(v.scale - scale);
    const q = v.coef / divisor;
    const rem = v.coef % divisor;
    const twice = (rem < 0n ? -rem : rem) * 2n;
    return twice >= divisor ? q + (v.coef < 0n ? -1n : 1n) : q;
  }
  if (typeof v === 'bigint') return v * 10n ** BigInt(scale);
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v) * 10n ** BigInt(scale);
  return BigInt(Math.round(Number(v) * 10 ** scale));
}

function exhaustive(k: never): never {
  throw new Error(`unhandled type kind ${String(k)}`);
}
