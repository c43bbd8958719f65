import { describe, expect, it } from 'vitest';
import { decodeRow, encodeRow } from '../../../storage/row-codec.js';
import { encodeKey } from '../../../storage/key-codec.js';
import { encodeSegment, decodeSegment } from '../../../storage/segment.js';
import { numericFromText, numericToText, valueAt, vectorFromRows, zoneMapOf, zoneMayMatch } from '../../../storage/column-vector.js';
import { Interval, Numeric } from '../../../src/types/values.js';
import type { Value } from '../../../src/types/values.js';
import type { ColumnType } from '../../../src/types/column-type.js';

const longText = 'ünïcødé ✓ '.repeat(5000);

const everyValue: Value[] = [
  null, true, false, 0, -0, 1, -1, 2147483647, -2147483648, 2147483648, 1.5, -1e300, NaN, Infinity,
  0n, -1n, 9007199254740993n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 100n, -(3n ** 90n),
  '', 'a', 'héllo', longText, '\u0000nul',
  new Numeric(12345n, 2), new Numeric(-1n, 0), new Numeric(10n ** 40n + 1n, 20), new Numeric(5n, 300),
  new Interval(14, -3, 123456789), new Interval(0, 0, -1.5),
];

describe('row codec', () => {
  it('round-trips every kind of value exactly, NULLs included', () => {
    const back = decodeRow(encodeRow(everyValue));
    expect(back.length).toBe(everyValue.length);
    everyValue.forEach((v, i) => {
      const b = back[i];
      if (typeof v === 'number') expect(Object.is(b, v)).toBe(true);
      else expect(b).toStrictEqual(v);
    });
    expect(back[26]).toBeInstanceOf(Numeric);
    expect(back[30]).toBeInstanceOf(Interval);
  });

  it('is compact for small rows', () => {
    expect(encodeRow([1, 'ab', null, true]).length).toBeLessThan(16);
    expect(decodeRow(encodeRow([]))).toEqual([]);
  });
});

function sortedBy(type: ColumnType, values: Value[]): Value[] {
  return [...values].sort((a, b) => Buffer.compare(encodeKey(1, 0, [type], [a]), encodeKey(1, 0, [type], [b])));
}

describe('key codec', () => {
  it('orders integers, bigints and floats numerically', () => {
    expect(sortedBy({ kind: 'int4' }, [5, -3, 0, 2147483647, -2147483648, 100])).toEqual([-2147483648, -3, 0, 5, 100, 2147483647]);
    const big = [2n ** 62n, -(2n ** 63n), -1n, 0n, 9007199254740993n, 9007199254740992n];
    expect(sortedBy({ kind: 'int8' }, big)).toEqual([-(2n ** 63n), -1n, 0n, 9007199254740992n, 9007199254740993n, 2n ** 62n]);
    expect(sortedBy({ kind: 'float8' }, [1.5, -Infinity, -2.25, 0, 1e-300, -1e-300, Infinity])).toEqual([-Infinity, -2.25, -1e-300, 0, 1e-300, 1.5, Infinity]);
  });

  it('orders numerics by value whatever their scale, and encodes equal values alike', () => {
    const n = (c: bigint, s: number): Numeric => new Numeric(c, s);
    const sorted = sortedBy({ kind: 'numeric' }, [n(10n, 0), n(95n, 1), n(-3n, 0), n(0n, 2), n(-35n, 1), n(1n, 3), n(100000000000000000000n, 0), n(-12n, 1)]);
    expect(sorted.map((v) => numericToText(v as Numeric))).toEqual(['-3.5', '-3', '-1.2', '0.00', '0.001', '9.5', '10', '100000000000000000000']);
    expect(encodeKey(1, 0, [{ kind: 'numeric' }], [n(10n, 1)]).equals(encodeKey(1, 0, [{ kind: 'numeric' }], [n(100n, 2)]))).toBe(true);
  });

  it('orders text by code point and composite keys column by column', () => {
    expect(sortedBy({ kind: 'text' }, ['b', 'a', 'ab', '', 'a\u0000b', 'é', 'Z'])).toEqual(['', 'Z', 'a', 'a\u0000b', 'ab', 'b', 'é']);
    const types: ColumnType[] = [{ kind: 'text' }, { kind: 'int4' }];
    const keys: [string, number][] = [['a', 2], ['ab', 1], ['a', -1], ['b', 0]];
    keys.sort((x, y) => Buffer.compare(encodeKey(1, 0, types, x), encodeKey(1, 0, types, y)));
    expect(keys).toEqual([['a', -1], ['a', 2], ['ab', 1], ['b', 0]]);
  });

  it('orders intervals by span and treats equal spans as one key, as PostgreSQL does', () => {
    const iv = (m: number, d: number, us: number): Interval => new Interval(m, d, us);
    const type: ColumnType = { kind: 'interval' };
    expect(sortedBy(type, [iv(1, 0, 0), iv(0, 29, 0), iv(0, 0, -1), iv(0, 31, 0)])).toEqual([iv(0, 0, -1), iv(0, 29, 0), iv(1, 0, 0), iv(0, 31, 0)]);
    expect(encodeKey(1, 0, [type], [iv(1, 0, 0)]).equals(encodeKey(1, 0, [type], [iv(0, 30, 0)]))).toBe(true);
  });

  it('refuses keys beyond the LMDB key size', () => {
    expect(() => encodeKey(1, 0, [{ kind: 'text' }], ['x'.repeat(3000)])).toThrow(/too long/);
  });
});

