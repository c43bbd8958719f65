// ALTER TABLE's layout changes in storage: mappings composed across several generations (a node
// catching up), rows in segments and in the delta rewritten together with the catalog, hidden row
// ids carried over, writes built for the old layout refused, and the change surviving a reopen.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../storage/index.js';
import type { TableSchema } from '../../../storage/index.js';
import { columnRewrite, layoutMapping, mapRow, withRewrite } from '../../../storage/table-rewrite.js';
import { TABLE_REWRITES_KEPT_MAX } from '../../../storage/schema.js';
import { Interval, Numeric } from '../../../src/types/values.js';
import type { Value } from '../../../src/types/values.js';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eon-rewrite-'));
  store = Store.open({ dir, partitions: 4 });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const int4 = { kind: 'int4' } as const;
const text = { kind: 'text' } as const;

/** `table` with column `name` added at the end, every stored row reading `fill` there. */
function withAdded(table: TableSchema, name: string, type: TableSchema['columns'][number]['type'], fill: Value): TableSchema {
  const generation = (table.generation ?? 0) + 1;
  const from = [...table.columns.map((_, i) => i), -1];
  const fills: Value[] = [...table.columns.map(() => null), fill];
  return { ...table, columns: [...table.columns, { name, type, notNull: false }], generation, rewrites: withRewrite(table.rewrites, columnRewrite(generation, from, fills)) };
}

/** `table` without the column at `drop`. */
function withDropped(table: TableSchema, drop: number): TableSchema {
  const generation = (table.generation ?? 0) + 1;
  const keep = table.columns.map((_, i) => i).filter((i) => i !== drop);
  const remap = (o: number): number => keep.indexOf(o);
  return {
    ...table,
    columns: keep.map((i) => table.columns[i]!),
    primaryKey: table.primaryKey.map(remap),
    distributionKey: table.distributionKey.map(remap),
    generation,
    rewrites: withRewrite(table.rewrites, columnRewrite(generation, keep, keep.map(() => null))),
  };
}

function rowsOf(table: TableSchema): Value[][] {
  return [...store.scanRows(table)].map((r) => r.row).sort((a, b) => String(a[0]).localeCompare(String(b[0]), 'en', { numeric: true }));
}

describe('layoutMapping', () => {
  const base: TableSchema = { id: 1, name: 't', columns: [{ name: 'a', type: int4, notNull: true }, { name: 'b', type: text, notNull: false }], primaryKey: [0], distributionKey: [0] };

  it('composes several changes, exact for values JSON cannot carry', () => {
    const big = 2n ** 62n + 1n;
    const g1 = withAdded(base, 'c', { kind: 'int8' }, big);
    const g2 = withDropped(g1, 1);
    const g3 = withAdded(g2, 'd', { kind: 'interval' }, new Interval(1, 2, 3));
    const mapping = layoutMapping(base, g3);
    expect(mapping).not.toBeNull();
    expect(mapRow(mapping!, [7, 'x'], 2, false)).toEqual([7, big, new Interval(1, 2, 3)]);
    // From the middle: only the later changes apply.
    expect(mapRow(layoutMapping(g2, g3)!, [7, big], 2, false)).toEqual([7, big, new Interval(1, 2, 3)]);
    expect(layoutMapping(g3, { ...g3, name: 'u' })).toBeNull();
  });

  it('refuses to go back, or across a change no longer kept', () => {
    const g1 = withAdded(base, 'c', int4, 1);
    expect(() => layoutMapping(g1, base)).toThrow(/newer/);
    let t = base;
    for (let i = 0; i < TABLE_REWRITES_KEPT_MAX + 1; i++) t = withAdded(t, `c${i}`, int4, i);
    expect(t.rewrites).toHaveLength(TABLE_REWRITES_KEPT_MAX);
    expect(() => layoutMapping(base, t)).toThrow(/no longer kept/);
    expect(layoutMapping(g1, t)).not.toBeNull();
  });
});

