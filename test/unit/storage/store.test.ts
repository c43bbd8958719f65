import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, scanPartition, DELTA_ROWS_COMPACT, SEGMENT_MERGE_ROWS_MAX, IDLE_COMPACT_DELAY_MS, IDLE_COMPACT_ROWS_MIN } from '../../../storage/index.js';
import type { ColumnBatch, TableSchema } from '../../../storage/index.js';
import { EonError } from '../../../src/errors/index.js';
import { Numeric } from '../../../src/types/values.js';
import type { Value } from '../../../src/types/values.js';

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eon-store-'));
  store = Store.open({ dir, partitions: 8 });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function accounts(): Promise<TableSchema> {
  return store.createTable({
    name: 'accounts',
    columns: [
      { name: 'id', type: { kind: 'int8' }, notNull: true },
      { name: 'owner', type: { kind: 'text' }, notNull: false },
      { name: 'balance', type: { kind: 'numeric', precision: 12, scale: 2 }, notNull: false },
    ],
    primaryKey: [0],
  });
}

const money = (cents: number): Numeric => new Numeric(BigInt(cents), 2);

function allRows(table: TableSchema): Value[][] {
  return [...store.scanRows(table)].map((r) => r.row).sort((a, b) => Number((a[0] as bigint) - (b[0] as bigint)));
}

