// statement_timeout: a statement running past it fails with 57014 and the session stays usable.

import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEon, type RunningEon } from '../support/eon.js';

/** A three-way cross product of this many rows is billions of combinations: far beyond any timeout below. */
const rows = 2_000;
const timeoutMs = 200;
/** The deadline check runs between batches; allow the statement this long to notice it. */
const cancelSlackMs = 5_000;

let node: RunningEon;
let client: pg.Client;

beforeAll(async () => {
  node = await startEon();
  client = new pg.Client(node.conn());
  await client.connect();
  await client.query('CREATE TABLE timeout_t (id int PRIMARY KEY)');
  await client.query(`INSERT INTO timeout_t VALUES ${Array.from({ length: rows }, (_, i) => `(${i + 1})`).join(',')}`);
});

afterAll(async () => {
  await client?.end();
  await node?.stop();
});

test('a statement past statement_timeout fails with 57014 and the connection stays usable', async () => {
  await client.query(`SET statement_timeout = '${timeoutMs}ms'`);
  expect((await client.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: `${timeoutMs}ms` }]);
  const started = Date.now();
  const err = await client.query('SELECT count(*) FROM timeout_t a, timeout_t b, timeout_t c WHERE a.id + b.id + c.id < 0').then(
    () => null,
    (e: { code?: string; message?: string }) => e,
  );
  expect(err).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
  expect(Date.now() - started).toBeLessThan(timeoutMs + cancelSlackMs);
  expect((await client.query('SELECT count(*) AS n FROM timeout_t')).rows).toEqual([{ n: String(rows) }]);
  await client.query('RESET statement_timeout');
  expect((await client.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '0' }]);
});

test('statement_timeout takes PostgreSQL units and rejects malformed values with 22023', async () => {
  for (const value of ['1500', '2s', '1 min', '0']) await client.query(`SET statement_timeout = '${value}'`);
  const err = await client.query("SET statement_timeout = 'soon'").then(
    () => null,
    (e: { code?: string }) => e,
  );
  expect(err).toMatchObject({ code: '22023' });
  await client.query('RESET statement_timeout');
});
