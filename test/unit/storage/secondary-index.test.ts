// Secondary indexes in storage: the key encoding (prefix ranges, NULLs distinct, unique entries),
// maintenance through insert, replace, delete, compaction, TRUNCATE and a replica's apply, the
// unique check of a store write and of a transaction block's write set, and building an index
// over existing rows (all or nothing).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, encodeKey, encodeRow, type IndexSchema, type TableSchema } from '../../../storage/index.js';
import { indexEntryKey, indexPrefixRange, uniqueProbeKey } from '../../../storage/secondary-index.js';
import { pkTypes } from '../../../storage/store.js';
import { WriteSet } from '../../../storage/write-set.js';
import { EonError } from '../../../src/errors/index.js';
import { T, type Value } from '../../../src/types/index.js';

let dir: string;
let store: Store;

function errorOf(fn: () => unknown): EonError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EonError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

async function rejection(p: Promise<unknown>): Promise<EonError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EonError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'eon-secondary-index-'));
  store = Store.open({ dir, partitions: 4 });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (rows: Iterable<{ row: Value[] }>): Value[] => [...rows].map((r) => r.row[0]!).sort((a, b) => Number(a) - Number(b));

describe('index keys', () => {
  const table: TableSchema = {
    id: 7,
    name: 'k',
    columns: [
      { name: 'id', type: T.int4, notNull: true },
      { name: 'a', type: T.text, notNull: false },
      { name: 'b', type: T.int8, notNull: false },
    ],
    primaryKey: [0],
    distributionKey: [0],
  };
  const unique: IndexSchema = { id: 3, name: 'k_a_b_key', columns: [1, 2], unique: true, constraint: true };
  const plain: IndexSchema = { ...unique, id: 4, name: 'k_a_b_idx', unique: false, constraint: false };
  const rowKey = (id: number): Buffer => encodeKey(table.id, 0, pkTypes(table), [id]);

  it('gives equal values in a unique index one entry, and entries with a NULL or in a plain index the row key too', () => {
    const one = indexEntryKey(table, unique, [1, 'x', 5n], rowKey(1));
    expect(one.equals(indexEntryKey(table, unique, [2, 'x', 5n], rowKey(2)))).toBe(true);
    expect(one.equals(uniqueProbeKey(table, unique, [9, 'x', 5n])!)).toBe(true);
    expect(uniqueProbeKey(table, unique, [9, null, 5n])).toBeNull();
    expect(indexEntryKey(table, unique, [1, null, 5n], rowKey(1)).equals(indexEntryKey(table, unique, [2, null, 5n], rowKey(2)))).toBe(false);
    expect(indexEntryKey(table, plain, [1, 'x', 5n], rowKey(1)).equals(indexEntryKey(table, plain, [2, 'x', 5n], rowKey(2)))).toBe(false);
    // [tableId u32][indexId u16] lead every key.
    expect([...one.subarray(0, 6)]).toEqual([0, 0, 0, 7, 0, 3]);
  });

  it('puts every entry of a value list in its prefix range, and no other', () => {
    const { start, end } = indexPrefixRange(table, plain, ['x']);
    const inside = (k: Buffer): boolean => Buffer.compare(k, start) >= 0 && Buffer.compare(k, end) < 0;
    expect(inside(indexEntryKey(table, plain, [1, 'x', 5n], rowKey(1)))).toBe(true);
    expect(inside(indexEntryKey(table, plain, [1, 'x', null], rowKey(1)))).toBe(true);
    expect(inside(indexEntryKey(table, plain, [1, 'x\u0000', 5n], rowKey(1)))).toBe(false);
    expect(inside(indexEntryKey(table, plain, [1, 'xy', 5n], rowKey(1)))).toBe(false);
    expect(inside(indexEntryKey(table, plain, [1, 'w', 5n], rowKey(1)))).toBe(false);
    const full = indexPrefixRange(table, plain, ['x', 5n]);
    expect(Buffer.compare(indexEntryKey(table, plain, [1, 'x', 5n], rowKey(1)), full.start) >= 0).toBe(true);
    expect(Buffer.compare(indexEntryKey(table, plain, [1, 'x', 6n], rowKey(1)), full.end) >= 0).toBe(true);
  });
});

