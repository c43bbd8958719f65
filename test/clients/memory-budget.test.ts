// A statement that needs more memory than its budget fails with 53200, and the node keeps serving.

import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startEon, type RunningEon } from '../support/eon.js';

/** Small enough that a 3,000-row cross product (9M rows) is far over it. */
const cellsMax = 100_000;

let node: RunningEon;
let client: pg.Client;

beforeAll(async () => {
  node = await startEon({ extraArgs: ['--query-cells-max', String(cellsMax)] });
  client = new pg.Client(node.conn());
  await client.connect();
  await client.query('CREATE TABLE budget_t (id int PRIMARY KEY, v text)');
  const values = Array.from({ length: 3000 }, (_, i) => `(${i}, 'row ${i}')`).join(',');
  await client.query(`INSERT INTO budget_t VALUES ${values}`);
});

afterAll(async () => {
  await client?.end();
  await node?.stop();
});

test('a statement over its memory budget fails with 53200 and the connection stays usable', async () => {
  const err = await client.query('SELECT a.id, b.id FROM budget_t a CROSS JOIN budget_t b').then(
    () => null,
    (e: { code?: string; message?: string }) => e,
  );
  expect(err?.code).toBe('53200');
  expect(err?.message).toMatch(/out of memory/);
  const after = await client.query('SELECT count(*) AS n FROM budget_t');
  expect(after.rows[0].n).toBe('3000');
});

test('work within the budget is unaffected', async () => {
  const r = await client.query('SELECT count(*) AS n FROM budget_t a JOIN budget_t b ON a.id = b.id');
  expect(r.rows[0].n).toBe('3000');
});

test('COPY TO STDOUT runs under the same budget', async () => {
  const err = await client.query('COPY (SELECT a.id, b.id FROM budget_t a CROSS JOIN budget_t b) TO STDOUT').then(
    () => null,
    (e: { code?: string }) => e,
  );
  expect(err?.code).toBe('53200');
  const r = await client.query('COPY budget_t TO STDOUT');
  expect(r.command).toBe('COPY');
  expect(r.rowCount).toBe(3000);
});
