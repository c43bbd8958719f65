// Order-preserving binary keys: [tableId u32][partition u16][pk values…], compared by memcmp in
// LMDB so that a partition's rows are ordered by primary key as SQL orders them.
//
// Per type: integers and dates are big-endian two's complement with the sign bit flipped; floats
// and timestamps are IEEE-754 bits flipped for order; text is UTF-8 (code point order, PostgreSQL's
// "C" collation) with 0x00 escaped as 00 FF and terminated by 00 00; numeric is sign class, a
// decimal exponent and the normalised digit string (inverted for negatives), so 1.0 and 1.00 encode
// alike and 10 > 9.5 > -3; intervals by their span; bool is one byte; NULL (never in a pk) first.

import { Interval, Numeric } from '../src/types/values.js';
import type { Value } from '../src/types/values.js';
import type { ColumnType } from '../src/types/column-type.js';
import { EonError } from '../src/errors/index.js';
import { jsonbKey } from '../src/types/jsonb.js';
import { ByteWriter } from './byte-writer.js';

/** lmdb-js's maximum key size (LMDB built with a 1978-byte limit). */
export const KEY_BYTES_MAX = 1978;
export const KEY_PREFIX_BYTES = 6;

const NULL_MARK = 0x00;
const VALUE_MARK = 0x01;
const float64Scratch = new DataView(new ArrayBuffer(8));
const textEncoder = new TextEncoder();

const out = new ByteWriter(256);

function writePrefix(w: ByteWriter, tableId: number, partition: number): void {
  w.ensure(KEY_PREFIX_BYTES);
  w.view.setUint32(w.length, tableId >>> 0, false);
  w.view.setUint16(w.length + 4, partition, false);
  w.length += KEY_PREFIX_BYTES;
}

/** The key prefix of one (table, partition): all its keys start with these bytes. */
export function partitionPrefix(tableId: number, partition: number): Buffer {
  const b = Buffer.alloc(KEY_PREFIX_BYTES);
  b.writeUInt32BE(tableId >>> 0, 0);
  b.writeUInt16BE(partition, 4);
  return b;
}

/** The smallest key after every key of (table, partition): the exclusive end of its range. */
export function partitionEnd(tableId: number, partition: number): Buffer {
  if (partition < 0xffff) return partitionPrefix(tableId, partition + 1);
  return partitionPrefix(tableId + 1, 0);
}

/** The smallest key above every key starting with `prefix`. */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! !== 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  throw new EonError('internal_error', 'key prefix has no end');
}

/**
 * The [start, end) bytes of the keys that start with `prefix` and whose next column, `at(value)`
 * being the prefix followed by that value, lies between `lower` and `upper` (absent: unbounded).
 * Every non-NULL value of a column starts with VALUE_MARK (1), so an open lower end skips NULLs.
 */
export function boundedKeyRange(
  prefix: Buffer,
  at: (value: Value) => Buffer,
  lower: { readonly value: Value; readonly inclusive: boolean } | undefined,
  upper: { readonly value: Value; readonly inclusive: boolean } | undefined,
): { start: Buffer; end: Buffer } {
  if (lower === undefined && upper === undefined) return { start: prefix, end: prefixEnd(prefix) };
  const start = lower === undefined ? Buffer.concat([prefix, Buffer.from([1])]) : lower.inclusive ? at(lower.value) : prefixEnd(at(lower.value));
  const end = upper === undefined ? prefixEnd(prefix) : upper.inclusive ? prefixEnd(at(upper.value)) : at(upper.value);
  return { start, end };
}

/** The exclusive end of every key of a table. */
export function tableEnd(tableId: number): Buffer {
  return partitionPrefix(tableId + 1, 0);
}

function writeInt32(w: ByteWriter, n: number): void {
  w.ensure(4);
  w.view.setUint32(w.length, ((n | 0) ^ 0x80000000) >>> 0, false);
  w.length += 4;
}

function writeInt64(w: ByteWriter, n: bigint): void {
  w.ensure(8);
  w.view.setBigUint64(w.length, BigInt.asUintN(64, n) ^ 0x8000000000000000n, false);
  w.length += 8;
}

function writeFloat64(w: ByteWriter, f: number): void {
  float64Scratch.setFloat64(0, f === 0 ? 0 : f, false);
  const hi = float64Scratch.getUint32(0, false);
  const lo = float64Scratch.getUint32(4, false);
  w.ensure(8);
  if (hi & 0x80000000) {
    w.view.setUint32(w.length, ~hi >>> 0, false);
    w.view.setUint32(w.length + 4, ~lo >>> 0, false);
  } else {
    w.view.setUint32(w.length, (hi | 0x80000000) >>> 0, false);
    w.view.setUint32(w.length + 4, lo, false);
  }
  w.length += 8;
}

function writeText(w: ByteWriter, s: string): void {
  const bytes = textEncoder.encode(s);
  w.ensure(bytes.length * 2 + 2);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    w.buf[w.length++] = b;
    if (b === 0) w.buf[w.length++] = 0xff;
  }
  w.buf[w.length++] = 0;
  w.buf[w.length++] = 0;
}

