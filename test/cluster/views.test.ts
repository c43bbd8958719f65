// Views, CREATE TABLE AS and TRUNCATE across real eon processes: a view created, replaced or
// dropped on one node is in every live node's catalog when the statement returns (it travels in
// the cluster catalog beside the tables), its dependencies hold on every node, and the statements
// a cluster cannot run yet are refused with 0A000 without leaving anything behind.

import { afterAll, describe, expect, it } from 'vitest';
import { TestCluster, sql } from '../support/cluster.js';

const TEST_TIMEOUT_MS = 180_000;

const cluster = new TestCluster();
afterAll(() => cluster.stop());

const publicViews = "SELECT viewname::text FROM pg_views WHERE schemaname = 'public' ORDER BY 1";
const viewColumns = "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'item_qty' ORDER BY ordinal_position";
const publicTables = "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1";

describe('views in the cluster catalog', () => {
  it('spreads CREATE, OR REPLACE and DROP VIEW to every node; refuses TRUNCATE and filled CREATE TABLE AS on a cluster', async () => {
    const [n0, n1] = await cluster.startJoined(2);

    expect((await sql(n0, 'CREATE TABLE items (id int PRIMARY KEY, qty int)')).status).toBe(200);
    expect((await sql(n0, 'INSERT INTO items VALUES (1, 1), (2, 5), (3, 9)')).status).toBe(200);
    expect((await sql(n0, 'CREATE VIEW item_qty AS SELECT id, qty FROM items WHERE qty > 1')).status).toBe(200);
    for (const n of [n0, n1]) {
      expect((await sql(n, publicViews)).rows).toEqual([['item_qty']]);
      expect((await sql(n, 'SELECT id FROM item_qty WHERE id = 2')).status).toBe(200);
    }
    // The dependency holds where the view was not created.
    expect((await sql(n1, 'DROP TABLE items')).error?.code).toBe('2BP01');
    expect((await sql(n1, 'CREATE VIEW item_qty AS SELECT 1 AS id')).error?.code).toBe('42P07');

    // n0 caches its plan of a query on the view; n1's replacement must not leave n0 answering from it.
    for (let i = 0; i < 2; i++) expect((await sql(n0, 'SELECT * FROM item_qty WHERE id = 2')).rows).toEqual([[2, 5]]);
    expect((await sql(n1, 'CREATE OR REPLACE VIEW item_qty AS SELECT id, qty, qty * 2 AS q2 FROM items WHERE qty > 1')).status).toBe(200);
    for (const n of [n0, n1]) expect((await sql(n, viewColumns)).rows).toEqual([['id'], ['qty'], ['q2']]);
    expect((await sql(n0, 'SELECT * FROM item_qty WHERE id = 2')).rows).toEqual([[2, 5, 10]]);
    // The same OID everywhere (a view's id comes from the catalog).
    const oids = await Promise.all([n0, n1].map(async (n) => (await sql(n, "SELECT oid FROM pg_class WHERE relname = 'item_qty'")).rows));
    expect(oids[1]).toEqual(oids[0]);

    // Not yet on more than one node: TRUNCATE, and filling a table without a primary key.
    expect((await sql(n0, 'TRUNCATE items')).error?.code).toBe('0A000');
    expect((await sql(n0, 'CREATE TABLE items_copy AS SELECT id, qty FROM items')).error?.code).toBe('0A000');
    expect((await sql(n0, 'CREATE TABLE items_empty AS SELECT id, qty FROM items WITH NO DATA')).status).toBe(200);
    for (const n of [n0, n1]) expect((await sql(n, publicTables)).rows).toEqual([['items'], ['items_empty']]);

    expect((await sql(n0, 'DROP TABLE items CASCADE')).status).toBe(200);
    for (const n of [n0, n1]) {
      expect((await sql(n, publicViews)).rows).toEqual([]);
      expect((await sql(n, publicTables)).rows).toEqual([['items_empty']]);
    }
    expect(await n1.stop()).toBe(0);
    expect(await n0.stop()).toBe(0);
  }, TEST_TIMEOUT_MS);
});
