// RowDescription and DataRow: result columns and values in text or binary format, written straight into the output buffer.

import { EonError } from '../../src/errors/index.js';
import { typeModifier, typeOid, typeSize, typeName } from '../../src/types/index.js';
import type { ColumnType, TypeKind, Value } from '../../src/types/index.js';
import type { Interval, Numeric } from '../../src/types/index.js';
import { formatBinary, formatText } from '../../src/types/text-io.js';
import type { ResultColumn } from '../../query/session/contract.js';
import type { MessageWriter } from './message-writer.js';

export const FORMAT_TEXT = 0;
export const FORMAT_BINARY = 1;

/** Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01, in which binary dates are counted. */
const PG_EPOCH_DAYS = 10_957;
/** The same offset in microseconds, for binary timestamps. */
const PG_EPOCH_MICROS = 946_684_800_000_000n;

/** Kinds eon can send in binary: all it has today; the check stays for kinds added later. */
const BINARY_KINDS: ReadonlySet<TypeKind> = new Set<TypeKind>([
  'bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'unknown',
  'date', 'timestamp', 'timestamptz', 'interval',
  'uuid', 'bytea', 'time',
  'json', 'jsonb',
]);

const NUMERIC_POS = 0x0000;
const NUMERIC_NEG = 0x4000;

/**
 * Expands the Bind message's result format codes to one per column (none → text, one → all),
 * rejecting counts that match neither and binary for types eon cannot encode.
 */
export function resolveResultFormats(
  codes: readonly number[],
  columns: readonly ResultColumn[] | null,
): readonly number[] | null {
  const n = columns?.length ?? 0;
  if (codes.length > 1 && codes.length !== n) {
    throw new EonError('protocol_violation', `bind message has ${codes.length} result formats but query has ${n} columns`);
  }
  if (columns === null) return null;
  if (codes.length === 0 || (codes.length === 1 && codes[0] === FORMAT_TEXT)) return null; // all text
  const formats = columns.map((_, i) => (codes.length === 1 ? (codes[0] as number) : (codes[i] as number)));
  for (let i = 0; i < n; i++) {
    const type = (columns[i] as ResultColumn).type;
    if (formats[i] === FORMAT_BINARY && !BINARY_KINDS.has(type.kind)) {
      throw new EonError('feature_not_supported', `binary output format is not supported for type ${typeName(type)}`);
    }
  }
  return formats;
}

/** `formats` null means every column is text. */
export function writeRowDescription(
  w: MessageWriter,
  columns: readonly ResultColumn[],
  formats: readonly number[] | null,
): void {
  w.begin(0x54); // 'T'
  w.int16(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i] as ResultColumn;
    w.cstring(c.name);
    w.int32(0); // table OID: eon has no pg_class to point into
    w.int16(0); // attribute number
    w.uint32(typeOid(c.type));
    w.int16(typeSize(c.type));
    w.int32(typeModifier(c.type));
    w.int16(formats === null ? FORMAT_TEXT : (formats[i] as number));
  }
  w.end();
}

/** Writes one DataRow. Text values are encoded in place; nothing is allocated besides each value's text. */
export function writeDataRow(
  w: MessageWriter,
  types: readonly ColumnType[],
  row: readonly Value[],
  formats: readonly number[] | null,
): void {
  w.begin(0x44); // 'D'
  const n = types.length;
  w.int16(n);
  for (let i = 0; i < n; i++) {
    const v = row[i] ?? null;
    if (v === null) {
      w.int32(-1);
      continue;
    }
    const type = types[i] as ColumnType;
    if (formats !== null && formats[i] === FORMAT_BINARY) {
      writeBinaryValue(w, type, v);
    } else if (typeof v === 'string' && type.kind !== 'bytea') {
      // text, varchar and unknown print as themselves (bytea's byte strings do not); skipping formatText saves a call per value.
      w.lengthPrefixedUtf8(v);
    } else {
      w.lengthPrefixedUtf8(formatText(type, v));
    }
  }
  w.end();
}

function writeBinaryValue(w: MessageWriter, type: ColumnType, v: Value): void {
  switch (type.kind) {
    case 'bool':
      w.int32(1);
      w.int8(v === true ? 1 : 0);
      return;
    case 'int2':
      w.int32(2);
      w.int16(Number(v));
      return;
    case 'int4':
      w.int32(4);
      w.int32(Number(v));
      return;
    case 'int8':
      w.int32(8);
      w.int64(typeof v === 'bigint' ? v : BigInt(v as number));
      return;
    case 'float4':
      w.int32(4);
      w.float32(v as number);
      return;
    case 'float8':
      w.int32(8);
      w.float64(v as number);
      return;
    case 'date':
      w.int32(4);
      w.int32((v as number) - PG_EPOCH_DAYS);
      return;
    case 'timestamp':
    case 'timestamptz':
      w.int32(8);
      w.int64(BigInt(Math.round(v as number)) - PG_EPOCH_MICROS);
      return;
    case 'interval': {
      const iv = v as Interval;
      w.int32(16);
      w.int64(BigInt(Math.round(iv.micros)));
      w.int32(iv.days);
      w.int32(iv.months);
      return;
    }
    case 'text':
    case 'varchar':
    case 'unknown':
      w.lengthPrefixedUtf8(typeof v === 'string' ? v : formatText(type, v));
      return;
    case 'numeric':
      writeBinaryNumeric(w, v as Numeric);
      return;
    case 'uuid':
    case 'bytea':
    case 'time':
    case 'json':
    case 'jsonb': {
      const b = formatBinary(type, v);
      w.int32(b.byteLength);
      w.bytes(b);
      return;
    }
  }
}

/**
 * PostgreSQL's binary numeric: base-10000 digits around the decimal point, a weight (the power of
 * 10000 of the first digit), a sign and the display scale. Rare on the wire, so strings are fine here.
 */
function writeBinaryNumeric(w: MessageWriter, n: Numeric): void {
  const negative = n.coef < 0n;
  let text = (negative ? -n.coef : n.coef).toString();
  if (text.length <= n.scale) text = '0'.repeat(n.scale - text.length + 1) + text;
  const intPart = text.slice(0, text.length - n.scale);
  const fracPart = text.slice(text.length - n.scale);
  const intPadded = '0'.repeat((4 - (intPart.length % 4)) % 4) + intPart;
  const fracPadded = fracPart + '0'.repeat((4 - (fracPart.length % 4)) % 4);
  const all = intPadded + fracPadded;
  const digits: number[] = [];
  for (let i = 0; i < all.length; i += 4) digits.push(Number(all.slice(i, i + 4)));
  let weight = intPadded.length / 4 - 1;
  let first = 0;
  while (first < digits.length && digits[first] === 0) {
    first++;
    weight--;
  }
  let last = digits.length;
  while (last > first && digits[last - 1] === 0) last--;
  const kept = digits.slice(first, last);
  if (kept.length === 0) weight = 0;
  w.int32(8 + 2 * kept.length);
  w.int16(kept.length);
  w.int16(weight);
  w.int16(negative && kept.length > 0 ? NUMERIC_NEG : NUMERIC_POS);
  w.int16(n.scale);
  for (const d of kept) w.int16(d);
}
