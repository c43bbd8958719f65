// A statement's own W and R (eon.write_quorum, eon.read_quorum, and the key-value routes' w and r
// that set them): the replicator waits for the statement's W and the read coordinator for its R
// in place of the table's; the settings are validated when set (1 … TABLE_REPLICAS_MAX or
// default) and against each table's N when used (22023, nothing written); and the W and R the
// engine and the KV service actually hand to replication are the ones asked for.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DataEnginePool, Store, encodeKey, partitionOfKey } from '../../../../storage/index.js';
import type { RowKey, TableSchema } from '../../../../storage/index.js';
import type { ReplicateOptions, RowChange, VersionStamp, WriteReplication } from '../../../../storage/store.js';
import { createQueryEngine } from '../../../../query/index.js';
import type { PointReads, QueryEngine, Session } from '../../../../query/index.js';
import type { PointReadOptions } from '../../../../query/execute/point-reads.js';
import {
  REPLICA_PROTOCOL_VERSION,
  REPLICA_READ_PROTOCOL_VERSION,
  ReadCoordinator,
  ReplicationStats,
  WriteReplicator,
  checkQuorumOverride,
} from '../../../../src/cluster/replication/index.js';
import type { ReplicaPlacement, ReplicaRequester } from '../../../../src/cluster/replication/index.js';
import { versionStamp } from '../../../../src/cluster/replication/version-entry.js';
import { HybridClock } from '../../../../src/cluster/version/index.js';
import { KvService, kvRequestBounds } from '../../../../src/kv/index.js';
import type { Value } from '../../../../src/types/index.js';
import { run } from '../../../support/engine.js';
import { eonErrorOf } from '../../../support/errors.js';

const RING = ['self', 'b', 'c'] as const;

function table(settings: Pick<TableSchema, 'replicas' | 'writeQuorum' | 'readQuorum'> = {}): TableSchema {
  return { id: 7, name: 't', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }], primaryKey: [0], distributionKey: [0], ...settings };
}

function placement(down: readonly string[] = []): ReplicaPlacement {
  return {
    nodeId: 'self',
    hasPeers: () => true,
    replicasOf: (_p, n) => RING.slice(0, n ?? 3),
    isUp: (id) => !down.includes(id),
    addressOf: (id) => id,
  };
}

/** Peers that answer every request of the right kind, except those listed, which fail at once. */
function peers(failing: readonly string[], asked: string[]): ReplicaRequester {
  return {
    request: async (address, type) => {
      asked.push(address);
      if (failing.includes(address)) throw new Error(`${address} is unreachable`);
      if (type === 'replica.read') return { body: { kind: 'held', v: REPLICA_READ_PROTOCOL_VERSION, entry: null, row: null, refused: null } };
      return { body: { kind: 'applied', v: REPLICA_PROTOCOL_VERSION, applied: 1, stale: 0, conflicts: 0, refused: [] } };
    },
  };
}

