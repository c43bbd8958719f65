import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store, DataEnginePool, scanPartition } from '../../../storage/index.js';
import type { TableSchema } from '../../../storage/index.js';

// The pool runs the compiled worker (dist/storage/data-engine-worker.js): build first (npm test does).
const workerBuilt = existsSync(new URL('../../../dist/storage/data-engine-worker.js', import.meta.url));

const rowsTotal = 1_000_000;
const sumKernel = `
  let s = 0;
  for (const b of batches) {
    const v = b.columns[0].values;
    const sel = b.selection;
    if (sel === null) for (let i = 0; i < b.length; i++) s += v[i];
    else for (let j = 0; j < sel.length; j++) s += v[sel[j]];
  }
  return s;`;
const countWhereKernel = `
  let n = 0;
  for (const b of batches) {
    const v = b.columns[0].values;
    for (let i = 0; i < b.length; i++) if (v[i] === args[0] && (b.selection === null || b.selection.includes(i))) n++;
  }
  return n;`;

let dir: string;
let store: Store;
let pool: DataEnginePool;
let table: TableSchema;

async function poolSum(t: TableSchema, column: number): Promise<number> {
  const parts = await Promise.all([...Array(store.partitions).keys()].map((partition) =>
    pool.run({ tableId: t.id, partitions: [partition], columns: [column], kernel: sumKernel, args: [] })));
  return (parts as number[]).reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  expect(workerBuilt, 'run `npx tsc -p .` to build dist/ first').toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'eon-pool-'));
  store = Store.open({ dir });
  table = await store.createTable({
    name: 'facts',
    columns: [
      { name: 'id', type: { kind: 'int8' }, notNull: true },
      { name: 'k', type: { kind: 'int4' }, notNull: false },
      { name: 'v', type: { kind: 'float8' }, notNull: false },
    ],
    primaryKey: [0],
  });
  let t0 = performance.now();
  await store.write((tx) => {
    for (let i = 0; i < rowsTotal; i++) tx.insert(table, [BigInt(i), i % 100, i * 0.5]);
  });
  const insertMs = performance.now() - t0;
  t0 = performance.now();
  await store.compact(table);
  const compactMs = performance.now() - t0;
  console.log(`bulk insert ${rowsTotal} rows: ${Math.round(rowsTotal / (insertMs / 1000))} rows/s (${Math.round(insertMs)} ms); compaction ${Math.round(compactMs)} ms`);
  pool = new DataEnginePool({ dir, threads: 2 });
}, 120_000);

afterAll(async () => {
  await pool?.close();
  await store?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('DataEnginePool', () => {
  it('sums a 1M-row column in workers exactly as the main thread does', async () => {
    let mainSum = 0;
    for (let p = 0; p < store.partitions; p++) {
      for (const b of scanPartition(store.reader, table, p, [2])) {
        const v = b.columns[0]!.values as Float64Array;
        for (let i = 0; i < b.length; i++) mainSum += v[i]!;
      }
    }
    expect(mainSum).toBe((0.5 * rowsTotal * (rowsTotal - 1)) / 2);
    await poolSum(table, 2); // warm the per-worker segment caches
    const t0 = performance.now();
    const sum = await poolSum(table, 2);
    const ms = performance.now() - t0;
    console.log(`pool full scan: ${Math.round(rowsTotal / (ms / 1000))} rows/s (${ms.toFixed(1)} ms, warm cache)`);
    expect(sum).toBe(mainSum);
  });

  it('sees every write committed before the task was submitted', async () => {
    const before = await poolSum(table, 2);
    await store.write((tx) => {
      tx.delete(table, [10n]);
      tx.replace(table, [11n], [11n, 1, 1000]);
      tx.insert(table, [BigInt(rowsTotal), 0, 7]);
    });
    expect(await poolSum(table, 2)).toBe(before - 5 - 5.5 + 1000 + 7);
    const counts = await Promise.all([...Array(store.partitions).keys()].map((partition) =>
      pool.run({ tableId: table.id, partitions: [partition], columns: [1], kernel: countWhereKernel, args: [10] })));
    expect((counts as number[]).reduce((a, b) => a + b, 0)).toBe(rowsTotal / 100 - 1);
  });

  it('cancels a task through its abort signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(pool.run({ tableId: table.id, partitions: [0], columns: [0], kernel: 'return 1', args: [] }, { signal: ac.signal }))
      .rejects.toMatchObject({ code: 'query_canceled', sqlstate: '57014' });
  });

  it('reports storage errors with their code', async () => {
    await expect(pool.run({ tableId: 987654, partitions: [0], columns: [0], kernel: 'return 0', args: [] }))
      .rejects.toMatchObject({ code: 'undefined_table' });
  });
});