describe('Store.alterTable', () => {
  it('rewrites segment and delta rows with the catalog, and keeps them across a reopen', async () => {
    const t = await store.createTable({
      name: 'items',
      columns: [{ name: 'id', type: int4, notNull: true }, { name: 'note', type: text, notNull: false }, { name: 'price', type: { kind: 'numeric', precision: 8, scale: 2 }, notNull: false }],
      primaryKey: [0],
    });
    await store.write((tx) => {
      for (let i = 1; i <= 200; i++) tx.insert(t, [i, i % 9 === 0 ? null : `n${i}`, new Numeric(BigInt(i * 25), 2)]);
    });
    await store.compact(t);
    await store.write((tx) => {
      tx.insert(t, [500, 'late', null]);
      tx.delete(t, [10]);
      tx.replace(t, [11], [11, 'changed', new Numeric(1n, 2)]);
    });
    const next = withAdded(withDropped(t, 1), 'qty', int4, 3);
    const altered = await store.alterTable('items', { ...next, name: 'goods' });
    expect(store.getTable('items')).toBeUndefined();
    expect(store.getTable('goods')).toBe(altered);
    const rows = rowsOf(altered);
    expect(rows).toHaveLength(200);
    expect(rows[0]).toEqual([1, new Numeric(25n, 2), 3]);
    expect(rows.find((r) => r[0] === 11)).toEqual([11, new Numeric(1n, 2), 3]);
    expect(rows.find((r) => r[0] === 500)).toEqual([500, null, 3]);
    expect(store.get(altered, [500])).toEqual([500, null, 3]);
    expect(store.get(altered, [12])).toEqual([12, new Numeric(300n, 2), 3]);
    // A write built for the old layout is refused; the new one works, and compaction reads both kinds of rows.
    await expect(store.write((tx) => tx.insert(t, [900, 'x', null]))).rejects.toMatchObject({ code: 'serialization_failure' });
    await store.write((tx) => tx.insert(altered, [900, null, 4]));
    await store.compact(altered);
    const snapshot = rowsOf(altered);
    expect(snapshot).toHaveLength(201);
    await store.close();
    store = Store.open({ dir, partitions: 4 });
    const reopened = store.getTable('goods')!;
    expect(reopened.generation).toBe(2);
    expect(rowsOf(reopened)).toEqual(snapshot);
    expect(store.get(reopened, [900])).toEqual([900, null, 4]);
    expect(store.get(reopened, [1])).toEqual([1, new Numeric(25n, 2), 3]);
  });

  it('carries hidden row ids over, so keys still find their rows', async () => {
    const t = await store.createTable({ name: 'loose', columns: [{ name: 'a', type: int4, notNull: false }, { name: 'b', type: text, notNull: false }], primaryKey: [] });
    await store.write((tx) => {
      for (let i = 0; i < 50; i++) tx.insert(t, [i, `b${i}`]);
    });
    await store.compact(t);
    await store.write((tx) => tx.insert(t, [99, 'd']));
    const keysBefore = [...store.scanRows(t)].map((r) => r.key[0]).sort();
    const altered = await store.alterTable('loose', withAdded(withDropped(t, 1), 'c', text, 'z'));
    const after = [...store.scanRows(altered)];
    expect(after.map((r) => r.key[0]).sort()).toEqual(keysBefore);
    for (const r of after) expect(r.row).toEqual([r.row[0], 'z']);
    expect(store.get(altered, after[0]!.key)).toEqual(after[0]!.row);
  });

  it('refuses reads planned for the old layout (40001) instead of misreading the new rows', async () => {
    const t = await store.createTable({ name: 'r', columns: [{ name: 'a', type: int4, notNull: true }, { name: 'b', type: text, notNull: false }], primaryKey: [0] });
    await store.write((tx) => {
      for (let i = 0; i < 40; i++) tx.insert(t, [i, `b${i}`]);
    });
    await store.compact(t);
    await store.write((tx) => tx.insert(t, [100, 'delta']));
    const altered = await store.alterTable('r', withAdded(t, 'c', int4, 1));
    expect(() => [...store.scanRows(t)]).toThrow(expect.objectContaining({ code: 'serialization_failure' }));
    expect(() => [...store.reader.deltaEntries(t, 0), ...store.reader.deltaEntries(t, 1), ...store.reader.deltaEntries(t, 2), ...store.reader.deltaEntries(t, 3)]).toThrow(
      expect.objectContaining({ code: 'serialization_failure' }),
    );
    expect([...store.scanRows(altered)]).toHaveLength(41);
  });

  it('changes only the catalog when the layout stays', async () => {
    const t = await store.createTable({ name: 'p', columns: [{ name: 'a', type: int4, notNull: true }, { name: 'b', type: int4, notNull: false }], primaryKey: [0] });
    await store.write((tx) => tx.insert(t, [1, 2]));
    const renamed = await store.alterTable('p', { ...t, columns: [t.columns[0]!, { ...t.columns[1]!, name: 'bb', default: '5' }] });
    expect(renamed.columns[1]).toEqual({ name: 'bb', type: int4, notNull: false, default: '5' });
    // Same layout: a write holding the old schema object still fits.
    await store.write((tx) => tx.insert(t, [2, 3]));
    expect(rowsOf(renamed)).toEqual([[1, 2], [2, 3]]);
    await expect(store.alterTable('p', { ...renamed, id: renamed.id + 1 })).rejects.toThrow(/cannot change its id/);
  });
});