describe('the replicator and the read coordinator take a statement its own W and R', () => {
  const write = (t: TableSchema, failing: readonly string[], options?: ReplicateOptions): Promise<void> => {
    const w = new WriteReplicator({ placement: placement(), peers: peers(failing, []), clock: new HybridClock({ now: () => Date.now() }), stats: new ReplicationStats(), timeoutMs: 1_000 });
    const change: RowChange = { table: t, partition: 3, key: Buffer.from([0, 0, 0, 7, 0, 3, 1, 2]), row: Buffer.from([1]), basis: undefined };
    return w.replicate([change], w.stamp([]), options);
  };

  it('W: one copy is enough when the statement asks for 1, all three when it asks for 3', async () => {
    await expect(write(table(), ['b', 'c'])).rejects.toMatchObject({ sqlstate: '57P03' });
    await write(table(), ['b', 'c'], { writeQuorum: 1 });
    // The table's W = 1 does not excuse a statement asking for 3.
    await write(table({ writeQuorum: 1 }), ['c']);
    await expect(write(table({ writeQuorum: 1 }), ['c'], { writeQuorum: 3 })).rejects.toMatchObject({ sqlstate: '57P03' });
  });

  const read = (t: TableSchema, failing: readonly string[], readQuorum?: number): { answer: Promise<Uint8Array | null>; asked: string[] } => {
    const asked: string[] = [];
    const store = { partitions: 8, getTable: () => t, versionEntryAt: () => undefined, encodedRowAt: () => undefined };
    const reads = new ReadCoordinator({ placement: placement(), peers: peers(failing, asked), store, applyLocal: async () => undefined, stats: new ReplicationStats(), timeoutMs: 1_000 });
    const key = encodeKey(t.id, partitionOfKey(t, [1], 8), [{ kind: 'int4' }], [1]);
    return { answer: reads.read(t, key, readQuorum), asked };
  };

  it('R: the coordinator alone answers R = 1; R = 3 needs every replica', async () => {
    await expect(read(table(), ['b', 'c']).answer).rejects.toMatchObject({ sqlstate: '57P03' });
    const one = read(table(), ['b', 'c'], 1);
    expect(await one.answer).toBeNull();
    expect(one.asked).toEqual([]);
    await expect(read(table({ readQuorum: 1 }), ['c'], 3).answer).rejects.toMatchObject({ sqlstate: '57P03' });
    expect(await read(table({ readQuorum: 1 }), [], 3).answer).toBeNull();
  });

  it('a statement quorum above the table N is 22023', () => {
    expect(checkQuorumOverride(table({ replicas: 2 }), 'write', 2)).toBe(2);
    expect(() => checkQuorumOverride(table({ replicas: 2 }), 'write', 3)).toThrow(expect.objectContaining({ sqlstate: '22023' }));
    expect(() => checkQuorumOverride(table(), 'read', 4)).toThrow(/eon\.read_quorum = 4 is more than table "t" has replicas \(N = 3\)/);
  });
});

/** Records the options of every replicated write (and writes nothing anywhere else). */
class RecordingReplication implements WriteReplication {
  readonly writes: { tables: string[]; writeQuorum: number | undefined }[] = [];
  private readonly clock = new HybridClock({ now: () => Date.now() });
  active(): boolean {
    return true;
  }
  stamp(): VersionStamp {
    return versionStamp({ hlc: this.clock.now(), node: 'self' });
  }
  async replicate(changes: readonly RowChange[], _stamp: VersionStamp, options?: ReplicateOptions): Promise<void> {
    this.writes.push({ tables: [...new Set(changes.map((c) => c.table.name))].sort(), writeQuorum: options?.writeQuorum });
  }
  serves(): boolean {
    return true; // one node standing for a cluster that has every partition here
  }
}

/** Point reads answered from the local store, recording the R each was asked with. */
class RecordingPointReads implements PointReads {
  readonly reads: { table: string; readQuorum: number | undefined }[] = [];
  constructor(private readonly store: () => Store) {}
  active(): boolean {
    return true;
  }
  covers(t: TableSchema): boolean {
    return this.store().getTable(t.name)?.id === t.id;
  }
  async read(t: TableSchema, key: RowKey, options?: PointReadOptions): Promise<Value[] | undefined> {
    this.reads.push({ table: t.name, readQuorum: options?.readQuorum });
    return this.store().get(t, key);
  }
}

