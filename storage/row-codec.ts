// The compact binary form of a row in a partition delta: a column count, then per value a tag
// byte and its payload. Self-describing, so every Value round-trips exactly (bigint beyond 2^53,
// Numeric coefficient and scale, Interval fields, -0, NaN) without consulting the schema.

import { Interval, Numeric } from '../src/types/values.js';
import type { Value } from '../src/types/values.js';
import { EonError } from '../src/errors/index.js';
import { ByteWriter } from './byte-writer.js';

const TAG_NULL = 0;
const TAG_FALSE = 1;
const TAG_TRUE = 2;
const TAG_INT32 = 3;
const TAG_FLOAT64 = 4;
const TAG_INT64 = 5;
const TAG_BIGINT = 6;
const TAG_TEXT = 7;
const TAG_NUMERIC64 = 8;
const TAG_NUMERIC_BIG = 9;
const TAG_INTERVAL = 10;

/** Rows up to this size are decoded from a reused buffer. */
const ROW_SCRATCH_BYTES = 64 * 1024; // 64 KiB
const int64Min = -(1n << 63n);
const int64Max = (1n << 63n) - 1n;
const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

const out = new ByteWriter(4096);

function writeVarUint(w: ByteWriter, n: number): void {
  w.ensure(5);
  while (n >= 0x80) {
    w.buf[w.length++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  w.buf[w.length++] = n;
}

function writeString(w: ByteWriter, s: string): void {
  // Short ASCII strings are the common case: write them without an encoder call.
  const n = s.length;
  if (n < 128) {
    let ascii = true;
    for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 0x80) { ascii = false; break; }
    if (ascii) {
      w.ensure(n + 1);
      w.buf[w.length++] = n;
      for (let i = 0; i < n; i++) w.buf[w.length++] = s.charCodeAt(i);
      return;
    }
  }
  const bytes = textEncoder.encode(s);
  writeVarUint(w, bytes.length);
  w.bytes(bytes);
}

function writeBigBytes(w: ByteWriter, n: bigint): void {
  const s = n.toString(16);
  w.u8(n < 0n ? 1 : 0);
  writeString(w, n < 0n ? s.slice(1) : s);
}

function writeValue(w: ByteWriter, v: Value): void {
  if (v === null) return w.u8(TAG_NULL);
  switch (typeof v) {
    case 'boolean':
      return w.u8(v ? TAG_TRUE : TAG_FALSE);
    case 'number':
      w.ensure(9);
      if ((v | 0) === v && !Object.is(v, -0)) {
        w.buf[w.length++] = TAG_INT32;
        w.view.setInt32(w.length, v, true);
        w.length += 4;
      } else {
        w.buf[w.length++] = TAG_FLOAT64;
        w.view.setFloat64(w.length, v, true);
        w.length += 8;
      }
      return;
    case 'bigint':
      if (v >= int64Min && v <= int64Max) {
        w.ensure(9);
        w.buf[w.length++] = TAG_INT64;
        w.view.setBigInt64(w.length, v, true);
        w.length += 8;
      } else {
        w.u8(TAG_BIGINT);
        writeBigBytes(w, v);
      }
      return;
    case 'string':
      w.u8(TAG_TEXT);
      return writeString(w, v);
    default:
      break;
  }
  if (v instanceof Numeric) {
    if (v.coef >= int64Min && v.coef <= int64Max) {
      w.u8(TAG_NUMERIC64);
      writeVarUint(w, v.scale);
      w.ensure(8);
      w.view.setBigInt64(w.length, v.coef, true);
      w.length += 8;
    } else {
      w.u8(TAG_NUMERIC_BIG);
      writeVarUint(w, v.scale);
      writeBigBytes(w, v.coef);
    }
    return;
  }
  if (v instanceof Interval) {
    w.ensure(17);
    w.buf[w.length++] = TAG_INTERVAL;
    w.view.setInt32(w.length, v.months, true);
    w.view.setInt32(w.length + 4, v.days, true);
    w.view.setFloat64(w.length + 8, v.micros, true);
    w.length += 16;
    return;
  }
  throw new EonError('internal_error', `cannot encode value ${String(v)}`);
}

/** Encodes a row into a fresh Buffer. */
export function encodeRow(row: readonly Value[]): Buffer {
  out.reset();
  writeVarUint(out, row.length);
  for (let i = 0; i < row.length; i++) writeValue(out, row[i]!);
  return out.toBuffer();
}

/** A cursor over encoded bytes. */
class ByteReader {
  pos = 0;
  buf: Uint8Array = new Uint8Array(0);
  view: DataView = new DataView(this.buf.buffer);
  private readonly scratch = new Uint8Array(ROW_SCRATCH_BYTES);
  private readonly scratchView = new DataView(this.scratch.buffer);

  /** Points the reader at bytes; small rows are copied into a scratch buffer to spare a DataView. */
  reset(bytes: Uint8Array): void {
    this.pos = 0;
    if (bytes.length <= this.scratch.length) {
      // lmdb-js's fast buffers report the value's length but span a larger allocation.
      this.scratch.set(bytes.byteLength === bytes.length ? bytes : bytes.subarray(0, bytes.length));
      this.buf = this.scratch;
      this.view = this.scratchView;
    } else {
      this.buf = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
  }
  u8(): number {
    const b = this.buf[this.pos++];
    if (b === undefined) throw new EonError('internal_error', 'row encoding truncated');
    return b;
  }
  varUint(): number {
    let n = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      n += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return n;
      shift += 7;
    }
  }
  string(): string {
    const n = this.varUint();
    const start = this.pos;
    this.pos += n;
    if (n < 16) {
      let s = '';
      let ascii = true;
      for (let i = start; i < start + n; i++) {
        const c = this.buf[i]!;
        if (c >= 0x80) { ascii = false; break; }
        s += String.fromCharCode(c);
      }
      if (ascii) return s;
    }
    return textDecoder.decode(this.buf.subarray(start, start + n));
  }
  big(): bigint {
    const negative = this.u8() === 1;
    const n = BigInt('0x' + this.string());
    return negative ? -n : n;
  }
}

const reader = new ByteReader();

function readValue(r: ByteReader): Value {
  const tag = r.u8();
  switch (tag) {
    case TAG_NULL:
      return null;
    case TAG_FALSE:
      return false;
    case TAG_TRUE:
      return true;
    case TAG_INT32: {
      const v = r.view.getInt32(r.pos, true);
      r.pos += 4;
      return v;
    }
    case TAG_FLOAT64: {
      const v = r.view.getFloat64(r.pos, true);
      r.pos += 8;
      return v;
    }
    case TAG_INT64: {
      const v = r.view.getBigInt64(r.pos, true);
      r.pos += 8;
      return v;
    }
    case TAG_BIGINT:
      return r.big();
    case TAG_TEXT:
      return r.string();
    case TAG_NUMERIC64: {
      const scale = r.varUint();
      const coef = r.view.getBigInt64(r.pos, true);
      r.pos += 8;
      return new Numeric(coef, scale);
    }
    case TAG_NUMERIC_BIG: {
      const scale = r.varUint();
      return new Numeric(r.big(), scale);
    }
    case TAG_INTERVAL: {
      const months = r.view.getInt32(r.pos, true);
      const days = r.view.getInt32(r.pos + 4, true);
      const micros = r.view.getFloat64(r.pos + 8, true);
      r.pos += 16;
      return new Interval(months, days, micros);
    }
    default:
      throw new EonError('internal_error', `bad row encoding tag ${tag}`);
  }
}

/** Decodes a row encoded by encodeRow. */
export function decodeRow(bytes: Uint8Array): Value[] {
  const r = reader;
  r.reset(bytes);
  const n = r.varUint();
  const row = new Array<Value>(n);
  for (let i = 0; i < n; i++) row[i] = readValue(r);
  return row;
}
