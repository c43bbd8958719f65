// The query engine's hook for quorum point reads, with a fake PointReads service: a primary-key
// lookup outside a transaction block takes its row from the service (filter and projection still
// applied), everything else (blocks, scans, an inactive service) reads the local store as before.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataEnginePool, Store } from '../../../../storage/index.js';
import type { RowKey, TableSchema } from '../../../../storage/index.js';
import { createQueryEngine } from '../../../../query/index.js';
import type { PointReads, QueryEngine, Session } from '../../../../query/index.js';
import { EonError } from '../../../../src/errors/index.js';
import type { Value } from '../../../../src/types/index.js';
import { run } from '../../../support/engine.js';

/** Answers every key with the row "the replicas" hold: value 'quorum' (or fails, or is inactive). */
class FakePointReads implements PointReads {
  isActive = true;
  failure: EonError | null = null;
  readonly keys: RowKey[] = [];
  active(): boolean {
    return this.isActive;
  }
  covers(table: TableSchema): boolean {
    return table.name === 'kv';
  }
  async read(_table: TableSchema, key: RowKey): Promise<Value[] | undefined> {
    this.keys.push(key);
    if (this.failure !== null) throw this.failure;
    return key[0] === 404 ? undefined : [key[0]!, 'quorum'];
  }
}

let dir: string;
let store: Store;
let pool: DataEnginePool;
let engine: QueryEngine;
let session: Session;
const reads = new FakePointReads();

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'eon-point-reads-'));
  store = Store.open({ dir, partitions: 4 });
  pool = new DataEnginePool({ dir, threads: 1 });
  engine = createQueryEngine({ store, pool, pointReads: reads });
  session = engine.openSession({ user: 'eon', database: 'eon' });
  await run(session, "CREATE TABLE kv (id int PRIMARY KEY, v text); INSERT INTO kv VALUES (1, 'local'), (2, 'local')");
});

afterAll(async () => {
  session.close();
  await engine.close();
  await pool.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('point reads through the PointReads service', () => {
  it('answers a primary-key lookup from the service, with its filter and projection', async () => {
    reads.keys.length = 0;
    expect(await run(session, 'SELECT v FROM kv WHERE id = 1')).toEqual([['quorum']]);
    expect(await run(session, "SELECT id FROM kv WHERE id = 2 AND v = 'local'")).toEqual([]);
    expect(await run(session, 'SELECT * FROM kv WHERE id = 404')).toEqual([]);
    const prepared = await session.prepare('SELECT v, id FROM kv WHERE id = $1');
    expect((await prepared.execute([2])).rows).toEqual([['quorum', 2]]);
    expect(reads.keys).toEqual([[1], [2], [404], [2]]);
  });

  it('leaves scans, transaction blocks and system tables to the local store', async () => {
    reads.keys.length = 0;
    expect(await run(session, 'SELECT v FROM kv WHERE id + 0 = 1')).toEqual([['local']]);
    expect(await run(session, 'BEGIN; SELECT v FROM kv WHERE id = 1; COMMIT')).toEqual([['local']]);
    expect(reads.keys).toEqual([]);
  });

  it('reads locally while the service is inactive, and surfaces its failures', async () => {
    reads.isActive = false;
    expect(await run(session, 'SELECT v FROM kv WHERE id = 1')).toEqual([['local']]);
    reads.isActive = true;
    reads.failure = new EonError('quorum_unavailable', 'read reached 1 of 3 replicas of partition 0 of table "kv", needed 2');
    await expect(run(session, 'SELECT v FROM kv WHERE id = 1')).rejects.toMatchObject({ sqlstate: '57P03' });
    reads.failure = null;
  });
});