/** Live rows of a table as seen through scanPartition's vectors. */
function scannedIds(table: TableSchema): bigint[] {
  const ids: bigint[] = [];
  for (let p = 0; p < store.partitions; p++) {
    for (const b of scanPartition(store.reader, table, p, [0]) as Iterable<ColumnBatch>) {
      const v = b.columns[0]!.values as BigInt64Array;
      if (b.selection === null) for (let i = 0; i < b.length; i++) ids.push(v[i]!);
      else for (const i of b.selection) ids.push(v[i]!);
    }
  }
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

describe('catalog', () => {
  it('creates, lists, refuses duplicates and drops tables', async () => {
    const t = await accounts();
    expect(t.id).toBeGreaterThan(0);
    expect(t.distributionKey).toEqual([0]);
    expect(store.getTable('accounts')).toEqual(t);
    await expect(accounts()).rejects.toMatchObject({ code: 'duplicate_table', sqlstate: '42P07' });
    await store.write((tx) => tx.insert(t, [1n, 'a', money(1)]));
    await store.dropTable('accounts');
    expect(store.getTable('accounts')).toBeUndefined();
    const again = await accounts();
    expect(again.id).not.toBe(t.id);
    expect(store.get(again, [1n])).toBeUndefined();
  });

  it('requires the distribution key inside the primary key', async () => {
    await expect(store.createTable({
      name: 'bad', columns: [{ name: 'a', type: { kind: 'int4' }, notNull: true }, { name: 'b', type: { kind: 'int4' }, notNull: false }],
      primaryKey: [0], distributionKey: [1],
    })).rejects.toMatchObject({ code: 'invalid_table_definition' });
  });
});

describe('writes and reads', () => {
  it('inserts, refuses duplicate keys, replaces and deletes in the delta', async () => {
    const t = await accounts();
    const inserted = await store.write((tx) => [tx.insert(t, [1n, 'ann', money(100)]), tx.insert(t, [2n, 'bob', null]), tx.insert(t, [1n, 'dup', null])]);
    expect(inserted).toEqual([true, true, false]);
    expect(store.get(t, [1n])).toEqual([1n, 'ann', money(100)]);
    await store.write((tx) => {
      tx.replace(t, [1n], [1n, 'ann', new Numeric(25n, 1)]);
      expect(tx.get(t, [1n])).toEqual([1n, 'ann', money(250)]);
      expect(tx.delete(t, [2n])).toBe(true);
      expect(tx.delete(t, [2n])).toBe(false);
    });
    expect(store.get(t, [1n])).toEqual([1n, 'ann', money(250)]);
    expect(store.get(t, [2n])).toBeUndefined();
  });

  it('refuses duplicates of the newest and of older keys across commits, compaction and reopen', async () => {
    // Keys above a partition's largest written key skip the existence lookups: the bound must hold.
    const t = await accounts();
    const ids = (from: number, to: number): bigint[] => Array.from({ length: to - from }, (_, i) => BigInt(from + i));
    await store.write((tx) => { for (const id of ids(100, 200)) tx.insert(t, [id, 'a', null]); });
    expect(await store.write((tx) => [tx.insert(t, [199n, 'dup', null]), tx.insert(t, [150n, 'dup', null]), tx.insert(t, [200n, 'new', null])])).toEqual([false, false, true]);
    await store.compact(t);
    expect(await store.write((tx) => [tx.insert(t, [200n, 'dup', null]), tx.insert(t, [99n, 'new', null])])).toEqual([false, true]);
    // A rolled-back write may leave the bound high; that only costs lookups.
    await expect(store.write((tx) => { tx.insert(t, [5000n, 'x', null]); throw new EonError('unique_violation', 'boom'); })).rejects.toThrow('boom');
    expect(await store.write((tx) => tx.insert(t, [5000n, 'again', null]))).toBe(true);
    await store.close();
    store = Store.open({ dir, partitions: 8 });
    const reopened = store.getTable('accounts')!;
    expect(await store.write((tx) => [tx.insert(reopened, [5000n, 'dup', null]), tx.insert(reopened, [200n, 'dup', null]), tx.insert(reopened, [201n, 'new', null])])).toEqual([false, false, true]);
    await store.write((tx) => tx.delete(reopened, [5000n]));
    expect(await store.write((tx) => tx.insert(reopened, [5000n, 'back', null]))).toBe(true);
    expect(allRows(reopened).length).toBe(104);
  });

  it('opens a data directory whose name has a dot, as a directory, and reopens it', async () => {
    const dotted = join(dir, 'eon-0.1.data');
    const other = Store.open({ dir: dotted, partitions: 8 });
    try {
      const t = await other.createTable({ name: 'd', columns: [{ name: 'id', type: { kind: 'int8' }, notNull: true }], primaryKey: [0] });
      await other.write((tx) => { tx.insert(t, [1n]); });
    } finally {
      await other.close();
    }
    expect(statSync(dotted).isDirectory()).toBe(true);
    const again = Store.open({ dir: dotted, partitions: 8 });
    try {
      expect(again.get(again.getTable('d')!, [1n])).toEqual([1n]);
    } finally {
      await again.close();
    }
  });

  it('warms the segment cache of a reopened store with every stored segment', async () => {
    const t = await accounts();
    await store.write((tx) => { for (let i = 0; i < 3000; i++) tx.insert(t, [BigInt(i), `w${i % 5}`, money(i)]); });
    await store.compact(t);
    let segments = 0;
    for (let p = 0; p < store.partitions; p++) segments += store.reader.segmentsOf(t, p).length;
    expect(segments).toBeGreaterThan(0);
    await store.close();
    store = Store.open({ dir, partitions: 8 });
    expect(await store.warmSegmentCache()).toBe(segments);
    expect(store.get(store.getTable('accounts')!, [2999n])).toEqual([2999n, 'w4', money(2999)]);
  });

  it('bulk writes put partitions with enough rows straight into segments, merged later by compaction', async () => {
    const t = await accounts();
    const segmentsOf = (): number[] => Array.from({ length: store.partitions }, (_, p) => store.reader.segmentsOf(t, p).length);
    const deltaRows = (): number => Array.from({ length: store.partitions }, (_, p) => store.deltaCount(t.id, p)).reduce((a, b) => a + b, 0);
    for (let batch = 0; batch < 3; batch++) {
      await store.write((tx) => { for (let i = 0; i < 20_000; i++) tx.insert(t, [BigInt(batch * 20_000 + i), 'b', null]); }, { bulk: true });
    }
    // 20,000 rows over 8 partitions is about 2,500 each: past BULK_SEGMENT_ROWS_MIN, so no delta.
    expect(deltaRows()).toBe(0);
    expect(segmentsOf().every((n) => n === 3)).toBe(true);
    expect(await store.write((tx) => tx.insert(t, [59_999n, 'dup', null]), { bulk: true })).toBe(false);
    await store.compact(t);
    expect(segmentsOf().every((n) => n === 1)).toBe(true);
    expect(allRows(t).length).toBe(60_000);
    expect(store.get(t, [41_234n])).toEqual([41_234n, 'b', null]);
  });

  it('checks NOT NULL and value kinds at write time', async () => {
    const t = await accounts();
    await expect(store.write((tx) => tx.insert(t, [null, 'a', null]))).rejects.toMatchObject({ code: 'not_null_violation', sqlstate: '23502' });
    await expect(store.write((tx) => tx.insert(t, [1, 'a', null]))).rejects.toMatchObject({ code: 'datatype_mismatch' });
    await expect(store.write((tx) => tx.insert(t, [1n, 5, null]))).rejects.toMatchObject({ code: 'datatype_mismatch' });
    await expect(store.write((tx) => tx.insert(t, [1n, 'a', 1.5]))).rejects.toMatchObject({ code: 'datatype_mismatch' });
    expect([...store.scanRows(t)]).toEqual([]);
  });

  it('writes nothing when the function throws', async () => {
    const t = await accounts();
    await expect(store.write((tx) => {
      tx.insert(t, [1n, 'a', null]);
      throw new EonError('unique_violation', 'boom');
    })).rejects.toThrow('boom');
    expect(store.get(t, [1n])).toBeUndefined();
    expect([...store.scanRows(t)]).toEqual([]);
    await expect(store.write(async (tx) => { tx.insert(t, [2n, 'b', null]); })).rejects.toThrow(/synchronous/);
    expect(store.get(t, [2n])).toBeUndefined();
  });

  it('updates and deletes rows that live in segments, keeping dead marks through compaction', async () => {
    const t = await accounts();
    await store.write((tx) => { for (let i = 0; i < 100; i++) tx.insert(t, [BigInt(i), `o${i % 7}`, money(i)]); });
    await store.compact(t);
    expect(store.get(t, [42n])).toEqual([42n, 'o0', money(42)]);
    await store.write((tx) => {
      expect(tx.insert(t, [42n, 'dup', null])).toBe(false);
      tx.replace(t, [42n], [42n, 'changed', money(-1)]);
      expect(tx.delete(t, [7n])).toBe(true);
      tx.replace(t, [8n], [1008n, 'moved', null]);
    });
    const check = (): void => {
      expect(store.get(t, [42n])).toEqual([42n, 'changed', money(-1)]);
      expect(store.get(t, [7n])).toBeUndefined();
      expect(store.get(t, [8n])).toBeUndefined();
      expect(store.get(t, [1008n])).toEqual([1008n, 'moved', null]);
      const rows = allRows(t);
      expect(rows.length).toBe(99);
      expect(rows.filter((r) => r[0] === 42n)).toEqual([[42n, 'changed', money(-1)]]);
      const expectedIds = [...Array(100).keys()].filter((i) => i !== 7 && i !== 8).map(BigInt).concat([1008n]);
      expect(scannedIds(t)).toEqual(expectedIds.sort((a, b) => (a < b ? -1 : 1)));
    };
    check();
    await store.compact(t);
    check();
    await store.write((tx) => { expect(tx.delete(t, [42n])).toBe(true); });
    expect(store.get(t, [42n])).toBeUndefined();
    expect(scannedIds(t)).not.toContain(42n);
  });

  it('refuses a pk change onto an existing key', async () => {
    const t = await accounts();
    await store.write((tx) => { tx.insert(t, [1n, 'a', null]); tx.insert(t, [2n, 'b', null]); });
    await expect(store.write((tx) => tx.replace(t, [1n], [2n, 'x', null]))).rejects.toMatchObject({ code: 'unique_violation' });
    expect(allRows(t)).toEqual([[1n, 'a', null], [2n, 'b', null]]);
  });

  it('keeps each partition ordered by primary key, bigints beyond 2^53 and numerics included', async () => {
    const t = await store.createTable({
      name: 'k', columns: [{ name: 'n', type: { kind: 'numeric' }, notNull: true }, { name: 'b', type: { kind: 'int8' }, notNull: true }],
      primaryKey: [0, 1], distributionKey: [],
    });
    expect(t.distributionKey).toEqual([]);
    const nums = [new Numeric(-5n, 1), new Numeric(10n, 0), new Numeric(95n, 1), new Numeric(1n, 3)];
    const bigs = [9007199254740993n, 9007199254740992n, -1n];
    await store.write((tx) => { for (const n of nums) for (const b of bigs) tx.insert(t, [n, b]); });
    // An empty distribution key puts every row in one partition: its delta order is the pk order.
    const rows = [...store.scanRows(t)].map((r) => r.row);
    const asText = rows.map((r) => `${(r[0] as Numeric).coef}e-${(r[0] as Numeric).scale}/${String(r[1])}`);
    expect(asText).toEqual([
      '-5e-1/-1', '-5e-1/9007199254740992', '-5e-1/9007199254740993',
      '1e-3/-1', '1e-3/9007199254740992', '1e-3/9007199254740993',
      '95e-1/-1', '95e-1/9007199254740992', '95e-1/9007199254740993',
      '10e-0/-1', '10e-0/9007199254740992', '10e-0/9007199254740993',
    ]);
  });

  it('gives hidden-row-id tables persistent, unique row ids', async () => {
    const t = await store.createTable({ name: 'log', columns: [{ name: 'msg', type: { kind: 'text' }, notNull: false }], primaryKey: [] });
    const keys = await store.write((tx) => [tx.insertReturningKey(t, ['a']), tx.insertReturningKey(t, ['b']), tx.insertReturningKey(t, [null])]);
    const ids = keys.map((k) => k![0] as bigint);
    expect(new Set(ids).size).toBe(3);
    expect(store.get(t, keys[1]!)).toEqual(['b']);
    await store.compact(t);
    expect(store.get(t, keys[2]!)).toEqual([null]);
    await store.write((tx) => { tx.replace(t, keys[0]!, ['a2']); });
    const scanned = [...store.scanRows(t)].map((r) => [r.key[0], r.row[0]]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(scanned).toEqual([[ids[0], 'a2'], [ids[1], 'b'], [ids[2], null]]);
    // The row id column is readable by scans as ordinal columns.length.
    const fromScan: bigint[] = [];
    for (let p = 0; p < store.partitions; p++) {
      for (const b of scanPartition(store.reader, t, p, [1])) {
        const v = b.columns[0]!.values as BigInt64Array;
        for (let i = 0; i < b.length; i++) if (b.selection === null || b.selection.includes(i)) fromScan.push(v[i]!);
      }
    }
    expect(fromScan.sort()).toEqual([...ids].sort());
  });
});

describe('compaction and persistence', () => {
  it('compacts automatically past the delta threshold and survives close/reopen', async () => {
    const t = await accounts();
    const n = Math.round(DELTA_ROWS_COMPACT * store.partitions * 1.25);
    // Many small writes (a big one would go straight to segments): deltas grow past the threshold.
    const writes = 20;
    for (let w = 0; w < writes; w++) {
      await store.write((tx) => {
        for (let i = w; i < n; i += writes) tx.insert(t, [BigInt(i), i % 2 ? 'odd' : 'even', money(i)]);
      });
    }
    // Without compact(): the background compactor folds the big delta within a bounded wait.
    // Every partition gets a segment (a slow machine may compact some twice, as writes keep coming).
    const compacted = (): number => {
      let c = 0;
      for (let p = 0; p < store.partitions; p++) if (store.reader.segmentsOf(t, p).length > 0) c++;
      return c;
    };
    const deadline = Date.now() + 10_000;
    while (compacted() < store.partitions && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(compacted()).toBe(store.partitions);
    // The background compactor runs after the write; compact() waits for it and finishes the rest.
    await store.compact();
    let segments = 0;
    for (let p = 0; p < store.partitions; p++) segments += store.reader.segmentsOf(t, p).length;
    expect(segments).toBeGreaterThan(0);
    await store.write((tx) => { tx.delete(t, [5n]); tx.replace(t, [6n], [6n, 'six', null]); });
    await store.close();
    store = Store.open({ dir });
    expect(store.partitions).toBe(8);
    const t2 = store.getTable('accounts')!;
    expect(t2).toEqual(t);
    expect(store.get(t2, [5n])).toBeUndefined();
    expect(store.get(t2, [6n])).toEqual([6n, 'six', null]);
    expect(store.get(t2, [BigInt(n - 1)])).toEqual([BigInt(n - 1), (n - 1) % 2 ? 'odd' : 'even', money(n - 1)]);
    expect(scannedIds(t2).length).toBe(n - 1);
    const sum = [...store.scanRows(t2)].reduce((s, r) => s + ((r.row[2] as Numeric | null)?.coef ?? 0n), 0n);
    expect(sum).toBe(BigInt((n * (n - 1)) / 2) - 5n - 6n);
    // A second batch into partitions that now have segments still refuses existing keys.
    const again = await store.write((tx) => [tx.insert(t2, [3n, 'x', null]), tx.insert(t2, [5n, 'back', null])]);
    expect(again).toEqual([false, true]);
  });

  it('loads big single-write batches straight into segments, with in-transaction reads and changes', async () => {
    const t = await accounts();
    const n = DELTA_ROWS_COMPACT * store.partitions * 2;
    const results = await store.write((tx) => {
      for (let i = 0; i < n; i++) tx.insert(t, [BigInt(i), 'x', money(i)]);
      const dup = tx.insert(t, [5n, 'dup', null]);
      const seen = tx.get(t, [6n]);
      tx.replace(t, [7n], [7n, 'seven', null]);
      tx.replace(t, [8n], [100_000_000n, 'moved', null]);
      const deleted = tx.delete(t, [9n]);
      return { dup, seen, deleted };
    });
    expect(results).toEqual({ dup: false, seen: [6n, 'x', money(6)], deleted: true });
    expect(store.estimatedRows(t)).toBe(n - 1);
    for (let p = 0; p < store.partitions; p++) {
      expect(store.reader.segmentsOf(t, p).length).toBeGreaterThan(0);
      expect([...store.reader.deltaEntries(t, p)]).toEqual([]);
    }
    expect(store.get(t, [7n])).toEqual([7n, 'seven', null]);
    expect(store.get(t, [8n])).toBeUndefined();
    expect(store.get(t, [9n])).toBeUndefined();
    expect(store.get(t, [100_000_000n])).toEqual([100_000_000n, 'moved', null]);
    expect(scannedIds(t).length).toBe(n - 1);
    // Keys loaded this way are in the pk index: later inserts see them, updates mark them dead.
    await store.write((tx) => {
      expect(tx.insert(t, [10n, 'dup', null])).toBe(false);
      tx.replace(t, [11n], [11n, 'eleven', null]);
    });
    expect(store.get(t, [11n])).toEqual([11n, 'eleven', null]);
    expect(scannedIds(t).length).toBe(n - 1);
  });

  it('bulk-loads hidden-row-id tables without touching the caller\'s rows', async () => {
    const t = await store.createTable({ name: 'bulk', columns: [{ name: 'msg', type: { kind: 'text' }, notNull: false }], primaryKey: [] });
    const bulk = Array.from({ length: DELTA_ROWS_COMPACT * store.partitions + 1 }, (_, i) => [`bulk${i}`]);
    await store.write((tx) => { for (const r of bulk) tx.insert(t, r); });
    expect(bulk.every((r) => r.length === 1)).toBe(true);
    expect(store.estimatedRows(t)).toBe(bulk.length);
    const all = [...store.scanRows(t)];
    expect(all.length).toBe(bulk.length);
    const victim = all.find((r) => r.row[0] === 'bulk7')!;
    expect(store.get(t, victim.key)).toEqual(['bulk7']);
    await store.write((tx) => { expect(tx.delete(t, victim.key)).toBe(true); });
    expect(store.get(t, victim.key)).toBeUndefined();
    expect(new Set([...store.scanRows(t)].map((r) => r.row[0])).has('bulk7')).toBe(false);
  });

  it('prunes segments by zone maps', async () => {
    const t = await store.createTable({
      name: 'z', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }], primaryKey: [0], distributionKey: [],
    });
    const big = SEGMENT_MERGE_ROWS_MAX + 10;
    await store.write((tx) => { for (let i = 0; i < big; i++) tx.insert(t, [i]); });
    await store.compact(t);
    await store.write((tx) => { for (let i = 1_000_000; i < 1_000_000 + big; i++) tx.insert(t, [i]); });
    await store.compact(t);
    const p = [...Array(store.partitions).keys()].find((q) => store.reader.segmentsOf(t, q).length > 0)!;
    expect(store.reader.segmentsOf(t, p).length).toBe(2);
    const lengths = (prune: { column: number; op: '>=' | '<' | '='; value: number }[]): number[] =>
      [...scanPartition(store.reader, t, p, [0], prune)].map((b) => b.length);
    expect(lengths([])).toEqual([big, big]);
    expect(lengths([{ column: 0, op: '>=', value: 500_000 }])).toEqual([big]);
    expect(lengths([{ column: 0, op: '<', value: 500_000 }])).toEqual([big]);
    expect(lengths([{ column: 0, op: '=', value: 500_000 }])).toEqual([]);
    expect(lengths([{ column: 0, op: '>=', value: 5_000_000 }])).toEqual([]);
  });

  it('merges small segments and drops dead rows when compacting', async () => {
    const t = await store.createTable({
      name: 'm', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }, { name: 'v', type: { kind: 'text' }, notNull: false }],
      primaryKey: [0], distributionKey: [],
    });
    const segs = (): { rows: number }[] => [...Array(store.partitions).keys()].flatMap((q) => store.reader.segmentsOf(t, q));
    for (let round = 0; round < 3; round++) {
      await store.write((tx) => { for (let i = round * 100; i < round * 100 + 100; i++) tx.insert(t, [i, `v${i}`]); });
      await store.compact(t);
    }
    expect(segs().map((m) => m.rows)).toEqual([300]);
    await store.write((tx) => { for (let i = 0; i < 200; i++) tx.delete(t, [i]); tx.replace(t, [250], [250, 'new']); });
    await store.compact(t);
    expect(segs().map((m) => m.rows)).toEqual([100]);
    const rows = [...store.scanRows(t)].map((r) => r.row).sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(rows.length).toBe(100);
    expect(rows[0]).toEqual([200, 'v200']);
    expect(rows[50]).toEqual([250, 'new']);
    expect(store.get(t, [250])).toEqual([250, 'new']);
    expect(store.get(t, [299])).toEqual([299, 'v299']);
    expect(store.get(t, [5])).toBeUndefined();
    await store.write((tx) => { expect(tx.insert(t, [299, 'dup'])).toBe(false); expect(tx.insert(t, [5, 'again'])).toBe(true); });
  });

  it('pins a snapshot for readers between begin() and end()', async () => {
    const t = await store.createTable({
      name: 's', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }], primaryKey: [0], distributionKey: [],
    });
    await store.write((tx) => { for (let i = 0; i < 10; i++) tx.insert(t, [i]); });
    await store.compact(t);
    const live = (): number => {
      let n = 0;
      for (let p = 0; p < store.partitions; p++) {
        for (const b of scanPartition(store.reader, t, p, [0])) n += b.selection === null ? b.length : b.selection.length;
      }
      return n;
    };
    store.reader.begin();
    try {
      expect(live()).toBe(10);
      await store.write((tx) => { tx.insert(t, [100]); tx.delete(t, [0]); tx.delete(t, [1]); });
      await store.compact(t);
      expect(live()).toBe(10);
    } finally {
      store.reader.end();
    }
    expect(live()).toBe(9);
    // The compaction that ran while the caller's snapshot was pinned worked on current data.
    expect([...store.scanRows(t)].map((r) => r.row[0]).sort((a, b) => (a as number) - (b as number))).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 100]);
    expect(store.get(t, [0])).toBeUndefined();
    expect(store.get(t, [100])).toEqual([100]);
  });

  it('refuses to reopen with a different partition count', async () => {
    await store.close();
    expect(() => Store.open({ dir, partitions: 16 })).toThrow(/partitions/);
    store = Store.open({ dir, partitions: 8 });
  });
});

