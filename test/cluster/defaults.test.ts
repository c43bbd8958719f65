// DEFAULT, serial and CHECK across real eon processes: a table's defaults, checks and owned
// sequence reach every node with the cluster catalog and are applied there; nextval is refused
// (0A000) while the cluster has several nodes, since sequence values are not allocated through
// the cluster yet.

import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster, sql } from '../support/cluster.js';

const TEST_TIMEOUT_MS = 120_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

describe('defaults and checks in a cluster', () => {
  it('replicates them with the table, applies them on every node and refuses nextval', async () => {
    const [n0, n1] = await cluster.startJoined(2);

    const created = await sql(n0, "CREATE TABLE kd (id serial PRIMARY KEY, note text DEFAULT 'none', qty int CHECK (qty > 0))");
    expect(created.status).toBe(200);
    const describe = "SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'kd' ORDER BY ordinal_position";
    const expected = [['id', "nextval('kd_id_seq'::regclass)"], ['note', "'none'"], ['qty', null]];
    for (const n of [n0, n1]) expect((await sql(n, describe)).rows).toEqual(expected);
    for (const n of [n0, n1]) expect((await sql(n, "SELECT relname, relkind FROM pg_class WHERE relname = 'kd_id_seq'")).rows).toEqual([['kd_id_seq', 'S']]);

    expect((await sql(n1, 'INSERT INTO kd (id, qty) VALUES (1, 5)')).status).toBe(200);
    expect((await sql(n1, 'SELECT note FROM kd WHERE id = 1')).rows).toEqual([['none']]);
    expect((await sql(n0, 'INSERT INTO kd (id, qty) VALUES (2, 0)')).error?.code).toBe('23514');
    const refused = await sql(n1, 'INSERT INTO kd (qty) VALUES (1)');
    expect(refused.error?.code).toBe('0A000');
    expect(refused.error?.message).toMatch(/nextval is not supported on a cluster of several nodes/);

    expect((await sql(n0, 'DROP TABLE kd')).status).toBe(200);
    for (const n of [n0, n1]) expect((await sql(n, "SELECT count(*) FROM pg_class WHERE relname = 'kd_id_seq'")).rows).toEqual([['0']]);
  }, TEST_TIMEOUT_MS);
});