describe('segments', () => {
  const types: ColumnType[] = [
    { kind: 'bool' }, { kind: 'int2' }, { kind: 'int4' }, { kind: 'int8' }, { kind: 'float4' }, { kind: 'float8' },
    { kind: 'numeric', precision: 12, scale: 2 }, { kind: 'numeric' }, { kind: 'text' }, { kind: 'varchar', length: 10 },
    { kind: 'date' }, { kind: 'timestamp' }, { kind: 'timestamptz' }, { kind: 'interval' },
  ];
  const rows: Value[][] = [
    [true, 1, 100, 9007199254740993n, 1.5, 2.25, new Numeric(12345n, 2), new Numeric(10n ** 30n + 7n, 5), 'x', 'ab', 19000, 1.7e15, -5, new Interval(1, 2, 3)],
    [null, null, null, null, null, null, null, null, null, null, null, null, null, null],
    [false, -32768, -7, -(2n ** 63n), -0.5, -1e300, new Numeric(-99n, 2), new Numeric(-1n, 0), longText, 'x', -1, 0, 0, new Interval(-1, 0, 0)],
    [true, 32767, 2147483647, 2n ** 63n - 1n, 3, 0, new Numeric(0n, 2), new Numeric(5n, 300), 'x', '', 0, 1, 1, new Interval(0, 0, 0)],
  ];

  it('round-trips every type, NULLs included, through Arrow IPC', () => {
    const vectors = types.map((t, c) => vectorFromRows(t, rows, c));
    const { length, vectors: back } = decodeSegment(encodeSegment(vectors, rows.length), types);
    expect(length).toBe(rows.length);
    for (let r = 0; r < rows.length; r++) {
      for (let c = 0; c < types.length; c++) expect(valueAt(back[c]!, r)).toStrictEqual(rows[r]![c]);
    }
    expect(back[3]!.values).toBeInstanceOf(BigInt64Array);
    expect(back[6]!.values).toBeInstanceOf(Float64Array);
    expect(Array.from(back[6]!.values as Float64Array)).toEqual([12345, 0, -99, 0]);
    expect(back[8]!.values).toBeInstanceOf(Int32Array);
    expect(back[8]!.dictionary).toEqual(['x', longText]);
    expect(back[1]!.validity).not.toBeNull();
  });

  it('computes zone maps that prune only impossible segments', () => {
    const vec = vectorFromRows({ kind: 'int4' }, rows, 2);
    const zone = zoneMapOf(vec, rows.length);
    expect(zone).toEqual({ min: -7, max: 2147483647, nullCount: 1 });
    expect(zoneMayMatch(zone, 4, { column: 0, op: '=', value: -8 })).toBe(false);
    expect(zoneMayMatch(zone, 4, { column: 0, op: '=', value: 100 })).toBe(true);
    expect(zoneMayMatch(zone, 4, { column: 0, op: '<', value: -7 })).toBe(false);
    expect(zoneMayMatch(zone, 4, { column: 0, op: '<=', value: -7 })).toBe(true);
    expect(zoneMayMatch(zone, 4, { column: 0, op: '>', value: 2147483647 })).toBe(false);
    const big = zoneMapOf(vectorFromRows({ kind: 'int8' }, [[9007199254740993n]], 0), 1);
    expect(big.min! <= 9007199254740993).toBe(true);
    expect(big.max! >= 9007199254740993).toBe(true);
    expect(zoneMayMatch({ min: null, max: null, nullCount: 3 }, 3, { column: 0, op: '>', value: 0 })).toBe(false);
  });

  it('prints numerics in PostgreSQL text form', () => {
    expect(numericToText(new Numeric(5n, 3))).toBe('0.005');
    expect(numericToText(new Numeric(-12345n, 2))).toBe('-123.45');
    expect(numericFromText('-0.050')).toStrictEqual(new Numeric(-50n, 3));
  });
});