describe('idle compaction', () => {
  it('folds smaller deltas into segments once writes pause', async () => {
    const table = await accounts();
    // Enough rows for several partitions to pass IDLE_COMPACT_ROWS_MIN, far below DELTA_ROWS_COMPACT.
    const rows = Array.from({ length: IDLE_COMPACT_ROWS_MIN * store.partitions * 2 }, (_, i) => [BigInt(i), `o${i}`, money(i)]);
    await store.write((tx) => {
      for (const r of rows.slice(0, rows.length / 2)) tx.insert(table, r as Value[]);
    });
    await store.write((tx) => {
      for (const r of rows.slice(rows.length / 2)) tx.insert(table, r as Value[]);
    });
    const segments = (): number => Array.from({ length: store.partitions }, (_, p) => store.reader.segmentsOf(table, p).length).reduce((a, b) => a + b, 0);
    expect(segments()).toBe(0);
    const deadline = Date.now() + IDLE_COMPACT_DELAY_MS * 4;
    while (segments() === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(segments()).toBeGreaterThan(0);
    expect(allRows(table)).toHaveLength(rows.length);
  });
});

describe('group commit', () => {
  it('commits concurrent writes together and rolls back only the one that fails', async () => {
    const table = await accounts();
    const results = await Promise.allSettled([
      store.write((tx) => tx.insert(table, [1n, 'a', money(100)])),
      store.write((tx) => {
        tx.insert(table, [2n, 'b', money(200)]);
        throw new EonError('unique_violation', 'simulated failure after a write');
      }),
      store.write((tx) => tx.insert(table, [3n, 'c', money(300)])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(allRows(table).map((r) => r[0])).toEqual([1n, 3n]);
    // A later write in the same batch sees the earlier ones.
    const seen = await Promise.all([
      store.write((tx) => tx.insert(table, [4n, 'd', money(1)])),
      store.write((tx) => tx.get(table, [4n]) !== undefined),
    ]);
    expect(seen).toEqual([true, true]);
  });

  it('commits writes still queued when the store closes', async () => {
    const table = await accounts();
    const pending = store.write((tx) => tx.insert(table, [7n, 'late', money(7)]));
    await store.close();
    await expect(pending).resolves.toBe(true);
    store = Store.open({ dir, partitions: 8 });
    const reopened = store.getTable('accounts')!;
    expect(store.get(reopened, [7n])?.[1]).toBe('late');
  });
});
