// Per-table N, W, R across real processes: three nodes, one killed. A table WITH (replicas = 2,
// write_quorum = 2) takes every write: where the partition's two replicas include the dead node,
// the third node stands in for it (sloppy quorum) and keeps the write as a hint. A table WITH
// (write_quorum = 3) has no node left to stand in (N is every node) and refuses (57P03) every
// write, while a table WITH (write_quorum = 1) takes every write; with a second node killed a
// table WITH (read_quorum = 1) still answers point reads where the default R = 2 cannot.

import { afterAll, describe, expect, it } from 'vitest';
import { partitionOfKey } from '../../storage/schema.js';
import type { TableSchema } from '../../storage/schema.js';
import { TestCluster, allAlive, sql, sqlRows, stateOf, until } from '../support/cluster.js';
import { freePort } from '../support/ports.js';

const TEST_TIMEOUT_MS = 180_000;
/** Rows written per table: enough that both kinds of partition come up. */
const KEYS = 24;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

const ok = sqlRows;

/** How `id` of an `(id int PRIMARY KEY, …)` table is placed, computed as the nodes do. */
const keyed: TableSchema = { id: 0, name: 'k', columns: [{ name: 'id', type: { kind: 'int4' }, notNull: true }], primaryKey: [0], distributionKey: [0] };

describe('per-table replication settings', () => {
  it('W and N decide which writes a dead replica blocks; R = 1 reads with two nodes down', async () => {
    const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
    const n0 = await cluster.start(p0, null);
    const n1 = await cluster.start(p1, p0);
    const n2 = await cluster.start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));
    for (const table of ['pair WITH (replicas = 2, write_quorum = 2)', 'strict WITH (write_quorum = 3)', 'loose WITH (write_quorum = 1)', 'fast WITH (read_quorum = 1)', 'plain']) {
      const [name, options] = table.split(' WITH ');
      await ok(n0, `CREATE TABLE ${name} (id int PRIMARY KEY, v text)${options === undefined ? '' : ` WITH ${options}`}`);
    }
    // The settings travelled with the catalog.
    expect(await ok(n2, "SELECT table_name, replicas, write_quorum, read_quorum FROM eon_tables WHERE table_name IN ('pair', 'loose', 'fast') ORDER BY 1")).toEqual([
      ['fast', 3, 2, 1], ['loose', 3, 1, 2], ['pair', 2, 2, 2],
    ]);
    // So does a change: W of one table set on n1, seen on n2.
    await ok(n1, 'ALTER TABLE plain SET (write_quorum = 3)');
    await until('n2 applies the ALTER', async () => JSON.stringify(await ok(n2, "SELECT write_quorum FROM eon_tables WHERE table_name = 'plain'")) === '[[3]]');
    await ok(n1, 'ALTER TABLE plain RESET (write_quorum)');
    await until('n0 applies the RESET', async () => JSON.stringify(await ok(n0, "SELECT write_quorum FROM eon_tables WHERE table_name = 'plain'")) === '[[2]]');
    const values = Array.from({ length: KEYS }, (_, i) => `(${i + 1}, 'v${i + 1}')`).join(', ');
    await ok(n0, `INSERT INTO fast VALUES ${values}`);
    await ok(n0, `INSERT INTO plain VALUES ${values}`);

    const partitions = Number((await ok(n0, 'SELECT count(*) FROM eon_partitions'))[0]![0]);
    const dead = String((await ok(n2, 'SELECT node FROM eon_nodes WHERE is_self'))[0]![0]);
    const replicas = new Map((await ok(n0, 'SELECT "partition", replicas FROM eon_partitions')).map(([p, r]) => [Number(p), String(r).split(',')]));
    const blocked = (id: number): boolean => replicas.get(partitionOfKey(keyed, [id], partitions))!.slice(0, 2).includes(dead);

    await n2.kill('SIGKILL');
    await until('n0 sees n2 down', async () => (await stateOf(n0, p2)) !== 'alive');
    const alive = String((await ok(n0, 'SELECT node FROM eon_nodes WHERE is_self'))[0]![0]);
    for (let id = 1; id <= KEYS; id++) {
      // Whether n2 is still suspect (its send fails) or seen dead, the third node stands in for it.
      const r = await sql(n0, `INSERT INTO pair VALUES (${id}, 'x')`);
      expect(r.status, `pair ${id}: ${r.error?.code} ${r.error?.message}`).toBe(200);
      expect((await sql(n0, `INSERT INTO strict VALUES (${id}, 'x')`)).error?.code).toBe('57P03');
      expect((await sql(n0, `INSERT INTO loose VALUES (${id}, 'x')`)).status).toBe(200);
    }
    // Some pair writes had the dead node among their two replicas (a fallback kept them as hints).
    const covered = Array.from({ length: KEYS }, (_, i) => i + 1).filter(blocked);
    expect(covered.length).toBeGreaterThan(0);
    expect(covered.length).toBeLessThan(KEYS);
    // Where the other replica was n0 (the coordinator), n1 stood in: it coordinated nothing, so its hints are a fallback's.
    if (covered.some((id) => replicas.get(partitionOfKey(keyed, [id], partitions))!.slice(0, 2).includes(alive))) {
      expect(Number((await ok(n1, 'SELECT coalesce(max(hints_pending), 0) FROM eon_partitions'))[0]![0])).toBeGreaterThan(0);
    }

    await n1.kill('SIGKILL');
    await until('n0 sees n1 down', async () => (await stateOf(n0, p1)) !== 'alive');
    for (let id = 1; id <= KEYS; id += 5) expect(await ok(n0, `SELECT v FROM fast WHERE id = ${id}`)).toEqual([[`v${id}`]]);
    expect((await sql(n0, 'SELECT v FROM plain WHERE id = 1')).error?.code).toBe('57P03');
    expect(await n0.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
