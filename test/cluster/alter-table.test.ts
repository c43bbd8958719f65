// ALTER TABLE across real eon processes: the new schema goes through the cluster catalog, every
// node rewrites the rows it holds to the new layout, writes after the change replicate under the
// new shape, and a renamed table keeps its rows on every node.

import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster, sql } from '../support/cluster.js';

const TEST_TIMEOUT_MS = 120_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

describe('ALTER TABLE in a cluster', () => {
  it('changes the table on every node, with its rows', async () => {
    const [n0, n1] = await cluster.startJoined(2);

    expect((await sql(n0, 'CREATE TABLE ka (id int PRIMARY KEY, note text, qty int)')).status).toBe(200);
    expect((await sql(n0, "INSERT INTO ka SELECT g, 'n' || g, g FROM generate_series(1, 200) AS g")).status).toBe(200);
    const altered = await sql(n0, 'ALTER TABLE ka ADD COLUMN extra int DEFAULT 5, DROP COLUMN note');
    expect(altered.status, JSON.stringify(altered.error)).toBe(200);
    const columns = "SELECT column_name, column_default FROM information_schema.columns WHERE table_name = 'ka' ORDER BY ordinal_position";
    for (const n of [n0, n1]) expect((await sql(n, columns)).rows).toEqual([['id', null], ['qty', null], ['extra', '5']]);
    const totals = 'SELECT count(*), sum(qty), sum(extra) FROM ka';
    for (const n of [n0, n1]) expect((await sql(n, totals)).rows).toEqual([['200', '20100', '1000']]);

    expect((await sql(n1, 'INSERT INTO ka (id, qty) VALUES (201, 1)')).status).toBe(200);
    expect((await sql(n0, 'SELECT id, qty, extra FROM ka WHERE id = 201')).rows).toEqual([[201, 1, 5]]);
    expect((await sql(n1, 'ALTER TABLE ka ADD CONSTRAINT ka_qty CHECK (qty < 0)')).error?.code).toBe('23514');

    expect((await sql(n1, 'ALTER TABLE ka RENAME TO kb')).status).toBe(200);
    for (const n of [n0, n1]) {
      expect((await sql(n, 'SELECT count(*), sum(extra) FROM kb')).rows).toEqual([['201', '1005']]);
      expect((await sql(n, 'SELECT 1 FROM ka')).error?.code).toBe('42P01');
    }
    expect((await sql(n0, 'INSERT INTO kb (id, qty) VALUES (202, 2)')).status).toBe(200);
    expect((await sql(n1, 'SELECT qty, extra FROM kb WHERE id = 202')).rows).toEqual([[2, 5]]);
    expect((await sql(n0, 'DROP TABLE kb')).status).toBe(200);
  }, TEST_TIMEOUT_MS);
});
