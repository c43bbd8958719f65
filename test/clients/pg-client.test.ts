// node-postgres against a running eon node: simple and extended protocol, typed parameters, errors, big statements.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startClientTarget } from '../support/target.js';
import type { ClientTarget } from '../support/target.js';

const rawText = { getTypeParser: () => (value: string) => value };
const bulkRowsCount = 5_000;
const oversizedLiteralBytes = 10 * 1024 * 1024; // 10 MiB
const concurrentClientsCount = 4;

let target: ClientTarget;
let client: pg.Client;

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ ...target.conn, connectionTimeoutMillis: 10_000 });
  await c.connect();
  return c;
}

/** Runs a query expected to fail and returns the server's SQLSTATE. */
async function sqlstateOf(c: pg.Client, text: string, values?: unknown[]): Promise<string> {
  try {
    await c.query(text, values);
  } catch (e) {
    return String((e as { code?: unknown }).code);
  }
  throw new Error(`expected ${text.slice(0, 80)} to fail`);
}

beforeAll(async () => {
  target = await startClientTarget();
  client = await connect();
  await client.query('DROP TABLE IF EXISTS clients_t');
  await client.query('DROP TABLE IF EXISTS clients_bulk');
  await client.query(
    'CREATE TABLE clients_t (id int PRIMARY KEY, name text, big bigint, price numeric(10,2), f float8, ok boolean, d date, ts timestamp)',
  );
});

afterAll(async () => {
  await client?.query('DROP TABLE IF EXISTS clients_t').catch(() => undefined);
  await client?.query('DROP TABLE IF EXISTS clients_bulk').catch(() => undefined);
  await client?.end().catch(() => undefined);
  await target?.stop();
});

describe('simple query protocol', () => {
  test('returns typed rows that node-postgres parses', async () => {
    const r = await client.query("SELECT 1 AS a, 'x' AS b, true AS c, 2.5::float8 AS d, NULL::int AS e");
    expect(r.rows).toEqual([{ a: 1, b: 'x', c: true, d: 2.5, e: null }]);
    expect(r.fields.map((f) => [f.name, f.dataTypeID])).toEqual([
      ['a', 23],
      ['b', 25],
      ['c', 16],
      ['d', 701],
      ['e', 23],
    ]);
    expect(r.command).toBe('SELECT');
    expect(r.rowCount).toBe(1);
  });

  test('several statements in one query string give one result each', async () => {
    const r = (await client.query('SELECT 1 AS x; SELECT 2 AS y, 3 AS z')) as unknown as pg.QueryResult[];
    expect(Array.isArray(r)).toBe(true);
    expect(r.map((x) => x.rows)).toEqual([[{ x: 1 }], [{ y: 2, z: 3 }]]);
  });

  test('command tags of DML', async () => {
    const ins = await client.query("INSERT INTO clients_t (id, name) VALUES (1000, 'a'), (1001, 'b')");
    expect([ins.command, ins.rowCount]).toEqual(['INSERT', 2]);
    const upd = await client.query("UPDATE clients_t SET name = 'c' WHERE id >= 1000");
    expect([upd.command, upd.rowCount]).toEqual(['UPDATE', 2]);
    const del = await client.query('DELETE FROM clients_t WHERE id >= 1000');
    expect([del.command, del.rowCount]).toEqual(['DELETE', 2]);
  });
});

