// uuid, bytea and time in storage: row encoding, columnar segments and order-preserving keys keep
// every value (bytea's high and zero bytes included) and order keys as PostgreSQL orders values.

import { describe, expect, it } from 'vitest';
import { T, compareValues, parseText, type ColumnType, type Value } from '../../../src/types/index.js';
import { decodeRow, encodeRow } from '../../../storage/row-codec.js';
import { decodeSegment, encodeSegment } from '../../../storage/segment.js';
import { encodeKey } from '../../../storage/key-codec.js';
import { valueAt, vectorFromRows, zoneMapOf } from '../../../storage/column-vector.js';

const TYPES: ColumnType[] = [T.uuid, T.bytea, { kind: 'time', precision: 3 }];
const text = (type: ColumnType, s: string): Value => parseText(type, s);

const ROWS: Value[][] = [
  [text(T.uuid, 'ffffffff-0000-0000-0000-000000000001'), text(T.bytea, '\\x00ff00'), text(T.time, '24:00')],
  [text(T.uuid, '00000000-0000-0000-0000-000000000002'), text(T.bytea, '\\x'), text(T.time, '00:00')],
  [null, null, null],
  [text(T.uuid, '7fffffff-ffff-ffff-ffff-ffffffffffff'), text(T.bytea, '\\x0001'), text(T.time, '12:34:56.789')],
  [text(T.uuid, '80000000-0000-0000-0000-000000000000'), text(T.bytea, '\\x7f80ff'), text(T.time, '00:00:00.000001')],
  [text(T.uuid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), text(T.bytea, '\\x00'), text(T.time, '23:59:59.999')],
];

describe('uuid, bytea and time in storage', () => {
  it('round-trip through the row codec', () => {
    for (const row of ROWS) expect(decodeRow(encodeRow(row))).toEqual(row);
  });

  it('round-trip through columnar segments, time with a zone map', () => {
    const vectors = TYPES.map((t, c) => vectorFromRows(t, ROWS, c));
    const { length, vectors: back } = decodeSegment(encodeSegment(vectors, ROWS.length), TYPES);
    expect(length).toBe(ROWS.length);
    for (let r = 0; r < ROWS.length; r++) for (let c = 0; c < TYPES.length; c++) expect(valueAt(back[c]!, r)).toEqual(ROWS[r]![c]);
    expect(zoneMapOf(back[2]!, length)).toEqual({ min: 0, max: 86_400_000_000, nullCount: 1 });
  });

  it.each(TYPES.map((t, c) => [t.kind, t, c] as const))('order %s keys as PostgreSQL orders the values', (_kind, type, c) => {
    const values = ROWS.map((r) => r[c]!).filter((v) => v !== null);
    const byKey = [...values].sort((a, b) => Buffer.compare(encodeKey(1, 0, [type], [a]), encodeKey(1, 0, [type], [b])));
    const byValue = [...values].sort((a, b) => compareValues(type, a, b));
    expect(byKey).toEqual(byValue);
  });
});
