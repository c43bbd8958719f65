// DDL across real eon processes: CREATE/DROP TABLE on any node is visible on every live node when
// the statement returns; a node that was down catches up from the catalog register; a node that
// cannot reach a majority of the catalog's acceptors refuses DDL (57P03) instead of guessing.

import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/ports.js';
import { TestCluster, allAlive, sql, stateOf, until } from '../support/cluster.js';

const TEST_TIMEOUT_MS = 180_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

const publicTables = "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1";

describe('the cluster catalog across real processes', () => {
  it('applies DDL on every live node before it returns, catches up a restarted node, refuses without a majority', async () => {
    const [p0, p1, p2] = [await freePort(), await freePort(), await freePort()];
    const n0 = await cluster.start(p0, null);
    const n1 = await cluster.start(p1, p0);
    const n2 = await cluster.start(p2, p0);
    await until('three members alive at every node', () => allAlive([n0, n1, n2], 3));

    expect((await sql(n0, 'CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(10,2))')).status).toBe(200);
    for (const n of [n0, n1, n2]) expect((await sql(n, publicTables)).rows).toEqual([['items']]);
    const dup = await sql(n2, 'CREATE TABLE items (id int PRIMARY KEY)');
    expect(dup.error?.code).toBe('42P07');
    expect((await sql(n1, 'CREATE TABLE IF NOT EXISTS items (id int PRIMARY KEY)')).status).toBe(200);
    // The same definition everywhere, the same id everywhere.
    const defs = await Promise.all(
      [n0, n1, n2].map(async (n) => (await sql(n, "SELECT c.oid, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid WHERE c.relname = 'items' AND a.attnum > 0 ORDER BY a.attnum")).rows),
    );
    expect(defs[1]).toEqual(defs[0]);
    expect(defs[2]).toEqual(defs[0]);

    expect((await sql(n1, 'DROP TABLE items')).status).toBe(200);
    for (const n of [n0, n1, n2]) expect((await sql(n, publicTables)).rows).toEqual([]);

    // A node that is down misses DDL, then catches up from the register when it returns.
    await n2.kill('SIGKILL');
    await until('n2 dead at n0', async () => (await stateOf(n0, p2)) === 'dead');
    expect((await sql(n0, 'CREATE TABLE orders (id int PRIMARY KEY, total numeric(12,2))')).status).toBe(200);
    const n2b = await cluster.start(p2, null, n2.dataDir);
    await until('n2 has caught up with orders', async () => JSON.stringify((await sql(n2b, publicTables)).rows) === JSON.stringify([['orders']]));

    // With two of three acceptors gone, DDL is refused rather than decided by a minority.
    await n1.kill('SIGKILL');
    await n2b.kill('SIGKILL');
    const refused = await sql(n0, 'CREATE TABLE lonely (id int PRIMARY KEY)');
    expect(refused.error?.code).toBe('57P03');
    expect((await sql(n0, publicTables)).rows).toEqual([['orders']]);
    expect(await n0.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
