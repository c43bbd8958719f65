// Digest reads across real processes: a replica that missed updates, deletes and inserts (killed,
// and the only holder of its hints killed too) answers a scan through itself with every write
// acknowledged before it — its partitions compared with another replica's (R = 2) and repaired
// first — while the same scan at eon.read_consistency = one, just before, shows it stale; a
// DELETE through it finds the rows it had missed the update of. With no
// second replica to compare with, a scan at quorum fails with 57P03 and reads at `one`.

import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { TestCluster, allAlive, selfStat, sql, sqlRows, stateOf, until } from '../support/cluster.js';

const TEST_TIMEOUT_MS = 180_000;
const ROWS = 2_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

/** Background anti-entropy out of the way for the test's length: what repairs n2 is the reads. */
const QUIET_ANTI_ENTROPY = ['--anti-entropy-interval', '600000'];

const SUMMARY = "SELECT count(*), count(*) FILTER (WHERE v = 'second'), sum(id) FROM kv";

describe('digest reads', () => {
  it('a scan through a stale replica sees every acknowledged write; too few replicas is 57P03', async () => {
    const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
    const n0 = await cluster.start(p0, null);
    let n1 = await cluster.start(p1, p0);
    let n2 = await cluster.start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));
    await sqlRows(n0, 'CREATE TABLE kv (id int PRIMARY KEY, v text)');
    await sqlRows(n0, `INSERT INTO kv SELECT i, 'first' FROM generate_series(1, ${ROWS}) i`);
    await until('every row on n2', async () => {
      const [[count]] = (await sqlRows(n2, "SET eon.read_consistency = 'one'; SELECT count(*) FROM kv")) as [[unknown]];
      return Number(count) === ROWS;
    });

    // n2 misses updates, deletes and inserts (n0 and n1 make W = 2); n0 keeps them as hints for n2
    // and dies with them. n1 and n2 come back with background anti-entropy ten minutes away: only
    // a read brings n2 up to date (the stale read below proves it had not yet).
    await n2.kill('SIGKILL');
    await sqlRows(n0, "UPDATE kv SET v = 'second' WHERE id <= 300");
    await sqlRows(n0, 'DELETE FROM kv WHERE id > 1900');
    await sqlRows(n0, `INSERT INTO kv SELECT i, 'second' FROM generate_series(${ROWS + 1}, ${ROWS + 50}) i`);
    let expected = await sqlRows(n1, SUMMARY);
    expect(expected).toEqual([['1950', '350', String(((1 + 1900) * 1900) / 2 + ((ROWS + 1 + ROWS + 50) * 50) / 2)]]);
    await n0.kill('SIGKILL');
    await n1.kill('SIGKILL');
    n1 = await cluster.start(p1, null, n1.dataDir, QUIET_ANTI_ENTROPY);
    n2 = await cluster.start(p2, null, n2.dataDir, QUIET_ANTI_ENTROPY);
    await until('n1 alive at n2', async () => (await stateOf(n2, p1)) === 'alive');

    // One replica, as stored: n2's own rows are stale.
    expect(await sqlRows(n2, `SET eon.read_consistency = 'one'; ${SUMMARY}`)).toEqual([[String(ROWS), '0', String((ROWS * (ROWS + 1)) / 2)]]);
    // A DELETE reads n2's own replicas inside its write: at quorum they are repaired first, so it
    // finds the rows n2 had missed the update of.
    const deleted = await sqlRows(n2, "DELETE FROM kv WHERE v = 'second' AND id <= 10 RETURNING id");
    expect(deleted.map((r) => Number(r[0])).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [[count, second, sum]] = expected as [[string, string, string]];
    expected = [[String(Number(count) - 10), String(Number(second) - 10), String(Number(sum) - 55)]];
    // At quorum (the default), a scan through n2 compares its partitions with n1's first.
    expect(await sqlRows(n2, SUMMARY)).toEqual(expected);
    // Spread over both nodes, and through n1, the same.
    expect(await sqlRows(n2, `SET eon.coverage = 'spread_all'; ${SUMMARY}`)).toEqual(expected);
    expect(await sqlRows(n1, SUMMARY)).toEqual(expected);
    // Repaired by the digest reads (n2 counts them), and held afterwards.
    expect(await sqlRows(n2, `SET eon.read_consistency = 'one'; ${SUMMARY}`)).toEqual(expected);
    await until('n2 reports its digest repairs', async () => (await selfStat(n2, 'digestRepairs')) > 0);

    // n1 goes: n2 alone cannot read at R = 2 — a clear error, not a possibly stale answer.
    await n1.kill('SIGKILL');
    await until('n1 down at n2', async () => (await stateOf(n2, p1)) !== 'alive');
    const refused = await sql(n2, SUMMARY);
    expect(refused.error?.code).toBe('57P03');
    expect(refused.error?.message).toMatch(/read quorum 2/);
    expect(await sqlRows(n2, `SET eon.read_consistency = 'one'; ${SUMMARY}`)).toEqual(expected);
    const bad = await sql(n2, "SET eon.read_consistency = 'all'");
    expect(bad.error?.code).toBe('22023');
    expect(await n2.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
