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

test('REST streams a long JSON result and answers a short one whole, errors included', async () => {
  const query = (sql: string): Promise<Response> =>
    fetch(`http://127.0.0.1:${node.httpPort}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sql }) });
  const long = await query('SELECT a.id, b.id AS bid FROM budget_t a CROSS JOIN budget_t b WHERE a.id < 100');
  expect(long.status).toBe(200);
  const body = (await long.json()) as { rows: number[][]; rowCount: number; command: string };
  expect([body.rowCount, body.rows.length, body.command]).toEqual([300_000, 300_000, 'SELECT']);
  expect(body.rows.some(([a, b]) => a === 99 && b === 2999)).toBe(true);
  // Within the first rows an error still gets its status and JSON body.
  const early = await query('SELECT 1 / (id - 5) FROM budget_t ORDER BY id');
  expect(early.status).toBe(400);
  expect(((await early.json()) as { error: { code: string } }).error.code).toBe('22012');
  // Past them the head is sent: the error cuts the body off, never a complete JSON document.
  // Rows come as 1, 2, …, 15000 in batches (UNION ALL streams its sides in order): row 12,000 divides by zero.
  const late = await query('SELECT g, 1 / (g - 12000) AS q FROM (SELECT g FROM generate_series(1, 10000) g UNION ALL SELECT g + 10000 FROM generate_series(1, 5000) g) s');
  expect(late.status).toBe(200);
  const text = await late.text().catch(() => null);
  expect(text === null || !text.endsWith('}')).toBe(true);
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
