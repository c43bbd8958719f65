// COPY's binary format (PostgreSQL's "PGCOPY" file format): an 11-byte signature, a flags word
// and a header extension, then per tuple a field count and each field as a length (-1 for NULL)
// and its bytes in the type's binary send/recv form (src/types/text-io.ts), then a -1 trailer.
// Reading follows PostgreSQL 15's copyfromparse.c (its checks and messages, in its order);
// writing follows copyto.c byte for byte, header included in the first row's CopyData message.

import { EonError } from '../../src/errors/index.js';
import type { ColumnType, TypeKind, Value } from '../../src/types/index.js';
import { formatBinary, formatText, parseBinary, parseText } from '../../src/types/text-io.js';

/** "PGCOPY\n\377\r\n\0". */
export const BINARY_COPY_SIGNATURE = Uint8Array.of(0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00);
/** The header extension a client may send is skipped; one longer than this fails the COPY. */
export const BINARY_COPY_HEADER_EXTENSION_BYTES_MAX = 64 * 1024 * 1024;
/** A field longer than this fails the COPY (PostgreSQL's limit on one value, 1 GB). */
export const BINARY_COPY_FIELD_BYTES_MAX = 1024 * 1024 * 1024 - 1;

/** Flag bit 16: the file has OIDs (refused since PostgreSQL 12). */
const FLAG_OIDS = 1 << 16;

/** Byte sizes of the fixed-width binary forms. */
const FIXED_BYTES: Partial<Record<TypeKind, number>> = {
  bool: 1, int2: 2, int4: 4, int8: 8, float4: 4, float8: 8, date: 4, timestamp: 8, timestamptz: 8, interval: 16, time: 8, uuid: 16,
};

/** Kinds whose binary form is UTF-8 text, which must be valid (PostgreSQL's pq_getmsgtext). */
const TEXT_KINDS: ReadonlySet<TypeKind> = new Set<TypeKind>(['text', 'varchar', 'unknown', 'json']);

/** Kinds eon can send and receive in binary; COPY (FORMAT binary) of any other answers 0A000. */
export const BINARY_COPY_KINDS: ReadonlySet<TypeKind> = new Set<TypeKind>([
  'bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'unknown', 'date', 'timestamp', 'timestamptz',
  'interval', 'json', 'jsonb', 'uuid', 'bytea', 'time',
]);

