// Partition placement: a stable 64-bit hash of a distribution key and the Riak-style slice of it
// that names a partition.
//
// The hash is defined over a canonical byte form of each SQL value, so equal SQL values hash alike
// across types and processes: every integral value (int2/int4/int8, an integral float, a numeric
// with a zero fraction) hashes as the same 64-bit integer; other numerics hash by their normalised
// decimal digits (1.50 and 1.5 alike). Non-integral floats hash by their IEEE bits, so 0.5::float8
// and 0.5::numeric differ — distribution keys of mixed float/numeric types are not co-located.
// Intervals hash by their span, so '1 mon' and '30 days' (equal in PostgreSQL) hash alike.
// The bytes are hashed with two seeded MurmurHash3 (x86, 32-bit) lanes; high lane = top 32 bits.
// Changing anything here moves every row: the golden values in the tests pin it.

import { Interval, Numeric } from '../types/values.js';
import { murmur3x32, murmur3x32Pair, pairLanes } from './murmur3.js';
import type { Value } from '../types/values.js';

const seedHigh = 0x9747b28c;
const seedLow = 0x5bd1e995;
const partitionsMax = 1 << 20;

const TAG_NULL = 0;
const TAG_BOOL = 1;
const TAG_INT = 2;
const TAG_FLOAT = 3;
const TAG_DECIMAL = 4;
const TAG_TEXT = 5;
const TAG_INTERVAL = 6;

const int64Min = -(1n << 63n);
const int64Max = (1n << 63n) - 1n;

/** A growable byte buffer for the canonical form; reused across calls (single-threaded JS). */
class CanonicalBytes {
  buf = new Uint8Array(256);
  view = new DataView(this.buf.buffer);
  length = 0;
  private readonly encoder = new TextEncoder();

  reset(): void {
    this.length = 0;
  }
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(b: number): void {
    this.ensure(1);
    this.buf[this.length++] = b;
  }
  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
  }
  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, v, true);
    this.length += 8;
  }
  int64FromNumber(n: number): void {
    const hi = Math.floor(n / 4294967296);
    this.u32(n - hi * 4294967296);
    this.u32(hi | 0);
  }
  int64FromBigint(n: bigint): void {
    this.u32(Number(BigInt.asUintN(32, n)));
    this.u32(Number(BigInt.asUintN(32, n >> 32n)));
  }
  text(s: string): void {
    this.ensure(s.length * 3 + 4);
    const r = this.encoder.encodeInto(s, this.buf.subarray(this.length + 4));
    this.view.setUint32(this.length, r.written, true);
    this.length += 4 + r.written;
  }
}

const scratch = new CanonicalBytes();

/** Appends the canonical bytes of one value. */
function writeCanonical(out: CanonicalBytes, v: Value): void {
  if (v === null) {
    out.u8(TAG_NULL);
  } else if (typeof v === 'boolean') {
    out.u8(TAG_BOOL);
    out.u8(v ? 1 : 0);
  } else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) {
      out.u8(TAG_INT);
      out.int64FromNumber(v === 0 ? 0 : v);
    } else if (Number.isInteger(v) && v >= -9223372036854775808 && v < 9223372036854775808) {
      out.u8(TAG_INT);
      out.int64FromBigint(BigInt(v));
    } else {
      out.u8(TAG_FLOAT);
      out.f64(Number.isNaN(v) ? NaN : v);
    }
  } else if (typeof v === 'bigint') {
    writeInteger(out, v);
  } else if (typeof v === 'string') {
    out.u8(TAG_TEXT);
    out.text(v);
  } else if (v instanceof Numeric) {
    writeNumeric(out, v);
  } else if (v instanceof Interval) {
    // PostgreSQL compares (and hashes) intervals by their span, 30-day months and 24-hour days:
    // '1 mon' = '30 days'.
    out.u8(TAG_INTERVAL);
    out.f64((v.months * 30 + v.days) * 86_400_000_000 + v.micros);
  } else {
    const never: never = v;
    throw new TypeError(`cannot hash ${String(never)}`);
  }
}

function writeInteger(out: CanonicalBytes, v: bigint): void {
  if (v >= int64Min && v <= int64Max) {
    out.u8(TAG_INT);
    out.int64FromBigint(v);
  } else {
    out.u8(TAG_DECIMAL);
    out.text(`${v}e0`);
  }
}

function writeNumeric(out: CanonicalBytes, v: Numeric): void {
  let coef = v.coef;
  let scale = v.scale;
  while (scale > 0 && coef % 10n === 0n) {
    coef /= 10n;
    scale--;
  }
  while (scale < 0) {
    coef *= 10n;
    scale++;
  }
  if (scale === 0) {
    writeInteger(out, coef);
    return;
  }
  out.u8(TAG_DECIMAL);
  out.text(`${coef}e-${scale}`);
}

function canonical(values: readonly Value[]): CanonicalBytes {
  scratch.reset();
  for (const v of values) writeCanonical(scratch, v);
  return scratch;
}

/** A well-mixed, process- and version-stable 64-bit hash of a distribution key's values. */
export function hashKey(values: readonly Value[]): bigint {
  const c = canonical(values);
  murmur3x32Pair(c.buf, 0, c.length, seedHigh, seedLow);
  return (BigInt(pairLanes[0]!) << 32n) | BigInt(pairLanes[1]!);
}

/** The top 32 bits of hashKey(values), as a number: the fast path for placement. */
export function hashKeyHigh(values: readonly Value[]): number {
  const c = canonical(values);
  return murmur3x32(c.buf, 0, c.length, seedHigh);
}

function partitionBits(partitions: number): number {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > partitionsMax ||
      (partitions & (partitions - 1)) !== 0) {
    throw new RangeError(`partition count must be a power of two in [1, ${partitionsMax}], got ${partitions}`);
  }
  return 31 - Math.clz32(partitions);
}

/** The partition owning a hash: its top log2(partitions) bits, as in Riak's ring. */
export function partitionOf(hash: bigint, partitions: number): number {
  const bits = partitionBits(partitions);
  if (bits === 0) return 0;
  return Number(BigInt.asUintN(64, hash) >> BigInt(64 - bits));
}

/** partitionOf for the top 32 bits from hashKeyHigh (same answer, no bigint). */
export function partitionOfHigh(high: number, partitions: number): number {
  const bits = partitionBits(partitions);
  if (bits === 0) return 0;
  return (high >>> 0) >>> (32 - bits);
}
