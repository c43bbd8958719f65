// ALTER TABLE across restarts of one eon node: rows stored before the change (in columnar
// segments, after CHECKPOINT, and in the row delta) read in the new layout after a graceful stop
// and after a kill -9, for a table with a primary key and one with hidden row ids; a renamed
// table and column, a default and a CHECK come back too.

import { expect, test } from 'vitest';
import { restartableNodes } from '../support/restarts.js';

const { node, connect } = restartableNodes();

const ROWS = 3000;
const KEYED = 'SELECT count(*)::int AS n, sum(qty)::int AS qty, sum(extra)::int AS extra, count(tag)::int AS tags, min(ts)::text AS ts FROM pa_items';

test('rows stored before an ALTER TABLE read in the new layout after a graceful stop and a kill -9', async () => {
  const first = await node();
  const c1 = await connect(first);
  await c1.query('CREATE TABLE pa_t (id int PRIMARY KEY, note text, qty int, price numeric(10,2))');
  await c1.query(`INSERT INTO pa_t SELECT g, 'n' || g, g % 10, g * 0.5 FROM generate_series(1, ${ROWS}) AS g`);
  await c1.query('CREATE TABLE pa_nokey (a int, b text)');
  await c1.query("INSERT INTO pa_nokey SELECT g % 5, 'b' || g FROM generate_series(1, 500) AS g");
  // Most rows move into columnar segments; the next ones stay in the delta.
  await c1.query('CHECKPOINT');
  await c1.query("INSERT INTO pa_t VALUES (5001, 'late', 7, 1.25), (5002, NULL, NULL, NULL)");
  await c1.query("DELETE FROM pa_t WHERE id % 100 = 0");
  await c1.query("UPDATE pa_t SET qty = 99 WHERE id = 1");
  await c1.query("ALTER TABLE pa_t ADD COLUMN extra int DEFAULT 2, ADD COLUMN tag text, ADD COLUMN ts timestamp DEFAULT '2024-05-06 07:08:09', DROP COLUMN note");
  await c1.query('ALTER TABLE pa_t RENAME TO pa_items');
  await c1.query('ALTER TABLE pa_items RENAME COLUMN price TO cost');
  await c1.query('ALTER TABLE pa_items ADD CONSTRAINT pa_qty_small CHECK (qty < 1000)');
  await c1.query("ALTER TABLE pa_nokey ADD COLUMN c int DEFAULT 3, DROP COLUMN b");
  const before = (await c1.query(KEYED)).rows;
  expect(before).toEqual([{ n: ROWS - 30 + 2, qty: before[0].qty, extra: 2 * (ROWS - 30 + 2), tags: 0, ts: '2024-05-06 07:08:09' }]);
  const row1 = (await c1.query('SELECT * FROM pa_items WHERE id IN (1, 5001) ORDER BY id')).rows;
  expect(row1).toEqual([
    { id: 1, qty: 99, cost: '0.50', extra: 2, tag: null, ts: row1[0].ts },
    { id: 5001, qty: 7, cost: '1.25', extra: 2, tag: null, ts: row1[1].ts },
  ]);
  const nokey = (await c1.query('SELECT count(*)::int AS n, sum(a)::int AS a, sum(c)::int AS c FROM pa_nokey')).rows;
  expect(nokey).toEqual([{ n: 500, a: 1000, c: 1500 }]);
  await c1.end();
  expect(await first.stop(), first.output()).toBe(0);

  const second = await node(first.dataDir);
  const c2 = await connect(second);
  expect((await c2.query(KEYED)).rows).toEqual(before);
  expect((await c2.query('SELECT * FROM pa_items WHERE id IN (1, 5001) ORDER BY id')).rows).toEqual(row1);
  expect((await c2.query('SELECT count(*)::int AS n, sum(a)::int AS a, sum(c)::int AS c FROM pa_nokey')).rows).toEqual(nokey);
  await expect(c2.query('INSERT INTO pa_items (id, qty) VALUES (9000, 5000)')).rejects.toMatchObject({ code: '23514' });
  await expect(c2.query('SELECT note FROM pa_items')).rejects.toMatchObject({ code: '42703' });
  // Changed after the restart, then a kill -9: the last change is what comes back.
  await c2.query("ALTER TABLE pa_items ALTER COLUMN tag SET DEFAULT 'x', DROP COLUMN extra");
  await c2.query('INSERT INTO pa_items (id, qty) VALUES (9000, 1)');
  await c2.query('INSERT INTO pa_nokey (a) VALUES (10)');
  await c2.end();
  await second.kill('SIGKILL');

  const third = await node(first.dataDir);
  const c3 = await connect(third);
  try {
    expect((await c3.query('SELECT id, qty, tag FROM pa_items WHERE id IN (1, 9000) ORDER BY id')).rows).toEqual([
      { id: 1, qty: 99, tag: null },
      { id: 9000, qty: 1, tag: 'x' },
    ]);
    expect((await c3.query('SELECT count(*)::int AS n FROM pa_items')).rows).toEqual([{ n: ROWS - 30 + 3 }]);
    expect((await c3.query('SELECT count(*)::int AS n, sum(c)::int AS c FROM pa_nokey')).rows).toEqual([{ n: 501, c: 1503 }]);
    await c3.query('CHECKPOINT');
    expect((await c3.query('SELECT sum(qty)::int AS q FROM pa_items')).rows).toEqual([{ q: (before[0] as { qty: number }).qty + 1 }]);
  } finally {
    await c3.end();
  }
  expect(await third.stop(), third.output()).toBe(0);
});