describe('eon.write_quorum and eon.read_quorum through the engine and the KV service', () => {
  let dir: string;
  let store: Store;
  let pool: DataEnginePool;
  let engine: QueryEngine;
  let session: Session;
  const replication = new RecordingReplication();
  const reads = new RecordingPointReads(() => store);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'eon-statement-quorum-'));
    store = Store.open({ dir, partitions: 4 });
    pool = new DataEnginePool({ dir, threads: 1 });
    engine = createQueryEngine({ store, pool, pointReads: reads });
    session = engine.openSession({ user: 'eon', database: 'eon' });
    await run(session, 'CREATE TABLE t (id int PRIMARY KEY, v text); CREATE TABLE pair (id int PRIMARY KEY, v text) WITH (replicas = 2)');
    store.setReplication(replication);
  });
  afterAll(async () => {
    session.close();
    store.setReplication(null);
    await engine.close();
    await pool.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    // A session per test: one failing test leaves no block or setting to the next.
    session.close();
    session = engine.openSession({ user: 'eon', database: 'eon' });
    replication.writes.length = 0;
    reads.reads.length = 0;
  });

  it('hands the session W to every write: INSERT, UPDATE, DELETE, COMMIT; RESET goes back to the table W', async () => {
    expect(await run(session, 'SHOW eon.write_quorum')).toEqual([['default']]);
    await run(session, "INSERT INTO t VALUES (1, 'a')");
    await run(session, 'SET eon.write_quorum = 1');
    for (const st of ["INSERT INTO t VALUES (2, 'b')", "UPDATE t SET v = 'c' WHERE id = 2", "UPDATE t SET v = 'd' WHERE v = 'c'", 'DELETE FROM t WHERE id = 1']) await run(session, st);
    await run(session, "BEGIN; INSERT INTO t VALUES (3, 'e'); INSERT INTO pair VALUES (3, 'e'); SET eon.write_quorum = 2; COMMIT");
    await run(session, 'RESET eon.write_quorum');
    await run(session, "INSERT INTO t VALUES (4, 'f')");
    // A Query of several statements is one implicit transaction: its writes replicate once, at its
    // end, with the W in force then.
    await run(session, "SET eon.write_quorum = 1; INSERT INTO t VALUES (5, 'g'); INSERT INTO t VALUES (6, 'h'); SET eon.write_quorum = 3");
    expect(replication.writes.map((w) => [w.tables.join(','), w.writeQuorum])).toEqual([
      ['t', undefined],
      ['t', 1], ['t', 1], ['t', 1], ['t', 1],
      // The block's writes replicate at COMMIT, with the W set then.
      ['pair,t', 2],
      ['t', undefined],
      ['t', 3],
    ]);
    await run(session, 'RESET eon.write_quorum');
  });

  it('hands the session R to primary-key reads, prepared or not', async () => {
    await run(session, 'SELECT v FROM t WHERE id = 2');
    await run(session, 'SET eon.read_quorum = 1');
    await run(session, 'SELECT v FROM t WHERE id = 2');
    const prepared = await session.prepare('SELECT v FROM t WHERE id = $1');
    await prepared.execute([4]);
    await run(session, 'SET eon.read_quorum = default');
    await prepared.execute([4]);
    expect(reads.reads.map((r) => r.readQuorum)).toEqual([undefined, 1, 1, undefined]);
  });

  it('refuses malformed values when set and values above the table N when used (22023), writing nothing', async () => {
    for (const bad of ['0', '8', 'two', '1.5', "''"]) {
      const e = await eonErrorOf(run(session, `SET eon.write_quorum = ${bad}`), `SET eon.write_quorum = ${bad}`);
      expect(e.sqlstate).toBe('22023');
    }
    expect((await eonErrorOf(run(session, 'SET eon.read_quorum = 9'), 'SET eon.read_quorum = 9')).sqlstate).toBe('22023');
    expect(await run(session, 'SHOW eon.write_quorum')).toEqual([['default']]);
    await run(session, 'SET eon.write_quorum = 3; SET eon.read_quorum = 3');
    const write = await eonErrorOf(run(session, "INSERT INTO pair VALUES (9, 'x')"), 'W = 3 on N = 2');
    expect(write.sqlstate).toBe('22023');
    expect(write.message).toMatch(/eon\.write_quorum = 3 is more than table "pair" has replicas \(N = 2\)/);
    expect((await eonErrorOf(run(session, "UPDATE pair SET v = 'y'"), 'UPDATE with W = 3 on N = 2')).sqlstate).toBe('22023');
    expect((await eonErrorOf(run(session, 'SELECT v FROM pair WHERE id = 3'), 'R = 3 on N = 2')).sqlstate).toBe('22023');
    // A block writing the table with a W its N allows, then COMMIT under a W it does not: the
    // COMMIT fails before anything is written, and the block is rolled back.
    await run(session, 'SET eon.write_quorum = 2');
    const commit = eonErrorOf(run(session, "BEGIN; INSERT INTO pair VALUES (10, 'x'); SET eon.write_quorum = 3; COMMIT"), 'COMMIT with W = 3 on N = 2');
    expect((await commit).sqlstate).toBe('22023');
    expect(session.transactionStatus).toBe('I');
    // The rolled-back block's SET is undone with it, as in PostgreSQL.
    expect(await run(session, 'SHOW eon.write_quorum')).toEqual([['2']]);
    await run(session, 'SET eon.write_quorum = 3');
    // System tables are computed here, not replicated: a lookup in one has no N to check the R against.
    await run(session, 'SET eon.read_quorum = 5');
    expect(await run(session, "SELECT relname FROM pg_class WHERE oid = 'pair'::regclass")).toEqual([['pair']]);
    await run(session, 'SET eon.read_quorum = 3');
    // The default N = 3 takes them; a scan takes no R at all.
    await run(session, "INSERT INTO t VALUES (9, 'x')");
    expect(await run(session, 'SELECT count(*) FROM pair')).toEqual([[1n]]);
    await run(session, 'RESET eon.write_quorum; RESET eon.read_quorum');
    expect(await run(session, 'SELECT id FROM pair ORDER BY id')).toEqual([[3]]);
    expect(replication.writes.map((w) => [w.tables.join(','), w.writeQuorum])).toEqual([['t', 3]]);
  });

  it('eon.coverage takes local or spread (22023 otherwise) and shows as set', async () => {
    expect(await run(session, 'SHOW eon.coverage')).toEqual([['local']]);
    const e = await eonErrorOf(run(session, 'SET eon.coverage = everywhere'), 'SET eon.coverage = everywhere');
    expect(e.sqlstate).toBe('22023');
    expect(e.hint).toBe('One of local, spread, spread_all.');
    await run(session, "SET eon.coverage = 'Spread'");
    expect(await run(session, 'SHOW eon.coverage')).toEqual([['Spread']]);
    // A node serving every partition reads them all itself, whatever the policy.
    expect(await run(session, 'SELECT count(*) FROM pair')).toEqual([[1n]]);
    await run(session, 'RESET eon.coverage');
  });

  it('the KV service reads and writes with the request r and w, and a write reads with no more than its w', async () => {
    const kv = new KvService({ sessions: engine, tables: store, writer: () => 'self', writers: () => ['self'], superuser: 'eon', database: 'eon' });
    const bounds = (q: Record<string, string>) => kvRequestBounds(kv.table('kv'), q);
    const first = await kv.write('eon', 'kv', 'k', '"one"', {}, bounds({}));
    expect(replication.writes.length).toBeGreaterThan(0);
    expect(replication.writes.every((w) => w.writeQuorum === undefined)).toBe(true);
    replication.writes.length = 0;
    reads.reads.length = 0;
    await kv.write('eon', 'kv', 'k', '"two"', first.context, bounds({ w: '1' }));
    // The value's row and the writer's sibling row, both at W = 1; the sibling rows read first at R = 1.
    expect(replication.writes).toEqual([
      { tables: ['kv'], writeQuorum: 1 },
      { tables: ['kv$kv'], writeQuorum: 1 },
    ]);
    expect(reads.reads.length).toBeGreaterThan(0);
    expect(reads.reads.every((r) => r.readQuorum === 1)).toBe(true);
    reads.reads.length = 0;
    expect(await kv.get('eon', 'kv', 'k', bounds({ r: '3' }))).toMatchObject({ kind: 'value', json: '"two"' });
    expect(reads.reads.map((r) => r.table).sort()).toEqual(['kv', 'kv$kv']);
    expect(reads.reads.every((r) => r.readQuorum === 3)).toBe(true);
    reads.reads.length = 0;
    await kv.get('eon', 'kv', 'k', bounds({}));
    expect(reads.reads.every((r) => r.readQuorum === undefined)).toBe(true);
    expect(() => bounds({ w: '4' })).toThrow(expect.objectContaining({ sqlstate: '22023' }));
  });
});
