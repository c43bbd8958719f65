// PostgreSQL's text input and output for every type eon has, and binary input for Bind.

import { EonError } from '../errors/index.js';
import type { ColumnType } from './column-type.js';
import { formatDate, formatTimestamp, parseDate, parseTimestamp } from './datetime.js';
import { formatFloat4, formatFloat8 } from './float-format.js';
import { Interval, formatInterval, parseInterval } from './interval.js';
import { Numeric, pow10 } from './numeric.js';
import { jsonbInput, validateJson } from './jsonb.js';
import type { Value } from './values.js';
import { byteString, byteStringBytes, formatBytea, parseBytea } from './bytea.js';
import { formatTime, parseTime } from './time.js';
import { parseUuid, uuidFromBytes, uuidToBytes } from './uuid.js';

const INT_RANGE = {
  int2: { min: -32768, max: 32767, name: 'smallint' },
  int4: { min: -2147483648, max: 2147483647, name: 'integer' },
} as const;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;
/** Days between 1970-01-01 and PostgreSQL's binary epoch 2000-01-01. */
const PG_EPOCH_DAYS = 10957;
const PG_EPOCH_USECS = PG_EPOCH_DAYS * 86_400_000_000;

export function formatText(type: ColumnType, v: Value): string {
  switch (type.kind) {
    case 'bool':
      return v === true ? 't' : 'f';
    case 'int2':
    case 'int4':
    case 'int8':
      return typeof v === 'number' ? String(v) : String(v);
    case 'float4':
      return formatFloat4(v as number);
    case 'float8':
      return formatFloat8(v as number);
    case 'numeric':
      return (v as Numeric).toString();
    case 'text':
    case 'varchar':
    case 'unknown':
      return typeof v === 'string' ? v : String(v);
    case 'date':
      return formatDate(v as number);
    case 'timestamp':
      return formatTimestamp(v as number, false);
    case 'timestamptz':
      return formatTimestamp(v as number, true);
    case 'interval':
      return formatInterval(v as Interval);
    case 'json':
    case 'jsonb':
      return v as string;
    case 'uuid':
      return v as string;
    case 'bytea':
      return formatBytea(v as string);
    case 'time':
      return formatTime(v as number);
  }
}

/** True when a float literal's mantissa is not all zeros (so a 0 result means underflow). */
function hasNonZeroDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 101 /* e */) return false;
    if (c >= 49 && c <= 57) return true;
  }
  return false;
}

function badInput(typeLabel: string, text: string): EonError {
  return new EonError('invalid_text_representation', `invalid input syntax for type ${typeLabel}: "${text}"`);
}

