// Quorum point reads across real processes: a replica that missed an update and a delete (killed,
// and the only holder of its hints killed too) answers a primary-key read with the newest version
// (R = 2: itself and the up-to-date replica) and holds that version afterwards, by read repair.

import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { TestCluster, allAlive, selfStat, sql, stateOf, until } from '../support/cluster.js';
import type { RunningEon } from '../support/eon.js';

const TEST_TIMEOUT_MS = 180_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

async function write(node: RunningEon, text: string): Promise<void> {
  const r = await sql(node, text);
  if (r.status !== 200) throw new Error(`${text}: ${r.error?.code} ${r.error?.message}`);
}

/** What the node's own store holds for a key: a filter scan of one replica (no digest reads), this node's. */
async function localRows(node: RunningEon, id: number): Promise<unknown[][]> {
  const r = await sql(node, `SET eon.read_consistency = 'one'; SELECT v FROM kv WHERE id + 0 = ${id}`);
  if (r.rows === undefined) throw new Error(r.error?.message ?? `status ${r.status}`);
  return r.rows;
}

describe('quorum point reads', () => {
  it('return the newest version through a stale replica and repair it', async () => {
    const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
    const n0 = await cluster.start(p0, null);
    let n1 = await cluster.start(p1, p0);
    let n2 = await cluster.start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));
    await write(n0, 'CREATE TABLE kv (id int PRIMARY KEY, v text)');
    await write(n0, "INSERT INTO kv VALUES (1, 'first'), (2, 'first')");
    await until('the rows on n2', async () => (await localRows(n2, 1)).length === 1 && (await localRows(n2, 2)).length === 1);

    // n2 misses an update and a delete (n0 and n1 make W = 2); n0 keeps them as hints for n2.
    await n2.kill('SIGKILL');
    await write(n0, "UPDATE kv SET v = 'second' WHERE id = 1");
    await write(n0, 'DELETE FROM kv WHERE id = 2');
    // n0 dies with the hints. n1 and n2 come back one after the other with background anti-entropy
    // ten minutes away, so only a read can bring n2 up to date. Were anti-entropy ever first, n2
    // would not be stale here or would count no read repair: the test fails then, it never passes
    // for the wrong reason.
    await n0.kill('SIGKILL');
    await n1.kill('SIGKILL');
    // n1 first, so n2's first join attempt finds it listening (n0, the other seed, stays dead).
    n1 = await cluster.start(p1, null, n1.dataDir, ['--anti-entropy-interval', '600000']);
    n2 = await cluster.start(p2, null, n2.dataDir, ['--anti-entropy-interval', '600000']);
    // Only n2 need see n1 alive to ask it (n1's anti-entropy waits for n2 to be alive at n1).
    try {
      await until('n1 alive at n2', async () => (await stateOf(n2, p1)) === 'alive');
    } catch (e) {
      const tail = (node: RunningEon): string => node.output().slice(-3_000);
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- n1:\n${tail(n1)}\n--- n2:\n${tail(n2)}`);
    }
    expect(await localRows(n2, 1)).toEqual([['first']]);
    expect(await localRows(n2, 2)).toEqual([['first']]);

    // Through stale n2: R = 2 answers (n2 and n1), the newest wins.
    expect((await sql(n2, 'SELECT v FROM kv WHERE id = 1')).rows).toEqual([['second']]);
    expect((await sql(n2, 'SELECT v FROM kv WHERE id = 2')).rows).toEqual([]);
    // The repairs are written back after the answers, asynchronously: bounded by until().
    await until('n2 holds the newest versions', async () => JSON.stringify([await localRows(n2, 1), await localRows(n2, 2)]) === '[[["second"]],[]]');
    // Repaired by the reads (n2 counts them, in its gossiped stats), not by anti-entropy.
    await until('n2 reports its read repairs', async () => (await selfStat(n2, 'readRepairs')) >= 2);
    expect(await n1.stop()).toBe(0);
    expect(await n2.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
