// Prepared statements are planned once per text and parameter types, shared by sessions, and
// planned again after any catalog change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataEnginePool, Store } from '../../../storage/index.js';
import { createQueryEngine, type QueryEngine } from '../../../query/index.js';

describe('prepared statement plan cache', () => {
  let dir: string;
  let store: Store;
  let pool: DataEnginePool;
  let engine: QueryEngine;

  const script = async (sql: string): Promise<void> => {
    for await (const _ of engine.openSession({ user: 'eon', database: 'eon' }).executeScript(sql)) void _;
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'eon-plan-cache-'));
    store = Store.open({ dir, partitions: 4 });
    pool = new DataEnginePool({ dir, threads: 1 });
    engine = createQueryEngine({ store, pool });
  });

  afterAll(async () => {
    await engine.close();
    await pool.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reuses a plan across sessions and re-plans after the table changes shape', async () => {
    await script("CREATE TABLE pc (id int PRIMARY KEY, x text); INSERT INTO pc VALUES (1, 'one'), (2, 'two')");
    const sql = 'SELECT * FROM pc WHERE id = $1';
    const first = await engine.openSession({ user: 'eon', database: 'eon' }).prepare(sql);
    expect((await first.execute([2])).rows).toEqual([[2, 'two']]);
    const again = await engine.openSession({ user: 'eon', database: 'eon' }).prepare(sql);
    expect(again.columns?.map((c) => c.name)).toEqual(['id', 'x']);
    expect((await again.execute([1])).rows).toEqual([[1, 'one']]);
    await script("DROP TABLE pc; CREATE TABLE pc (id int PRIMARY KEY, x text, y int); INSERT INTO pc VALUES (1, 'uno', 7)");
    const after = await engine.openSession({ user: 'eon', database: 'eon' }).prepare(sql);
    expect(after.columns?.map((c) => c.name)).toEqual(['id', 'x', 'y']);
    expect((await after.execute([1])).rows).toEqual([[1, 'uno', 7]]);
    // A statement prepared before the change plans again when it next runs.
    expect((await first.execute([1])).rows).toEqual([[1, 'uno', 7]]);
  });
});
