// Views, CREATE TABLE AS and TRUNCATE across restarts of one eon node: a view's definition and
// dependencies, a table made by CREATE TABLE AS with its rows, and a truncated table's emptiness
// survive a graceful stop and a kill -9.

import { expect, test } from 'vitest';
import { restartableNodes } from '../support/restarts.js';

const { node, connect } = restartableNodes();

const VIEW_QUERY = 'SELECT g, n, total FROM pv_totals ORDER BY g';

test('a view, a CREATE TABLE AS table and a TRUNCATE survive a graceful stop and a kill -9', async () => {
  const first = await node();
  const c1 = await connect(first);
  await c1.query('CREATE TABLE pv_t (id int PRIMARY KEY, g text, qty int)');
  await c1.query("INSERT INTO pv_t VALUES (1, 'a', 5), (2, 'a', 7), (3, 'b', 1), (4, NULL, 2)");
  await c1.query('CREATE VIEW pv_totals (g, n, total) AS SELECT g, count(*), sum(qty) FROM pv_t GROUP BY g');
  await c1.query('CREATE VIEW pv_big AS SELECT g, total FROM pv_totals WHERE total > 3');
  const ctas = await c1.query('CREATE TABLE pv_copy AS SELECT id, qty FROM pv_t WHERE qty > 1');
  expect(ctas.command).toBe('SELECT');
  expect(ctas.rowCount).toBe(3);
  await c1.query('CREATE TABLE pv_gone (id int PRIMARY KEY)');
  await c1.query('INSERT INTO pv_gone VALUES (1), (2), (3)');
  const truncated = await c1.query('TRUNCATE pv_gone');
  expect(truncated.command).toBe('TRUNCATE');
  const before = await c1.query({ text: VIEW_QUERY, rowMode: 'array' });
  expect(before.rows).toEqual([['a', '2', '12'], ['b', '1', '1'], [null, '1', '2']]);
  await c1.end();
  expect(await first.stop(), first.output()).toBe(0);

  const second = await node(first.dataDir);
  const c2 = await connect(second);
  expect((await c2.query({ text: VIEW_QUERY, rowMode: 'array' })).rows).toEqual(before.rows);
  expect((await c2.query('SELECT g, total FROM pv_big ORDER BY g')).rows).toEqual([{ g: 'a', total: '12' }]);
  expect((await c2.query("SELECT viewname::text AS v FROM pg_views WHERE viewname LIKE 'pv\\_%' ORDER BY 1")).rows).toEqual([{ v: 'pv_big' }, { v: 'pv_totals' }]);
  expect((await c2.query('SELECT id, qty FROM pv_copy ORDER BY id')).rows).toEqual([{ id: 1, qty: 5 }, { id: 2, qty: 7 }, { id: 4, qty: 2 }]);
  expect((await c2.query('SELECT count(*)::int AS n FROM pv_gone')).rows).toEqual([{ n: 0 }]);
  // The dependencies came back too: the table cannot be dropped under its views.
  await expect(c2.query('DROP TABLE pv_t')).rejects.toMatchObject({ code: '2BP01' });
  // A view replaced after the restart, then a kill -9: the replacement is what comes back.
  await c2.query('CREATE OR REPLACE VIEW pv_big AS SELECT g, total, n FROM pv_totals WHERE total > 1');
  await c2.query("INSERT INTO pv_t VALUES (5, 'c', 9)");
  await c2.end();
  await second.kill('SIGKILL');

  const third = await node(first.dataDir);
  const c3 = await connect(third);
  try {
    expect((await c3.query('SELECT g, total, n FROM pv_big ORDER BY g')).rows).toEqual([
      { g: 'a', total: '12', n: '2' },
      { g: 'c', total: '9', n: '1' },
      { g: null, total: '2', n: '1' },
    ]);
    await c3.query('DROP TABLE pv_t CASCADE');
    expect((await c3.query("SELECT count(*)::int AS n FROM pg_views WHERE viewname LIKE 'pv\\_%'")).rows).toEqual([{ n: 0 }]);
  } finally {
    await c3.end();
  }
  expect(await third.stop(), third.output()).toBe(0);
});
