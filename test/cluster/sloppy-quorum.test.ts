// Sloppy quorum with hinted handoff through fallbacks, across real processes: four nodes (N = 3,
// W = 2), two killed. Partitions whose replica set holds both dead nodes have one live replica
// left, and still take every write: the next up node past the replica set (a fallback, the
// coordinator itself or another survivor) keeps the write as a hint and counts toward W. When the
// two come back on their data directories, the hints are handed to them and each holds every row
// of the partitions it replicates in its own store.

import { afterAll, describe, expect, it } from 'vitest';
import { partitionOfKey } from '../../storage/schema.js';
import type { TableSchema } from '../../storage/schema.js';
import { TestCluster, allAlive, clusterView, sql, sqlRows, stateOf, until } from '../support/cluster.js';
import { freePort } from '../support/ports.js';
import type { RunningEon } from '../support/eon.js';

const TEST_TIMEOUT_MS = 120_000;
/** Keys written while two nodes are down: enough to land in every partition several times. */
const KEYS = 600;
/** Rows per INSERT statement (each touches many partitions). */
const ROWS_PER_INSERT = 100;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

const ok = sqlRows;

async function selfId(node: RunningEon): Promise<string> {
  return String((await ok(node, 'SELECT node FROM eon_nodes WHERE is_self'))[0]![0]);
}

/** Hint requests a node holds for the partitions' replicas (0 once every one was handed over). */
async function hintsAt(node: RunningEon): Promise<number> {
  return Number((await ok(node, 'SELECT coalesce(max(hints_pending), 0) FROM eon_partitions'))[0]![0]);
}

/** A member's gossiped stat as `observer` sees it (its own, for itself). */
async function statOf(observer: RunningEon, id: string, stat: string): Promise<number> {
  const member = (await clusterView(observer))?.members.find((m) => m.id === id);
  return Number(member?.stats[stat] ?? 0);
}

/** How `id` of an `(id int PRIMARY KEY, …)` table is placed, computed as the nodes do. */
const keyed: TableSchema = { id: 0, name: 't', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }], primaryKey: [0], distributionKey: [0] };

describe('sloppy quorum', () => {
  it('takes writes whose replica set holds two dead nodes through fallbacks, and hands them back', async () => {
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    // The first node, then the three others joining it at once (each start is a process boot).
    const first = await cluster.start(ports[0]!, null);
    const nodes = [first, ...(await Promise.all(ports.slice(1).map((port) => cluster.start(port, ports[0]!))))];
    await until('four members alive on one settled ring at every node', () => allAlive(nodes, 4));
    const [s1, s2, k1, k2] = nodes as [RunningEon, RunningEon, RunningEon, RunningEon];
    await ok(s1, 'CREATE TABLE t (id int PRIMARY KEY, v text)');
    await until('every node knows t', async () => {
      for (const n of nodes) if ((await sql(n, 'SELECT count(*) FROM t')).status !== 200) return false;
      return true;
    });
    const ids = [await selfId(s1), await selfId(s2), await selfId(k1), await selfId(k2)] as const;
    const [s1Id, s2Id, k1Id, k2Id] = ids;
    const partitions = Number((await ok(s1, 'SELECT count(*) FROM eon_partitions'))[0]![0]);
    const replicas = new Map((await ok(s1, 'SELECT "partition", replicas FROM eon_partitions')).map(([p, r]) => [Number(p), String(r).split(',')]));
    const bothDead = [...replicas].filter(([, r]) => r.includes(k1Id) && r.includes(k2Id)).map(([p]) => p);
    // Without sloppy quorum every write to these partitions would fail with 57P03 (one replica up, W = 2).
    expect(bothDead.length).toBeGreaterThan(0);
    // Both kinds of fallback come up: s1 itself (s1 not a replica) and s2 (s1 a replica).
    expect(bothDead.some((p) => replicas.get(p)!.includes(s1Id))).toBe(true);
    expect(bothDead.some((p) => replicas.get(p)!.includes(s2Id))).toBe(true);

    const [pk1, pk2] = [ports[2]!, ports[3]!];
    await k1.kill('SIGKILL');
    await k2.kill('SIGKILL');
    await until('the survivors see both killed nodes dead', async () => {
      for (const s of [s1, s2]) for (const p of [pk1, pk2]) if ((await stateOf(s, p)) !== 'dead') return false;
      return true;
    });

    for (let from = 1; from <= KEYS; from += ROWS_PER_INSERT) {
      const to = Math.min(KEYS, from + ROWS_PER_INSERT - 1);
      await ok(s1, `INSERT INTO t SELECT g, 'v' || g FROM generate_series(${from}, ${to}) AS g`);
    }
    const keys = Array.from({ length: KEYS }, (_, i) => i + 1);
    const partitionOf = (id: number): number => partitionOfKey(keyed, [id], partitions);
    expect(new Set(keys.map(partitionOf)).size).toBe(partitions);
    // One more single-row INSERT into each partition with both replicas dead: each succeeds on its own.
    for (const p of bothDead) {
      let id = KEYS + 1;
      while (partitionOf(id) !== p || keys.includes(id)) id++;
      keys.push(id);
      await ok(s1, `INSERT INTO t VALUES (${id}, 'single')`);
    }
    keys.sort((a, b) => a - b);
    // Partitions whose replica set holds both dead nodes have one replica left: readable at `one`.
    expect(Number((await ok(s1, "SET eon.read_consistency = 'one'; SELECT count(*) FROM t"))[0]![0])).toBe(keys.length);
    // s2 took writes as a fallback and says so, s1 too, for itself (stats refresh every second).
    await until('s1 and s2 report the hints they took', async () => (await statOf(s2, s2Id, 'hintsTaken')) > 0 && (await statOf(s1, s1Id, 'hintsTaken')) > 0);
    expect(await hintsAt(s2)).toBeGreaterThan(0);

    const back = await Promise.all([cluster.start(pk1, null, k1.dataDir), cluster.start(pk2, null, k2.dataDir)]);
    await until('the survivors see both nodes alive again', async () => {
      for (const s of [s1, s2]) for (const p of [pk1, pk2]) if ((await stateOf(s, p)) !== 'alive') return false;
      return true;
    });
    await until('every hint handed over', async () => (await hintsAt(s1)) === 0 && (await hintsAt(s2)) === 0);
    for (const [node, id] of [[back[0]!, k1Id], [back[1]!, k2Id]] as const) {
      expect(keys.filter((k) => replicas.get(partitionOf(k))!.includes(id)).length).toBeGreaterThan(0);
      // Under eon.coverage = local and eon.read_consistency = one (no digest reads, which would
      // repair it first) a node reads every partition it replicates from its own store (the
      // others where they are served): every row is there only if the hints reached it.
      const held = (await ok(node, "SET eon.read_consistency = 'one'; SELECT id FROM t ORDER BY id")).map((r) => Number(r[0]));
      expect(held).toEqual(keys);
    }
    for (const n of [s1, s2, ...back]) expect(await n.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
