// A scan fragment's result format: selected rows of several batches gathered into one Arrow IPC
// batch in the data engine, and turned back into rows with the same values on the coordinator.
import { describe, expect, it } from 'vitest';
import { BatchCollector, rowsFromBatch } from '../../../storage/index.js';
import { vectorFromRows, type ColumnBatch } from '../../../storage/column-vector.js';
import { Interval, Numeric, T, type ColumnType, type Value } from '../../../src/types/index.js';

const types: ColumnType[] = [
  T.int4, T.text, T.float8, T.int8, T.bool, { kind: 'numeric', precision: 10, scale: 2 }, T.numeric, T.date, T.interval, T.int2,
];

function row(i: number): Value[] {
  const nul = (v: Value): Value => (i % 5 === 3 ? null : v);
  return [
    i, nul(`word${i % 4}${i === 7 ? 'ünï' : ''}`), nul(i / 8), nul(BigInt(i) * 10_000_000_000n), nul(i % 2 === 0),
    nul(new Numeric(BigInt(i * 125), 2)), nul(new Numeric(BigInt(i) * 10n ** 20n + 1n, 3)), nul(18_000 + i),
    nul(new Interval(i, -i, i * 1000)), nul(i - 50),
  ];
}

function batchOf(rows: Value[][], selection: Uint32Array | null): ColumnBatch {
  return { length: rows.length, columns: types.map((t, c) => vectorFromRows(t, rows, c)), selection };
}

describe('BatchCollector', () => {
  it('gathers chosen rows and columns of batches with different dictionaries into one batch', () => {
    const first = Array.from({ length: 40 }, (_, i) => row(i));
    const second = Array.from({ length: 30 }, (_, i) => row(100 + i));
    // Output slots in a different order than the batch, and a subset of them.
    const slots = [1, 0, 2, 3, 4, 5, 6, 7, 8, 9];
    const collector = new BatchCollector(slots);
    const pickFirst = Uint32Array.from([0, 3, 7, 8, 39]);
    const pickSecond = Uint32Array.from([1, 2, 3, 29, 0]);
    collector.add(batchOf(first, null), pickFirst, pickFirst.length);
    collector.add(batchOf(second, null), pickSecond, 3); // only the first 3 indexes count
    const { rows, ipc } = collector.finish();
    expect(rows).toBe(8);
    const width = 12;
    const ordinals = [5, 0, 1, 2, 3, 4, 6, 7, 8, 9]; // output column c lands in cell ordinals[c]
    const decoded = rowsFromBatch(ipc!, slots.map((s) => types[s]!), ordinals, width);
    const expected = [...[0, 3, 7, 8, 39].map((i) => first[i]!), ...[1, 2, 3].map((i) => second[i]!)].map((r) => {
      const out: Value[] = new Array(width).fill(null);
      slots.forEach((s, c) => (out[ordinals[c]!] = r[s]!));
      return out;
    });
    expect(decoded).toEqual(expected);
  });

  it('grows past its initial capacity and keeps late nulls', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => [i, i === 9_999 ? null : `s${i % 3}`] as Value[]);
    const batch: ColumnBatch = { length: many.length, columns: [vectorFromRows(T.int4, many, 0), vectorFromRows(T.text, many, 1)], selection: null };
    const c = new BatchCollector([0, 1]);
    const all = Uint32Array.from(many.keys());
    c.add(batch, all, 5_000);
    c.add(batch, all.subarray(5_000), 5_000);
    const { rows, ipc } = c.finish();
    expect(rows).toBe(10_000);
    expect(rowsFromBatch(ipc!, [T.int4, T.text], [0, 1], 2)).toEqual(many);
  });

  it('counts rows without packing anything when no column is wanted', () => {
    const c = new BatchCollector([]);
    c.add(batchOf([row(1), row(2)], null), Uint32Array.from([0, 1]), 2);
    expect(c.finish()).toEqual({ rows: 2, ipc: null });
    expect(new BatchCollector([0]).finish()).toEqual({ rows: 0, ipc: null });
  });
});
