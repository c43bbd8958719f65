// Primary-key ranges in storage: the byte range of a key prefix and bounds, the partitions a
// range touches, and Store.rowsInKeyRange over rows spread across the delta and segments (written,
// CHECKPOINTed, written again, updated and deleted), read outside and inside a write, and through
// a transaction block's write set.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, type TableSchema } from '../../../storage/index.js';
import { keyRangeBytes, keyRangePartitions, type KeyRange } from '../../../storage/key-range.js';
import { WriteSet } from '../../../storage/write-set.js';
import { Numeric, T, type Value } from '../../../src/types/index.js';

let dir: string;
let store: Store;
let table: TableSchema;

/** (a int, b text, n numeric, v text): key (a, b, n), distributed by a. */
const row = (a: number, b: string, n: string, v: string | null): Value[] => [a, b, Numeric.parse(n), v];
const keys = (rows: readonly { row: Value[] }[]): string[] => rows.map((r) => `${String(r.row[0])}/${String(r.row[1])}/${(r.row[2] as Numeric).toString()}`).sort();
/** The same selection by brute force over every row. */
function expected(all: readonly Value[][], range: KeyRange): string[] {
  const cmp = (x: Value, y: Value): number => (x instanceof Numeric && y instanceof Numeric ? x.compare(y) : x! < y! ? -1 : x! > y! ? 1 : 0);
  return keys(
    all
      .filter((r) => range.values.every((v, i) => cmp(r[i]!, v) === 0))
      .filter((r) => {
        const x = r[range.values.length]!;
        if (range.lower !== undefined && !(range.lower.inclusive ? cmp(x, range.lower.value) >= 0 : cmp(x, range.lower.value) > 0)) return false;
        if (range.upper !== undefined && !(range.upper.inclusive ? cmp(x, range.upper.value) <= 0 : cmp(x, range.upper.value) < 0)) return false;
        return true;
      })
      .map((r) => ({ row: r })),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'eon-key-range-'));
  store = Store.open({ dir, partitions: 4 });
  table = await store.createTable({
    name: 'kr',
    columns: [
      { name: 'a', type: T.int4, notNull: true },
      { name: 'b', type: T.text, notNull: true },
      { name: 'n', type: { kind: 'numeric' }, notNull: true },
      { name: 'v', type: T.text, notNull: false },
    ],
    primaryKey: [0, 1, 2],
    distributionKey: [0],
  });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('key range bytes', () => {
  it('reads one partition when the prefix covers the distribution key, else every partition', () => {
    expect(keyRangePartitions(table, { values: [3] }, 4)).toHaveLength(1);
    expect(keyRangePartitions(table, { values: [], lower: { value: 3, inclusive: true } }, 4)).toEqual([0, 1, 2, 3]);
  });

  it('is empty when the bounds cross, and holds exactly the prefix otherwise', () => {
    const { start, end } = keyRangeBytes(table, 0, { values: [1], lower: { value: 'm', inclusive: true }, upper: { value: 'c', inclusive: true } });
    expect(Buffer.compare(start, end)).toBeGreaterThanOrEqual(0);
    const prefix = keyRangeBytes(table, 0, { values: [1, 'x'] });
    expect(Buffer.compare(prefix.start, prefix.end)).toBeLessThan(0);
  });
});

