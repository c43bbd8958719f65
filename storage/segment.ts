// Immutable columnar segments: column vectors packed as one Arrow IPC record batch, and unpacked
// back by taking each column's typed arrays directly (no per-row Arrow access).

import {
  Data, DataType, Dictionary, Field, FixedSizeList, Float32, Float64, Int16, Int32, Int64, RecordBatch,
  Schema, Struct, Table, Uint8, Utf8, makeData, makeVector, tableFromIPC, tableToIPC,
} from 'apache-arrow';
import type { ColumnType } from '../src/types/column-type.js';
import { EonError } from '../src/errors/index.js';
import { physicalOf } from './column-vector.js';
import type { ColumnVector } from './column-vector.js';

/** Rows per segment: big enough to amortise per-segment work, small enough to cache many. */
export const SEGMENT_ROWS_MAX = 65536;


function utf8Data(strings: readonly string[], validity: Uint8Array | null): Data<Utf8> {
  // Sizes first, then every string written into one buffer: an encode() per string allocates
  // an array each and costs several times more.
  const offsets = new Int32Array(strings.length + 1);
  let total = 0;
  for (let i = 0; i < strings.length; i++) {
    total += Buffer.byteLength(strings[i]!, 'utf8');
    offsets[i + 1] = total;
  }
  const bytes = Buffer.allocUnsafe(total);
  for (let i = 0; i < strings.length; i++) bytes.write(strings[i]!, offsets[i]!, 'utf8');
  const nullCount = validity === null ? 0 : countNulls(validity, strings.length);
  return makeData({ type: new Utf8(), length: strings.length, nullCount, nullBitmap: validity ?? undefined, valueOffsets: offsets, data: bytes });
}

function utf8Strings(data: Data<Utf8>): string[] {
  const offsets = data.valueOffsets;
  const values = data.values;
  const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const out = new Array<string>(data.length);
  for (let i = 0; i < data.length; i++) out[i] = bytes.toString('utf8', offsets[data.offset + i]!, offsets[data.offset + i + 1]!);
  return out;
}

function countNulls(validity: Uint8Array, length: number): number {
  let n = 0;
  for (let i = 0; i < length; i++) if ((validity[i >> 3]! & (1 << (i & 7))) === 0) n++;
  return n;
}

function arrowType(type: ColumnType, dictionaryId: number): DataType {
  switch (physicalOf(type)) {
    case 'u8':
      return new Uint8();
    case 'i16':
      return new Int16();
    case 'i32':
      return new Int32();
    case 'i64':
      return new Int64();
    case 'f32':
      return new Float32();
    case 'f64':
    case 'scaled':
      return new Float64();
    case 'decimalText':
      return new Utf8();
    case 'dict':
      return new Dictionary(new Utf8(), new Int32(), dictionaryId);
    case 'interval':
      return new FixedSizeList(3, new Field('v', new Float64(), false));
  }
}

function columnData(vec: ColumnVector, length: number, type: DataType): Data {
  const nullBitmap = vec.validity ?? undefined;
  const nullCount = vec.validity === null ? 0 : countNulls(vec.validity, length);
  const phys = physicalOf(vec.type);
  switch (phys) {
    case 'decimalText':
      return utf8Data(vec.values as string[], vec.validity);
    case 'dict': {
      const dictionary = makeVector(utf8Data(vec.dictionary ?? [], null));
      return makeData({ type: type as Dictionary<Utf8, Int32>, length, nullCount, nullBitmap, data: vec.values as Int32Array, dictionary });
    }
    case 'interval': {
      const child = makeData({ type: new Float64(), length: length * 3, nullCount: 0, data: vec.values as Float64Array });
      return makeData({ type: type as FixedSizeList<Float64>, length, nullCount, nullBitmap, child });
    }
    default:
      return makeData({ type: type as Int32, length, nullCount, nullBitmap, data: vec.values as Int32Array });
  }
}

/** Packs full-length column vectors into Arrow IPC stream bytes (one record batch). */
export function encodeSegment(vectors: readonly ColumnVector[], length: number): Uint8Array {
  const fields: Field[] = [];
  const children: Data[] = [];
  vectors.forEach((vec, i) => {
    const type = arrowType(vec.type, i);
    fields.push(new Field(`c${i}`, type, true));
    children.push(columnData(vec, length, type));
  });
  const schema = new Schema(fields);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children }));
  return tableToIPC(new Table([batch]), 'stream');
}

function validityOf(data: Data): Uint8Array | null {
  if (data.nullCount === 0 || data.nullBitmap === undefined || data.nullBitmap.length === 0) return null;
  if (data.offset !== 0) throw new EonError('internal_error', 'segment columns never start at an offset');
  return data.nullBitmap;
}

/** A read that found rows of another layout than the statement was planned for (ALTER TABLE ran meanwhile). */
export function tableChangedWhileRunning(): EonError {
  return new EonError('serialization_failure', 'could not serialize access: the table was altered by a concurrent ALTER TABLE', { hint: 'Retry the statement.' });
}

/** Unpacks segment bytes into column vectors typed by `types` (the table's stored columns). */
export function decodeSegment(bytes: Uint8Array, types: readonly ColumnType[]): { length: number; vectors: ColumnVector[] } {
  const table = tableFromIPC(bytes);
  const batch = table.batches[0];
  if (batch === undefined) return { length: 0, vectors: types.map((type) => ({ type, values: new Int32Array(0), validity: null })) };
  const length = batch.numRows;
  // A statement planned before an ALTER TABLE rewrote the table reads segments of the new layout.
  if (batch.data.children.length !== types.length) throw tableChangedWhileRunning();
  const vectors = types.map((type, i): ColumnVector => {
    const data = batch.data.children[i];
    if (data === undefined) throw new EonError('internal_error', `segment lacks column ${i}`);
    const validity = validityOf(data);
    switch (physicalOf(type)) {
      case 'decimalText':
        return { type, values: utf8Strings(data as Data<Utf8>), validity };
      case 'dict': {
        const dict = (data as Data<Dictionary<Utf8, Int32>>).dictionary;
        const dictionary = dict === undefined ? [] : dict.data.flatMap((d) => utf8Strings(d));
        return { type, values: (data.values as Int32Array).subarray(0, length), dictionary, validity };
      }
      case 'interval': {
        const child = data.children[0];
        if (child === undefined) throw new EonError('internal_error', 'interval column lacks its child');
        return { type, values: (child.values as Float64Array).subarray(0, length * 3), validity };
      }
      default:
        return { type, values: (data.values as Int32Array).subarray(0, length), validity };
    }
  });
  return { length, vectors };
}
