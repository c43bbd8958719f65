// Indexes and UNIQUE constraints across restarts of one eon node: the definitions, their entries
// (lookups through them, unique checks against rows written before) and the plan that reads
// through them survive a graceful stop and a kill -9.

import { expect, test } from 'vitest';
import { restartableNodes } from '../support/restarts.js';

const { node, connect } = restartableNodes();

test('indexes and unique constraints survive a graceful stop and a kill -9', async () => {
  const first = await node();
  const c1 = await connect(first);
  await c1.query('CREATE TABLE pi_t (id int PRIMARY KEY, email text UNIQUE, g int)');
  await c1.query("INSERT INTO pi_t SELECT i, 'u' || i, i % 7 FROM generate_series(1, 300) AS s(i)");
  await c1.query('CREATE INDEX pi_t_g ON pi_t (g)');
  await c1.query('VACUUM pi_t');
  await c1.query("UPDATE pi_t SET g = 100 WHERE id IN (1, 2)");
  await c1.end();
  expect(await first.stop(), first.output()).toBe(0);

  const second = await node(first.dataDir);
  const c2 = await connect(second);
  const defs = "SELECT indexname::text AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'pi_t' ORDER BY 1";
  const expected = [
    { name: 'pi_t_email_key', def: 'CREATE UNIQUE INDEX pi_t_email_key ON public.pi_t USING btree (email)' },
    { name: 'pi_t_g', def: 'CREATE INDEX pi_t_g ON public.pi_t USING btree (g)' },
    { name: 'pi_t_pkey', def: 'CREATE UNIQUE INDEX pi_t_pkey ON public.pi_t USING btree (id)' },
  ];
  expect((await c2.query(defs)).rows).toEqual(expected);
  await expect(c2.query("INSERT INTO pi_t VALUES (1000, 'u5', 0)")).rejects.toMatchObject({ code: '23505', detail: 'Key (email)=(u5) already exists.' });
  expect((await c2.query('SELECT id FROM pi_t WHERE g = 100 ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
  const explained = (await c2.query({ text: 'EXPLAIN SELECT id FROM pi_t WHERE g = 100', rowMode: 'array' })).rows.map((r: unknown[]) => r[0]).join('\n');
  expect(explained).toContain('Index Scan using pi_t_g on pi_t');
  await c2.query("INSERT INTO pi_t VALUES (1001, 'late', 100)");
  await c2.end();
  await second.kill('SIGKILL');

  const third = await node(first.dataDir);
  const c3 = await connect(third);
  try {
    expect((await c3.query(defs)).rows).toEqual(expected);
    expect((await c3.query('SELECT id FROM pi_t WHERE g = 100 ORDER BY id')).rows).toEqual([{ id: 1 }, { id: 2 }, { id: 1001 }]);
    expect((await c3.query("SELECT id FROM pi_t WHERE email = 'late'")).rows).toEqual([{ id: 1001 }]);
    await expect(c3.query("INSERT INTO pi_t VALUES (1002, 'late', 0)")).rejects.toMatchObject({ code: '23505' });
  } finally {
    await c3.end();
  }
});
