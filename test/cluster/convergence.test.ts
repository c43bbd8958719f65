// Replicas that missed writes catch up, across real processes: a replica that was killed gets the
// writes it missed from its coordinator's hints when it returns (hinted handoff), and, when that
// coordinator is itself down, from another replica by anti-entropy (Merkle exchange).

import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { TestCluster, allAlive, sql, stateOf, until } from '../support/cluster.js';
import type { RunningEon } from '../support/eon.js';

const TEST_TIMEOUT_MS = 240_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

/** Row count, key sum and a digest of every value, as one string. */
async function summary(node: RunningEon): Promise<string> {
  const r = await sql(node, 'SELECT count(*), sum(id), sum(length(v)), max(v) FROM kv');
  if (r.rows === undefined) throw new Error(r.error?.message ?? `status ${r.status}`);
  return JSON.stringify(r.rows);
}

async function write(node: RunningEon, text: string): Promise<void> {
  const r = await sql(node, text);
  if (r.status !== 200) throw new Error(`${text}: ${r.error?.code} ${r.error?.message}`);
}

describe('replicas converge after failures', () => {
  it('hands hints to a returning replica, and repairs by anti-entropy when the hints are stuck', async () => {
    const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
    const n0 = await cluster.start(p0, null);
    const n1 = await cluster.start(p1, p0);
    let n2 = await cluster.start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));
    await write(n0, 'CREATE TABLE kv (id int PRIMARY KEY, v text)');
    await write(n0, "INSERT INTO kv SELECT g, 'v' || g FROM generate_series(1, 50) AS g");
    await until('the first rows on every node', async () => (await summary(n2)) === (await summary(n0)));
    // The coordinator measured how long its writes took to reach every replica.
    const measured = await sql(n0, 'SELECT count(*) FROM eon_partitions WHERE replication_delay_ms > 0');
    expect(Number(measured.rows?.[0]?.[0])).toBeGreaterThan(0);

    // n2 is killed; writes go on at W = 2 and n0 keeps hints for n2.
    await n2.kill('SIGKILL');
    await until('n2 dead at n0 and n1', async () => (await stateOf(n0, p2)) === 'dead' && (await stateOf(n1, p2)) === 'dead');
    await write(n0, "INSERT INTO kv SELECT g, 'w' || g FROM generate_series(51, 150) AS g");
    await write(n0, "UPDATE kv SET v = 'updated' WHERE id <= 10");
    await write(n0, 'DELETE FROM kv WHERE id > 140');
    const expected = await summary(n0);
    expect(await summary(n1)).toBe(expected);
    const hintsAtN0 = async (): Promise<number> => Number((await sql(n0, 'SELECT max(hints_pending) FROM eon_partitions')).rows?.[0]?.[0]);
    expect(await hintsAtN0()).toBeGreaterThan(0);
    n2 = await cluster.start(p2, null, n2.dataDir);
    await until('n2 caught up by hinted handoff', async () => (await summary(n2)) === expected);
    await until('n0 holds no hints any more', async () => (await hintsAtN0()) === 0);

    // Now n2 misses writes coordinated by n1, and n1 dies before it can hand them off: only
    // anti-entropy with n0 (which took them too, W = 2) can bring n2 up to date.
    await n2.kill('SIGKILL');
    await until('n2 dead at n0 and n1', async () => (await stateOf(n0, p2)) === 'dead' && (await stateOf(n1, p2)) === 'dead');
    await write(n1, "INSERT INTO kv SELECT g, 'x' || g FROM generate_series(1001, 1100) AS g");
    await write(n1, "UPDATE kv SET v = 'again' WHERE id BETWEEN 20 AND 30");
    const later = await summary(n1);
    expect(await summary(n0)).toBe(later);
    await n1.kill('SIGKILL');
    n2 = await cluster.start(p2, null, n2.dataDir);
    await until('n2 alive at n0', async () => (await stateOf(n0, p2)) === 'alive');
    await until('n2 repaired by anti-entropy with n0', async () => (await summary(n2)) === later);
    expect(await n0.stop()).toBe(0);
    expect(await n2.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