export function parseText(type: ColumnType, text: string): Value {
  switch (type.kind) {
    case 'bool': {
      const s = text.trim().toLowerCase();
      if (['t', 'tr', 'tru', 'true', 'y', 'ye', 'yes', 'on', '1'].includes(s)) return true;
      if (['f', 'fa', 'fal', 'fals', 'false', 'n', 'no', 'of', 'off', '0'].includes(s)) return false;
      throw badInput('boolean', text);
    }
    case 'int2':
    case 'int4': {
      const r = INT_RANGE[type.kind];
      const s = text.trim();
      if (!/^[+-]?\d+$/.test(s)) throw badInput(r.name, text);
      const n = Number(s);
      if (n < r.min || n > r.max || !Number.isSafeInteger(n)) {
        throw new EonError('numeric_value_out_of_range', `value "${text}" is out of range for type ${r.name}`);
      }
      return n === 0 ? 0 : n;
    }
    case 'int8': {
      const s = text.trim();
      if (!/^[+-]?\d+$/.test(s)) throw badInput('bigint', text);
      const n = BigInt(s);
      if (n < INT8_MIN || n > INT8_MAX) {
        throw new EonError('numeric_value_out_of_range', `value "${text}" is out of range for type bigint`);
      }
      return n;
    }
    case 'float4':
    case 'float8': {
      const label = type.kind === 'float4' ? 'real' : 'double precision';
      const s = text.trim().toLowerCase();
      let v: number;
      if (s === 'nan') v = NaN;
      else if (s === 'infinity' || s === '+infinity' || s === 'inf' || s === '+inf') v = Infinity;
      else if (s === '-infinity' || s === '-inf') v = -Infinity;
      else {
        if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(s)) throw badInput(label, text);
        v = Number(s);
        if (!Number.isFinite(v) || (v === 0 && hasNonZeroDigit(s))) {
          throw new EonError('numeric_value_out_of_range', `"${text}" is out of range for type ${label}`);
        }
      }
      if (type.kind === 'float4') {
        const f = Math.fround(v);
        if ((Number.isFinite(v) && !Number.isFinite(f)) || (f === 0 && v !== 0)) {
          throw new EonError('numeric_value_out_of_range', `"${text}" is out of range for type real`);
        }
        return f;
      }
      return v;
    }
    case 'numeric': {
      const n = Numeric.parse(text);
      return type.precision === undefined ? n : n.toTypmod(type.precision, type.scale ?? 0);
    }
    case 'text':
    case 'unknown':
      return text;
    case 'varchar':
      if (type.length !== undefined && [...text].length > type.length) {
        const trimmed = text.replace(/ +$/, '');
        if ([...trimmed].length > type.length) {
          throw new EonError('string_data_right_truncation', `value too long for type character varying(${type.length})`);
        }
        return [...text].slice(0, type.length).join('');
      }
      return text;
    case 'date':
      return parseDate(text);
    case 'timestamp':
      return parseTimestamp(text, false);
    case 'timestamptz':
      return parseTimestamp(text, true);
    case 'interval':
      return parseInterval(text);
    case 'json':
      validateJson(text);
      return text;
    case 'jsonb':
      return jsonbInput(text);
    case 'uuid':
      return parseUuid(text);
    case 'bytea':
      return parseBytea(text);
    case 'time':
      return parseTime(text, type.precision);
  }
}

function needLength(b: Uint8Array, n: number, label: string): void {
  if (b.byteLength !== n) {
    throw new EonError('invalid_binary_representation', `incorrect binary data format in bind parameter (${label} needs ${n} bytes, got ${b.byteLength})`);
  }
}