describe('maintenance', () => {
  let t: TableSchema;
  let email: IndexSchema;
  let grp: IndexSchema;

  beforeAll(async () => {
    email = { id: 1, name: 'm_email_key', columns: [1], unique: true, constraint: true };
    t = await store.createTable({
      name: 'm',
      columns: [
        { name: 'id', type: T.int4, notNull: true },
        { name: 'email', type: T.text, notNull: false },
        { name: 'g', type: T.int4, notNull: false },
      ],
      primaryKey: [0],
      indexes: [email],
    });
    await store.write((tx) => {
      for (let i = 1; i <= 40; i++) tx.insert(t, [i, i % 10 === 0 ? null : `u${i}@x`, i % 4]);
    });
    grp = await store.createIndex('m', { name: 'm_g_idx', columns: [2], unique: false, constraint: false });
    t = store.getTable('m')!;
  });

  it('builds an index over the stored rows and finds them by value', () => {
    expect(grp.id).toBe(2);
    expect(ids(store.indexRows(t, grp, [1]))).toEqual([1, 5, 9, 13, 17, 21, 25, 29, 33, 37]);
    expect(ids(store.indexRows(t, email, ['u7@x']))).toEqual([7]);
    expect(ids(store.indexRows(t, email, ['nobody']))).toEqual([]);
  });

  it('refuses a duplicate with PostgreSQL\'s message and detail, and writes nothing of that write', async () => {
    const e = await rejection(store.write((tx) => {
      tx.insert(t, [100, 'fresh@x', 0]);
      tx.insert(t, [101, 'u3@x', 0]);
    }));
    expect(e.sqlstate).toBe('23505');
    expect(e.message).toBe('duplicate key value violates unique constraint "m_email_key"');
    expect(e.detail).toBe('Key (email)=(u3@x) already exists.');
    expect(store.get(t, [100])).toBeUndefined();
    expect(ids(store.indexRows(t, email, ['fresh@x']))).toEqual([]);
    // NULLs are distinct.
    await store.write((tx) => tx.insert(t, [102, null, 0]));
  });

  it('follows replace and delete, across compaction into segments', async () => {
    await store.compact(t);
    await store.write((tx) => {
      tx.replace(t, [1], [1, 'moved@x', 99]);
      tx.delete(t, [5]);
      // A value given up earlier in the same write is free.
      tx.insert(t, [103, 'u1@x', 99]);
    });
    expect(ids(store.indexRows(t, grp, [99]))).toEqual([1, 103]);
    expect(ids(store.indexRows(t, grp, [1]))).toEqual([9, 13, 17, 21, 25, 29, 33, 37]);
    expect(ids(store.indexRows(t, email, ['u1@x']))).toEqual([103]);
    expect(ids(store.indexRows(t, email, ['u5@x']))).toEqual([]);
    const e = await rejection(store.write((tx) => tx.replace(t, [2], [2, 'moved@x', 2])));
    expect(e.detail).toBe('Key (email)=(moved@x) already exists.');
    // A changed primary key moves the entries with the row.
    await store.write((tx) => tx.replace(t, [2], [200, 'u2@x', 2]));
    expect(ids(store.indexRows(t, email, ['u2@x']))).toEqual([200]);
  });

  it('does not build a unique index over duplicates, and leaves nothing of it', async () => {
    const e = await rejection(store.createIndex('m', { name: 'm_g_key', columns: [2], unique: true, constraint: false }));
    expect(e.sqlstate).toBe('23505');
    expect(e.message).toBe('could not create unique index "m_g_key"');
    expect(e.detail).toMatch(/^Key \(g\)=\(\d+\) is duplicated\.$/);
    expect(store.getTable('m')!.indexes!.map((i) => i.name)).toEqual(['m_email_key', 'm_g_idx']);
  });

  it('checks uniqueness per statement in a transaction block and applies in a safe order at COMMIT', async () => {
    const ws = new WriteSet(store);
    const tx = ws.tx();
    expect(errorOf(() => tx.insert(t, [300, 'u3@x', 0])).sqlstate).toBe('23505');
    expect(tx.insert(t, [300, 'block@x', 0])).toBe(true);
    expect(errorOf(() => tx.insert(t, [301, 'block@x', 0])).sqlstate).toBe('23505');
    expect(tx.uniqueConflict(t, email, [0, 'block@x', 0])).toEqual([300]);
    expect(tx.uniqueConflict(t, email, [0, 'u4@x', 0])).toEqual([4]);
    // Row 4 gives its value up, row 301 takes it: fine in the block, and at COMMIT.
    tx.replace(t, [4], [4, 'renamed@x', 0]);
    expect(tx.insert(t, [301, 'u4@x', 0])).toBe(true);
    await store.write((w) => ws.applyTo(w));
    expect(ids(store.indexRows(t, email, ['u4@x']))).toEqual([301]);
    expect(ids(store.indexRows(t, email, ['renamed@x']))).toEqual([4]);
  });

  it('is kept by a replica applying shipped rows', async () => {
    const partitionOf = (id: number): number => {
      for (let q = 0; q < store.partitions; q++) {
        const k = encodeKey(t.id, q, pkTypes(t), [id]);
        if (store.rowAt(t, k) !== undefined) return q;
      }
      return -1;
    };
    const at = partitionOf(9);
    expect(at).toBeGreaterThanOrEqual(0);
    const kb = encodeKey(t.id, at, pkTypes(t), [9]);
    await store.applyReplicated((tx) => tx.apply(t, kb, encodeRow([9, 'replica@x', 77]), new Uint8Array([1])));
    expect(ids(store.indexRows(t, email, ['replica@x']))).toEqual([9]);
    expect(ids(store.indexRows(t, email, ['u9@x']))).toEqual([]);
    expect(ids(store.indexRows(t, grp, [77]))).toEqual([9]);
    await store.applyReplicated((tx) => tx.apply(t, kb, null, new Uint8Array([2])));
    expect(ids(store.indexRows(t, grp, [77]))).toEqual([]);
  });

  it('empties with TRUNCATE, drops with DROP INDEX, and survives a reopen', async () => {
    await store.dropIndex('m', 'm_g_idx');
    expect(store.getTable('m')!.indexes!.map((i) => i.name)).toEqual(['m_email_key']);
    await store.close();
    store = Store.open({ dir, partitions: 4 });
    t = store.getTable('m')!;
    expect(t.indexes).toEqual([email]);
    expect(ids(store.indexRows(t, email, ['u7@x']))).toEqual([7]);
    await store.truncateTables(['m']);
    expect(ids(store.indexRows(t, email, ['u7@x']))).toEqual([]);
    await store.write((tx) => tx.insert(t, [1, 'u7@x', 0]));
    expect(ids(store.indexRows(t, email, ['u7@x']))).toEqual([1]);
  });
});

