// A statement that needs more memory than its budget fails with 53200, and the node keeps serving;
// rows written out as they are produced are not held, so a result larger than the budget streams.

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
  // The sort holds every row of the 9M-row cross product.
  const err = await client.query('SELECT a.id, b.id FROM budget_t a CROSS JOIN budget_t b ORDER BY a.v, b.v').then(
    () => null,
    (e: { code?: string; message?: string }) => e,
  );
  expect(err?.code).toBe('53200');
  expect(err?.message).toMatch(/out of memory/);
  const after = await client.query('SELECT count(*) AS n FROM budget_t');
  expect(after.rows[0].n).toBe('3000');
});

test('a result larger than the budget streams to the client, in both protocols', async () => {
  // 300,000 rows of two columns: six times the budget, never held by the node at once.
  const simple = await client.query('SELECT a.id, b.id AS bid FROM budget_t a CROSS JOIN budget_t b WHERE a.id < 100');
  expect(simple.rowCount).toBe(300_000);
  expect(simple.rows.filter((r: { id: number; bid: number }) => r.id === 99 && r.bid === 2999)).toHaveLength(1);
  const extended = await client.query({ text: 'SELECT a.id, b.id AS bid FROM budget_t a CROSS JOIN budget_t b WHERE a.id < $1', values: [100] });
  expect(extended.rowCount).toBe(300_000);
});

test('an error after rows were sent ends the statement with its SQLSTATE; the connection stays usable', async () => {
  // Row 2,500 divides by zero after 2,499 rows went out.
  const err = await client.query('SELECT id, 1 / (2500 - id) AS q FROM budget_t ORDER BY id').then(
    () => null,
    (e: { code?: string }) => e,
  );
  expect(err?.code).toBe('22012');
  const inBlock = await client.query('BEGIN').then(() => client.query('SELECT 1 / (id - 2000) FROM budget_t').then(() => null, (e: { code?: string }) => e));
  expect(inBlock?.code).toBe('22012');
  const failed = await client.query('SELECT 1').then(() => null, (e: { code?: string }) => e);
  expect(failed?.code).toBe('25P02');
  await client.query('ROLLBACK');
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
