// The write set on its own: overlay reads, undo marks, the row limit, and COMMIT's conflict checks.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Store, type TableSchema } from '../../../storage/index.js';
import { WriteSet } from '../../../storage/write-set.js';
import { EonError } from '../../../src/errors/index.js';
import { T } from '../../../src/types/index.js';

let dir: string;
let store: Store;
let table: TableSchema;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof EonError) return e.sqlstate;
    throw e;
  }
  throw new Error('expected an error');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'eon-write-set-'));
  store = Store.open({ dir, partitions: 4 });
  table = await store.createTable({
    name: 'ws',
    columns: [
      { name: 'id', type: T.int4, notNull: true },
      { name: 'v', type: T.int4, notNull: false },
    ],
    primaryKey: [0],
  });
  await store.write((tx) => {
    for (let i = 1; i <= 5; i++) tx.insert(table, [i, i * 10]);
  });
});

afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

it('overlays held rows on the committed ones and leaves the store alone', () => {
  const ws = new WriteSet(store);
  const tx = ws.tx();
  expect(tx.insert(table, [6, 60])).toBe(true);
  expect(tx.insert(table, [1, 0])).toBe(false);
  tx.replace(table, [2], [2, 21]);
  expect(tx.delete(table, [3])).toBe(true);
  expect(tx.delete(table, [3])).toBe(false);
  tx.replace(table, [4], [40, 4]); // a key change: delete 4, insert 40
  const rows = [...ws.scanRows(table)].map((r) => r.row).sort((a, b) => (a[0] as number) - (b[0] as number));
  expect(rows).toEqual([
    [1, 10],
    [2, 21],
    [5, 50],
    [6, 60],
    [40, 4],
  ]);
  expect(ws.get(table, [2])).toEqual([2, 21]);
  expect(ws.get(table, [3])).toBeUndefined();
  expect(ws.touches(table)).toBe(true);
  expect(store.get(table, [2])).toEqual([2, 20]);
  expect(store.get(table, [6])).toBeUndefined();
});

it('rollbackTo takes back what followed a mark; release keeps it', () => {
  const ws = new WriteSet(store);
  const tx = ws.tx();
  tx.insert(table, [7, 70]);
  const mark = ws.mark();
  tx.insert(table, [8, 80]);
  tx.replace(table, [7], [7, 71]);
  tx.delete(table, [1]);
  ws.rollbackTo(mark);
  expect(ws.size).toBe(1);
  expect(ws.get(table, [7])).toEqual([7, 70]);
  expect(ws.get(table, [1])).toEqual([1, 10]);
  tx.insert(table, [9, 90]);
  ws.release();
  expect(ws.size).toBe(2);
});

it('fails with 54000 past its row limit', () => {
  const ws = new WriteSet(store, { rowsMax: 3, bytesMax: 1 << 20 });
  const tx = ws.tx();
  for (let i = 100; i < 103; i++) tx.insert(table, [i, 0]);
  expect(codeOf(() => tx.insert(table, [103, 0]))).toBe('54000');
});

it('COMMIT applies everything, or fails with 40001 when a written row changed since', async () => {
  const winner = new WriteSet(store);
  const loser = new WriteSet(store);
  winner.tx().replace(table, [5], [5, 51]);
  loser.tx().replace(table, [5], [5, 52]);
  loser.tx().insert(table, [11, 110]);
  await store.write((tx) => winner.applyTo(tx));
  const error = await store.write((tx) => loser.applyTo(tx)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(EonError);
  expect((error as EonError).sqlstate).toBe('40001');
  expect(store.get(table, [5])).toEqual([5, 51]);
  expect(store.get(table, [11])).toBeUndefined();
});

it('COMMIT of a key another transaction inserted first fails with 23505', async () => {
  const ws = new WriteSet(store);
  ws.tx().insert(table, [12, 1]);
  await store.write((tx) => tx.insert(table, [12, 2]));
  const error = await store.write((tx) => ws.applyTo(tx)).catch((e: unknown) => e);
  expect((error as EonError).sqlstate).toBe('23505');
  expect(store.get(table, [12])).toEqual([12, 2]);
});