function writeNumeric(w: ByteWriter, v: Numeric): void {
  let coef = v.coef;
  let scale = v.scale;
  if (coef === 0n) {
    w.u8(0x02);
    return;
  }
  const negative = coef < 0n;
  if (negative) coef = -coef;
  let digits = coef.toString();
  // Strip trailing zeros so 1.0 and 1.00 share one encoding; the exponent keeps the magnitude.
  let end = digits.length;
  while (end > 1 && digits.charCodeAt(end - 1) === 48) end--;
  const exponent = digits.length - scale; // digits before the decimal point
  digits = digits.slice(0, end);
  scale = 0;
  w.u8(negative ? 0x01 : 0x03);
  const start = w.length;
  writeInt32(w, exponent);
  w.ensure(digits.length + 1);
  for (let i = 0; i < digits.length; i++) w.buf[w.length++] = digits.charCodeAt(i);
  w.buf[w.length++] = 0;
  if (negative) for (let i = start; i < w.length; i++) w.buf[i] = ~w.buf[i]! & 0xff;
}

function asBigint(v: Value, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new EonError('internal_error', `key value for ${what} is not an integer: ${String(v)}`);
}

function asNumber(v: Value, what: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  throw new EonError('internal_error', `key value for ${what} is not a number: ${String(v)}`);
}

function writeKeyValue(w: ByteWriter, type: ColumnType, v: Value): void {
  if (v === null) {
    w.u8(NULL_MARK);
    return;
  }
  w.u8(VALUE_MARK);
  switch (type.kind) {
    case 'bool':
      w.u8(v === true ? 1 : 0);
      return;
    case 'int2':
    case 'int4':
    case 'date':
      writeInt32(w, asNumber(v, type.kind));
      return;
    case 'int8':
      writeInt64(w, asBigint(v, type.kind));
      return;
    case 'float4':
    case 'float8':
    case 'timestamp':
    case 'timestamptz':
    case 'time':
      writeFloat64(w, asNumber(v, type.kind));
      return;
    case 'numeric':
      if (!(v instanceof Numeric)) throw new EonError('internal_error', 'numeric key value is not a Numeric');
      writeNumeric(w, v);
      return;
    case 'text':
    case 'varchar':
    case 'unknown':
    // uuid's canonical text and bytea's one-char-per-byte string encode in PostgreSQL's byte order.
    case 'uuid':
    case 'bytea':
    case 'json':
      writeText(w, String(v));
      return;
    case 'jsonb':
      // Equal jsonb values ('1.0' and '1') must make one key, as in a PostgreSQL unique index.
      writeText(w, jsonbKey(String(v)));
      return;
    case 'interval': {
      if (!(v instanceof Interval)) throw new EonError('internal_error', 'interval key value is not an Interval');
      // PostgreSQL compares intervals by their span with 30-day months and 24-hour days, so
      // '1 mon' and '30 days' are the same key, as in a PostgreSQL unique index.
      writeFloat64(w, (v.months * 30 + v.days) * 86_400_000_000 + v.micros);
      return;
    }
    default: {
      const never: never = type.kind;
      throw new EonError('internal_error', `no key encoding for ${String(never)}`);
    }
  }
}

/** Encodes (table, partition, key values typed by `types`) into an LMDB key. */
export function encodeKey(tableId: number, partition: number, types: readonly ColumnType[], key: readonly Value[]): Buffer {
  out.reset();
  writePrefix(out, tableId, partition);
  for (let i = 0; i < types.length; i++) writeKeyValue(out, types[i]!, key[i] ?? null);
  if (out.length > KEY_BYTES_MAX) {
    throw new EonError('program_limit_exceeded', `primary key is too long: ${out.length} bytes encoded, limit ${KEY_BYTES_MAX}`);
  }
  return out.toBuffer();
}

/** encodeKey as a latin1 string (one char per byte): cheap to hold and compares like the bytes. */
export function encodeKeyString(tableId: number, partition: number, types: readonly ColumnType[], key: readonly Value[]): string {
  out.reset();
  writePrefix(out, tableId, partition);
  for (let i = 0; i < types.length; i++) writeKeyValue(out, types[i]!, key[i] ?? null);
  if (out.length > KEY_BYTES_MAX) {
    throw new EonError('program_limit_exceeded', `primary key is too long: ${out.length} bytes encoded, limit ${KEY_BYTES_MAX}`);
  }
  return out.toLatin1();
}

/** Reads the partition from an encoded key. */
export function partitionOfEncodedKey(key: Uint8Array): number {
  return (key[4]! << 8) | key[5]!;
}

/** Decodes a hidden row id key (prefix, value mark, int64). */
export function decodeRowIdKey(key: Uint8Array): bigint {
  const view = new DataView(key.buffer, key.byteOffset, key.byteLength);
  return BigInt.asIntN(64, view.getBigUint64(KEY_PREFIX_BYTES + 1, false) ^ 0x8000000000000000n);
}

/**
 * Encodes a secondary index key: [tableId u32][indexId u16][values typed by `types`…][suffix].
 * The suffix (a row's delta key) makes entries of equal values distinct; values are
 * self-delimiting, so every key of one value list shares that list's encoding as a prefix.
 */
export function encodeIndexKey(tableId: number, indexId: number, types: readonly ColumnType[], values: readonly Value[], suffix: Uint8Array | null, indexName: string): Buffer {
  out.reset();
  writePrefix(out, tableId, indexId);
  for (let i = 0; i < types.length; i++) writeKeyValue(out, types[i]!, values[i] ?? null);
  if (suffix !== null) out.bytes(suffix);
  if (out.length > KEY_BYTES_MAX) {
    throw new EonError('program_limit_exceeded', `index row size ${out.length} exceeds maximum ${KEY_BYTES_MAX} for index "${indexName}"`, {
      hint: 'Values larger than the index key limit cannot be indexed.',
    });
  }
  return out.toBuffer();
}