describe('Store.rowsInKeyRange', () => {
  const all: Value[][] = [];
  const ranges: KeyRange[] = [
    { values: [2] },
    { values: [2, 'b'] },
    { values: [2, 'b'], lower: { value: Numeric.parse('1.5'), inclusive: false } },
    { values: [2, 'b'], lower: { value: Numeric.parse('1'), inclusive: true }, upper: { value: Numeric.parse('3.00'), inclusive: true } },
    { values: [2], lower: { value: 'b', inclusive: true }, upper: { value: 'c', inclusive: false } },
    { values: [2], upper: { value: 'b', inclusive: true } },
    { values: [], lower: { value: 3, inclusive: false }, upper: { value: 6, inclusive: true } },
    { values: [], upper: { value: 1, inclusive: false } },
    { values: [99] },
    { values: [2, 'b'], lower: { value: Numeric.parse('9'), inclusive: true }, upper: { value: Numeric.parse('1'), inclusive: true } },
  ];
  const check = (): void => {
    for (const r of ranges) expect(keys(store.rowsInKeyRange(table, r)), JSON.stringify(r, (_k, v: unknown) => (v instanceof Numeric ? v.toString() : v))).toEqual(expected(all, r));
  };

  it('finds rows in the delta, in segments, and in both after more writes', async () => {
    const first: Value[][] = [];
    for (let a = 0; a < 8; a++) for (const b of ['a', 'b', 'bb', 'c']) for (const n of ['-1', '1', '1.5', '2', '3']) first.push(row(a, b, n, a % 3 === 0 ? null : `v${a}`));
    await store.write((tx) => {
      for (const r of first) expect(tx.insert(table, r.slice())).toBe(true);
    });
    all.push(...first);
    check();
    await store.compact(table);
    expect([0, 1, 2, 3].filter((p) => store.hasSegments(table.id, p)).length).toBeGreaterThan(0);
    expect([0, 1, 2, 3].reduce((n, p) => n + store.deltaCount(table.id, p), 0)).toBe(0);
    check();
    // Now some rows in the delta beside segment rows of the same partitions, some replaced or gone.
    const more = [row(2, 'b', '2.5', 'new'), row(2, 'ba', '0', null), row(5, 'c', '10', 'x'), row(0, 'a', '0', null)];
    await store.write((tx) => {
      for (const r of more) expect(tx.insert(table, r.slice())).toBe(true);
      tx.replace(table, [2, 'b', Numeric.parse('1')], row(2, 'b', '1', 'changed'));
      expect(tx.delete(table, [2, 'b', Numeric.parse('2')])).toBe(true);
      expect(tx.delete(table, [4, 'c', Numeric.parse('3')])).toBe(true);
    });
    all.push(...more);
    all.splice(all.findIndex((r) => r[0] === 2 && r[1] === 'b' && String(r[2]) === '2'), 1);
    all.splice(all.findIndex((r) => r[0] === 4 && r[1] === 'c' && String(r[2]) === '3'), 1);
    check();
    const changed = store.rowsInKeyRange(table, { values: [2, 'b'], lower: { value: Numeric.parse('1'), inclusive: true }, upper: { value: Numeric.parse('1'), inclusive: true } });
    expect(changed.map((r) => r.row[3])).toEqual(['changed']);
    // One partition: rows come in key order, each with its key.
    const ordered = store.rowsInKeyRange(table, { values: [2] });
    expect(ordered.map((r) => r.key)).toEqual(ordered.map((r) => r.row.slice(0, 3)));
    for (let i = 1; i < ordered.length; i++) {
      const [p, q] = [ordered[i - 1]!.row, ordered[i]!.row];
      const before = (p[1] as string) < (q[1] as string) || (p[1] === q[1] && (p[2] as Numeric).compare(q[2] as Numeric) < 0);
      expect(before).toBe(true);
    }
  });

  it('sees the writes queued before it inside a group commit', async () => {
    const insert = store.write((tx) => {
      tx.insert(table, row(7, 'z', '1', 'queued'));
    });
    const read = store.write(() => store.rowsInKeyRange(table, { values: [7, 'z'] }));
    await insert;
    expect((await read).map((r) => r.row[3])).toEqual(['queued']);
    all.push(row(7, 'z', '1', 'queued'));
    check();
  });

  it('overlays a transaction block\'s writes in range', () => {
    const ws = new WriteSet(store);
    const tx = ws.tx();
    expect(tx.insert(table, row(2, 'b', '1.7', 'mine'))).toBe(true);
    expect(tx.insert(table, row(3, 'b', '1.7', 'out of range'))).toBe(true);
    expect(tx.delete(table, [2, 'b', Numeric.parse('3')])).toBe(true);
    tx.replace(table, [2, 'b', Numeric.parse('-1')], row(2, 'b', '-1', 'replaced'));
    const got = ws.rowsInKeyRange(table, { values: [2, 'b'] });
    expect(got.map((r) => `${(r.row[2] as Numeric).toString()}:${String(r.row[3])}`).sort()).toEqual(['-1:replaced', '1.5:v2', '1.7:mine', '1:changed', '2.5:new']);
    // The committed rows are untouched until COMMIT.
    expect(store.rowsInKeyRange(table, { values: [2, 'b'] })).toHaveLength(5);
  });
});