export function checkBinaryCopyTypes(types: readonly ColumnType[], typeName: (t: ColumnType) => string): void {
  for (const t of types) {
    if (!BINARY_COPY_KINDS.has(t.kind)) throw new EonError('feature_not_supported', `COPY in binary format is not supported for type ${typeName(t)}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function insufficient(): EonError {
  return new EonError('protocol_violation', 'insufficient data left in message');
}

function incorrect(): EonError {
  return new EonError('invalid_binary_representation', 'incorrect binary data format');
}

/** numeric_recv's checks before the value is read. */
function checkNumeric(b: Uint8Array): void {
  if (b.byteLength < 8) throw insufficient();
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const ndigits = view.getInt16(0);
  if (ndigits < 0) throw new EonError('invalid_binary_representation', 'invalid length in external "numeric" value');
  if (b.byteLength < 8 + 2 * ndigits) throw insufficient();
  const sign = view.getUint16(4);
  if (sign !== 0x0000 && sign !== 0x4000 && sign !== 0xc000 && sign !== 0xd000 && sign !== 0xf000) {
    throw new EonError('invalid_binary_representation', 'invalid sign in external "numeric" value');
  }
  if (sign !== 0x0000 && sign !== 0x4000) throw new EonError('feature_not_supported', 'numeric NaN and infinity are not supported');
  const dscale = view.getUint16(6);
  if ((dscale & 0x3fff) !== dscale) throw new EonError('invalid_binary_representation', 'invalid scale in external "numeric" value');
  for (let i = 0; i < ndigits; i++) {
    const d = view.getInt16(8 + 2 * i);
    if (d < 0 || d >= 10000) throw new EonError('invalid_binary_representation', 'invalid digit in external "numeric" value');
  }
  if (b.byteLength > 8 + 2 * ndigits) throw incorrect();
}

/**
 * One field's value from its binary form, as PostgreSQL's receive function for the column's type
 * reads it: too few bytes fail with 08P01, bytes left over with 22P03, text must be valid UTF-8,
 * and the column's type modifier applies (numeric(p,s) rounds and overflows, varchar(n) is checked).
 */
export function decodeBinaryField(type: ColumnType, b: Uint8Array): Value {
  const fixed = FIXED_BYTES[type.kind];
  if (fixed !== undefined) {
    if (b.byteLength < fixed) throw insufficient();
    if (b.byteLength > fixed) throw incorrect();
  } else if (type.kind === 'numeric') {
    checkNumeric(b);
  } else if (TEXT_KINDS.has(type.kind)) {
    let text: string;
    try {
      text = utf8.decode(b);
    } catch {
      throw new EonError('character_not_in_repertoire', 'invalid byte sequence for encoding "UTF8"');
    }
    if (text.includes('\u0000')) throw new EonError('character_not_in_repertoire', 'invalid byte sequence for encoding "UTF8": 0x00');
    return parseText(type, text);
  }
  const v = parseBinary(type, b);
  if (v === null || (type.precision === undefined && type.scale === undefined && type.length === undefined)) return v;
  // The type modifier, as the text input applies it.
  return parseText(type, formatText(type, v));
}

/** A field's binary form (the type's send function); runtime values are normalized first. */
export function encodeBinaryField(type: ColumnType, v: Value): Uint8Array {
  switch (type.kind) {
    case 'int2':
    case 'int4':
      return formatBinary(type, Number(v));
    case 'int8':
      return formatBinary(type, typeof v === 'bigint' ? v : BigInt(v as number));
    case 'timestamp':
    case 'timestamptz':
    case 'time':
      return formatBinary(type, Math.round(v as number));
    case 'text':
    case 'varchar':
    case 'unknown':
      return formatBinary(type, typeof v === 'string' ? v : formatText(type, v));
    default:
      return formatBinary(type, v);
  }
}

/** What a binary COPY stream yields: each tuple's fields (null for NULL), numbered from 1. */
export type BinaryTupleSink = (fields: (Uint8Array | null)[], tuple: number) => void;

/**
 * Reads a binary COPY stream cut anywhere into chunks. Header errors carry no context (PostgreSQL
 * reads the header before its COPY context exists); tuple errors name the tuple as its line.
 */
export class BinaryCopyReader {
  private buf: Buffer = Buffer.alloc(0);
  private headerRead = false;
  private ended = false;
  private tuple = 0;

  constructor(
    private readonly fieldCount: number,
    private readonly onTuple: BinaryTupleSink,
    private readonly where: (tuple: number) => string,
  ) {}

  /** The number of the tuple being read (PostgreSQL's line number in binary mode). */
  get line(): number {
    return this.tuple;
  }

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    if (this.ended) throw this.error('bad_copy_file_format', 'received copy data after EOF marker');
    this.buf = this.buf.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.buf, chunk]);
    this.consume(false);
  }

  finish(): void {
    this.consume(true);
  }

  private consume(atEnd: boolean): void {
    let at = 0;
    const b = this.buf;
    if (!this.headerRead) {
      const read = readHeader(b, atEnd);
      if (read === null) return;
      at = read;
      this.headerRead = true;
    }
    while (!this.ended) {
      if (b.length - at < 2) {
        // PostgreSQL: a stream that ends without the trailer (or inside a field count) just ends.
        break;
      }
      const count = b.readInt16BE(at);
      if (count === -1) {
        this.ended = true;
        at += 2;
        if (at < b.length) throw this.error('bad_copy_file_format', 'received copy data after EOF marker', this.tuple + 1);
        break;
      }
      const tuple = this.tuple + 1;
      if (count !== this.fieldCount) throw this.error('bad_copy_file_format', `row field count is ${count}, expected ${this.fieldCount}`, tuple);
      let p = at + 2;
      const fields: (Uint8Array | null)[] = new Array<Uint8Array | null>(count);
      let complete = true;
      for (let f = 0; f < count; f++) {
        if (b.length - p < 4) {
          complete = false;
          break;
        }
        const size = b.readInt32BE(p);
        p += 4;
        if (size === -1) {
          fields[f] = null;
          continue;
        }
        if (size < -1 || size > BINARY_COPY_FIELD_BYTES_MAX) throw this.error('bad_copy_file_format', 'invalid field size', tuple);
        if (b.length - p < size) {
          complete = false;
          break;
        }
        fields[f] = b.subarray(p, p + size);
        p += size;
      }
      if (!complete) {
        if (atEnd) throw this.error('bad_copy_file_format', 'unexpected EOF in COPY data', tuple);
        break;
      }
      this.tuple = tuple;
      this.onTuple(fields, tuple);
      at = p;
    }
    // Field views point into b: keep the unread tail as a copy so b can be collected.
    this.buf = at >= b.length ? Buffer.alloc(0) : Buffer.from(b.subarray(at));
  }

  private error(code: 'bad_copy_file_format', message: string, tuple = this.tuple): EonError {
    return new EonError(code, message, { where: this.where(tuple) });
  }
}

/** The header's length when `b` holds all of it, null when more is needed; throws when it is wrong. */
function readHeader(b: Buffer, atEnd: boolean): number | null {
  const sig = BINARY_COPY_SIGNATURE.length;
  const have = Math.min(b.length, sig);
  for (let i = 0; i < have; i++) {
    if (b[i] !== BINARY_COPY_SIGNATURE[i]) throw new EonError('bad_copy_file_format', 'COPY file signature not recognized');
  }
  if (b.length < sig) {
    if (atEnd) throw new EonError('bad_copy_file_format', 'COPY file signature not recognized');
    return null;
  }
  if (b.length < sig + 4) {
    if (atEnd) throw new EonError('bad_copy_file_format', 'invalid COPY file header (missing flags)');
    return null;
  }
  const flags = b.readInt32BE(sig);
  if ((flags & FLAG_OIDS) !== 0) throw new EonError('bad_copy_file_format', 'invalid COPY file header (WITH OIDS)');
  if (((flags & ~FLAG_OIDS) >>> 16) !== 0) throw new EonError('bad_copy_file_format', 'unrecognized critical flags in COPY file header');
  if (b.length < sig + 8) {
    if (atEnd) throw new EonError('bad_copy_file_format', 'invalid COPY file header (missing length)');
    return null;
  }
  const extension = b.readInt32BE(sig + 4);
  if (extension < 0 || extension > BINARY_COPY_HEADER_EXTENSION_BYTES_MAX) throw new EonError('bad_copy_file_format', 'invalid COPY file header (wrong length)');
  if (b.length < sig + 8 + extension) {
    if (atEnd) throw new EonError('bad_copy_file_format', 'invalid COPY file header (wrong length)');
    return null;
  }
  return sig + 8 + extension;
}

/** The header a binary COPY TO writes: signature, no flags, no extension. */
function binaryHeader(): Buffer {
  const h = Buffer.alloc(BINARY_COPY_SIGNATURE.length + 8);
  h.set(BINARY_COPY_SIGNATURE, 0);
  return h;
}

/** One tuple in the binary format. */
export function encodeBinaryTuple(types: readonly ColumnType[], row: readonly Value[]): Buffer {
  let total = 2;
  const fields: (Uint8Array | null)[] = new Array<Uint8Array | null>(types.length);
  for (let i = 0; i < types.length; i++) {
    const v = row[i] ?? null;
    const f = v === null ? null : encodeBinaryField(types[i]!, v);
    fields[i] = f;
    total += 4 + (f?.byteLength ?? 0);
  }
  const out = Buffer.allocUnsafe(total);
  out.writeInt16BE(types.length, 0);
  let at = 2;
  for (const f of fields) {
    out.writeInt32BE(f === null ? -1 : f.byteLength, at);
    at += 4;
    if (f !== null) {
      out.set(f, at);
      at += f.byteLength;
    }
  }
  return out;
}

/**
 * A binary COPY TO's CopyData messages as PostgreSQL sends them: the header with the first tuple,
 * one message per tuple, the trailer alone (with the header when there is no tuple).
 */
export function* binaryCopyChunks(types: readonly ColumnType[], rows: Iterable<readonly Value[]>): Generator<Uint8Array, void, undefined> {
  let header: Buffer | null = binaryHeader();
  for (const row of rows) {
    const tuple = encodeBinaryTuple(types, row);
    if (header !== null) {
      yield Buffer.concat([header, tuple]);
      header = null;
    } else yield tuple;
  }
  const trailer = Buffer.from([0xff, 0xff]);
  yield header === null ? trailer : Buffer.concat([header, trailer]);
}