describe('extended query protocol', () => {
  test('parameters of several types round-trip through an INSERT and a SELECT', async () => {
    const values = [1, "it's ü 日本", '9007199254740993', '12345678.91', -1.25e-7, true, '2024-02-29', '2024-02-29 13:14:15.123456'];
    await client.query('INSERT INTO clients_t (id, name, big, price, f, ok, d, ts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', values);
    await client.query('INSERT INTO clients_t (id, name, big, price, f, ok, d, ts) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      2,
      null,
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
    const r = await client.query({
      text: 'SELECT id, name, big, price, f, ok, d, ts FROM clients_t WHERE id = $1',
      values: [1],
      types: rawText,
      rowMode: 'array',
    });
    expect(r.rows).toEqual([['1', "it's ü 日本", '9007199254740993', '12345678.91', '-1.25e-07', 't', '2024-02-29', '2024-02-29 13:14:15.123456']]);
    const nulls = await client.query({ text: 'SELECT name, big, d FROM clients_t WHERE id = $1', values: [2], rowMode: 'array' });
    expect(nulls.rows).toEqual([[null, null, null]]);
  });

  test('parameters in expressions and predicates', async () => {
    const r = await client.query({
      text: 'SELECT $1::int + 1 AS a, $2::text || $3::text AS b, $4::numeric * 2 AS c, $5::bigint - 1 AS d',
      values: [41, 'x', 'y', '1.25', '9007199254740993'],
      types: rawText,
      rowMode: 'array',
    });
    expect(r.rows).toEqual([['42', 'xy', '2.50', '9007199254740992']]);
    const n = await client.query({ text: 'SELECT count(*) AS n FROM clients_t WHERE id > $1 AND id < $2', values: [0, 3], types: rawText });
    expect(n.rows).toEqual([{ n: '2' }]);
  });

  test('a named prepared statement runs many times', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await client.query({ name: 'clients_double', text: 'SELECT $1::int * 2 AS v', values: [i] });
      expect(r.rows).toEqual([{ v: i * 2 }]);
    }
  });

  test('a bad parameter value is 22P02 and the connection stays usable', async () => {
    expect(await sqlstateOf(client, 'SELECT $1::int AS v', ['abc'])).toBe('22P02');
    expect((await client.query('SELECT $1::int AS v', [7])).rows).toEqual([{ v: 7 }]);
  });

  test('a wrong parameter count is 08P01 and the connection stays usable', async () => {
    expect(await sqlstateOf(client, 'SELECT $1::int AS a, $2::int AS b', [1])).toBe('08P01');
    expect((await client.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    expect(await sqlstateOf(client, 'SELECT $1::int AS a', [1, 2])).toBe('08P01');
    expect((await client.query('SELECT 2 AS ok')).rows).toEqual([{ ok: 2 }]);
  });
});

describe('errors keep the connection usable', () => {
  test.each([
    ['syntax error', 'SELEC 1', '42601'],
    ['garbage', "!!! @@@ ### ☃ ')(", '42601'],
    ['unknown table', 'SELECT * FROM clients_no_such_table', '42P01'],
    ['unknown column', 'SELECT nope FROM clients_t', '42703'],
    ['unknown function', 'SELECT clients_no_such_fn(1)', '42883'],
    ['division by zero', 'SELECT 1 / 0', '22012'],
    ['duplicate key', 'INSERT INTO clients_t (id) VALUES (1)', '23505'],
  ])('%s', async (_name, sql, sqlstate) => {
    expect(await sqlstateOf(client, sql)).toBe(sqlstate);
    expect((await client.query('SELECT 3 AS ok')).rows).toEqual([{ ok: 3 }]);
  });

  test('unsupported syntax is refused cleanly (0A000 or 42601) or works', async () => {
    const outcomes: string[] = [];
    for (const sql of ["COMMENT ON TABLE clients_t IS 'x'", 'CREATE INDEX clients_t_name ON clients_t (name)', 'LISTEN clients_channel']) {
      try {
        await client.query(sql);
        outcomes.push('ok');
      } catch (e) {
        outcomes.push(String((e as { code?: unknown }).code));
      }
    }
    for (const o of outcomes) expect(['ok', '0A000', '42601']).toContain(o);
    if (target.kind === 'eon') expect(outcomes.some((o) => o !== 'ok')).toBe(true);
    expect((await client.query('SELECT 4 AS ok')).rows).toEqual([{ ok: 4 }]);
  });
});

describe('large statements', () => {
  test(`a ${bulkRowsCount}-row multi-row INSERT`, async () => {
    await client.query('CREATE TABLE clients_bulk (id int PRIMARY KEY, v text, n numeric(12,2))');
    const rows: string[] = [];
    for (let i = 1; i <= bulkRowsCount; i++) rows.push(`(${i}, 'row ${i}', ${i}.${String(i % 100).padStart(2, '0')})`);
    const ins = await client.query(`INSERT INTO clients_bulk (id, v, n) VALUES ${rows.join(', ')}`);
    expect([ins.command, ins.rowCount]).toEqual(['INSERT', bulkRowsCount]);
    const r = await client.query({ text: 'SELECT count(*) AS c, sum(id) AS s, sum(n) AS sn, max(v) AS mv FROM clients_bulk', types: rawText });
    let sn = 0n;
    for (let i = 1; i <= bulkRowsCount; i++) sn += BigInt(i) * 100n + BigInt(i % 100);
    expect(r.rows).toEqual([
      {
        c: String(bulkRowsCount),
        s: String((bulkRowsCount * (bulkRowsCount + 1)) / 2),
        sn: `${sn / 100n}.${String(sn % 100n).padStart(2, '0')}`,
        mv: 'row 999',
      },
    ]);
    const all = await client.query('SELECT id FROM clients_bulk ORDER BY id');
    expect(all.rows.length).toBe(bulkRowsCount);
    expect(all.rows[bulkRowsCount - 1]).toEqual({ id: bulkRowsCount });
  });

  test('a 10 MiB string literal either works or fails cleanly, and the node keeps serving', async () => {
    const c = await connect();
    c.on('error', () => undefined);
    try {
      const r = await c.query({ text: `SELECT length('${'x'.repeat(oversizedLiteralBytes)}') AS n`, types: rawText });
      expect(r.rows).toEqual([{ n: String(oversizedLiteralBytes) }]);
    } catch (e) {
      // A refusal must be a proper server error (program limit, protocol or syntax), not a dropped socket.
      expect(String((e as { code?: unknown }).code)).toMatch(/^(54000|08P01|42601|53200)$/);
    } finally {
      await c.end().catch(() => undefined);
    }
    const fresh = await connect();
    try {
      expect((await fresh.query('SELECT 5 AS ok')).rows).toEqual([{ ok: 5 }]);
    } finally {
      await fresh.end();
    }
  });
});

test(`${concurrentClientsCount} clients query concurrently`, async () => {
  const clients = await Promise.all(Array.from({ length: concurrentClientsCount }, () => connect()));
  try {
    const results = await Promise.all(
      clients.map(async (c, k) => {
        const sums: number[] = [];
        for (let i = 0; i < 10; i++) sums.push((await c.query('SELECT $1::int + $2::int AS s', [k, i])).rows[0].s as number);
        return sums;
      }),
    );
    results.forEach((sums, k) => expect(sums).toEqual(Array.from({ length: 10 }, (_, i) => k + i)));
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
});