describe('a transaction block', () => {
  it('checks many held rows without a walk per row, and follows rollbacks to a mark', async () => {
    const t = await store.createTable({
      name: 'wsu',
      columns: [
        { name: 'id', type: T.int4, notNull: true },
        { name: 'code', type: T.int4, notNull: false },
      ],
      primaryKey: [0],
      indexes: [{ id: 1, name: 'wsu_code_key', columns: [1], unique: true, constraint: true }],
    });
    const ws = new WriteSet(store);
    const tx = ws.tx();
    const started = Date.now();
    for (let i = 0; i < 10_000; i++) tx.insert(t, [i, i]);
    // A walk over every held row per insert would take minutes here.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(errorOf(() => tx.insert(t, [99_999, 9_999])).detail).toBe('Key (code)=(9999) already exists.');
    const mark = ws.mark();
    tx.delete(t, [5]);
    expect(tx.insert(t, [50_000, 5])).toBe(true);
    ws.rollbackTo(mark);
    ws.release();
    expect(errorOf(() => tx.insert(t, [50_001, 5])).sqlstate).toBe('23505');
    tx.replace(t, [7], [7, 70_000]);
    expect(tx.insert(t, [50_002, 7])).toBe(true);
    await store.write((w) => ws.applyTo(w));
    expect(ids(store.indexRows(t, t.indexes![0]!, [7]))).toEqual([50_002]);
    expect(ids(store.indexRows(t, t.indexes![0]!, [70_000]))).toEqual([7]);
  });
});