/** Binary parameter formats (PostgreSQL's send/recv functions). */
export function parseBinary(type: ColumnType, b: Uint8Array): Value {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  switch (type.kind) {
    case 'bool':
      needLength(b, 1, 'boolean');
      return b[0] !== 0;
    case 'int2':
      needLength(b, 2, 'smallint');
      return view.getInt16(0);
    case 'int4':
      needLength(b, 4, 'integer');
      return view.getInt32(0);
    case 'int8':
      needLength(b, 8, 'bigint');
      return view.getBigInt64(0);
    case 'float4':
      needLength(b, 4, 'real');
      return view.getFloat32(0);
    case 'float8':
      needLength(b, 8, 'double precision');
      return view.getFloat64(0);
    case 'text':
    case 'varchar':
    case 'unknown':
      return parseText(type, Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'));
    case 'date':
      needLength(b, 4, 'date');
      return view.getInt32(0) + PG_EPOCH_DAYS;
    case 'timestamp':
    case 'timestamptz':
      needLength(b, 8, 'timestamp');
      return Number(view.getBigInt64(0)) + PG_EPOCH_USECS;
    case 'json':
      return parseText(type, Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'));
    case 'jsonb':
      // jsonb_recv: a version byte (1), then the text.
      if (b[0] !== 1) throw new EonError('invalid_binary_representation', `unsupported jsonb version number ${b[0] ?? 0}`);
      return jsonbInput(Buffer.from(b.buffer, b.byteOffset + 1, b.byteLength - 1).toString('utf8'));
    case 'interval':
      needLength(b, 16, 'interval');
      return new Interval(view.getInt32(12), view.getInt32(8), Number(view.getBigInt64(0)));
    case 'uuid':
      return uuidFromBytes(b);
    case 'bytea':
      return byteString(b);
    case 'time':
      needLength(b, 8, 'time');
      return Number(view.getBigInt64(0));
    case 'numeric': {
      if (b.byteLength < 8) throw new EonError('invalid_binary_representation', 'insufficient data left in message');
      const ndigits = view.getInt16(0);
      const weight = view.getInt16(2);
      const sign = view.getUint16(4);
      const dscale = view.getInt16(6);
      if (b.byteLength !== 8 + ndigits * 2) throw new EonError('invalid_binary_representation', 'insufficient data left in message');
      if (sign === 0xc000) throw new EonError('feature_not_supported', 'numeric NaN is not supported');
      let coef = 0n;
      for (let i = 0; i < ndigits; i++) coef = coef * 10000n + BigInt(view.getInt16(8 + i * 2));
      // coef currently has scale 4 * (ndigits - weight - 1)
      const haveScale = 4 * (ndigits - weight - 1);
      let n = haveScale >= 0 ? new Numeric(coef, haveScale) : new Numeric(coef * pow10(-haveScale), 0);
      n = new Numeric(n.coefAt(dscale), dscale);
      return sign === 0x4000 ? n.neg() : n;
    }
  }
}

/** PostgreSQL's NBASE: numeric's binary digits are base 10000, four decimal digits each. */
const NBASE_DIGITS = 4;
const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;

/** Binary result formats (PostgreSQL's send functions), the inverse of parseBinary. */
export function formatBinary(type: ColumnType, v: Value): Uint8Array {
  switch (type.kind) {
    case 'bool':
      return Uint8Array.of(v === true ? 1 : 0);
    case 'int2': {
      const b = new Uint8Array(2);
      new DataView(b.buffer).setInt16(0, v as number);
      return b;
    }
    case 'int4':
    case 'date': {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, type.kind === 'date' ? (v as number) - PG_EPOCH_DAYS : (v as number));
      return b;
    }
    case 'int8': {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, v as bigint);
      return b;
    }
    case 'float4': {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setFloat32(0, v as number);
      return b;
    }
    case 'float8': {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v as number);
      return b;
    }
    case 'timestamp':
    case 'timestamptz': {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, BigInt((v as number) - PG_EPOCH_USECS));
      return b;
    }
    case 'interval': {
      const iv = v as Interval;
      const b = new Uint8Array(16);
      const view = new DataView(b.buffer);
      view.setBigInt64(0, BigInt(iv.micros));
      view.setInt32(8, iv.days);
      view.setInt32(12, iv.months);
      return b;
    }
    case 'numeric':
      return numericSend(v as Numeric);
    case 'json':
      return new Uint8Array(Buffer.from(v as string, 'utf8'));
    case 'jsonb':
      return new Uint8Array(Buffer.concat([Uint8Array.of(1), Buffer.from(v as string, 'utf8')]));
    case 'uuid':
      return uuidToBytes(v as string);
    case 'bytea':
      return byteStringBytes(v as string);
    case 'time': {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setBigInt64(0, BigInt(v as number));
      return b;
    }
    case 'text':
    case 'varchar':
    case 'unknown':
      return new Uint8Array(Buffer.from(v as string, 'utf8'));
  }
}

/** numeric_send: ndigits, weight, sign, dscale, then base-10000 digits without zero ends. */
function numericSend(n: Numeric): Uint8Array {
  const fracGroups = Math.ceil(n.scale / NBASE_DIGITS);
  let c = n.coef < 0n ? -n.coef : n.coef;
  c *= pow10(fracGroups * NBASE_DIGITS - n.scale);
  const groups: number[] = [];
  while (c > 0n) {
    groups.push(Number(c % 10000n));
    c /= 10000n;
  }
  groups.reverse();
  let weight = groups.length - 1 - fracGroups;
  let first = 0;
  while (first < groups.length && groups[first] === 0) {
    first++;
    weight--;
  }
  let last = groups.length;
  while (last > first && groups[last - 1] === 0) last--;
  const digits = groups.slice(first, last);
  if (digits.length === 0) weight = 0;
  const b = new Uint8Array(8 + digits.length * 2);
  const view = new DataView(b.buffer);
  view.setInt16(0, digits.length);
  view.setInt16(2, weight);
  view.setUint16(4, n.coef < 0n ? NUMERIC_NEG : NUMERIC_POS);
  view.setInt16(6, n.scale);
  for (let i = 0; i < digits.length; i++) view.setInt16(8 + i * 2, digits[i]!);
  return b;
}
