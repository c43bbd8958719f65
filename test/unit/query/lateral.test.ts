// LATERAL in-process: the binder's errors (PostgreSQL's texts, details and hints), EXPLAIN's
// lateral nodes, the per-call row bound of table functions and cancellation of the per-row loop.
// Results are checked against PostgreSQL in test/sql/lateral.sql.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSTANT_ROWS_MAX } from '../../../query/bind/table-function.js';
import { openTestEngine } from '../../support/engine.js';

describe('LATERAL through a session', () => {
  const t = openTestEngine({ name: 'lateral' });
  beforeAll(async () => {
    await t.rows('CREATE TABLE lat_a (id int PRIMARY KEY, n int); CREATE TABLE lat_b (id int PRIMARY KEY, a_id int, v int)');
    await t.rows('INSERT INTO lat_a VALUES (1, 2), (2, NULL), (3, 0); INSERT INTO lat_b VALUES (10, 1, 5), (11, 1, 6), (12, 3, 7)');
  });
  afterAll(() => t.close());

  it('refuses a plain subquery reading an earlier FROM item, with PostgreSQL\'s hint', async () => {
    const e = await t.errorOf('SELECT * FROM lat_a a, (SELECT v FROM lat_b b WHERE b.a_id = a.id) s');
    expect(e.sqlstate).toBe('42P01');
    expect(e.message).toBe('invalid reference to FROM-clause entry for table "a"');
    expect(e.hint).toBe('There is an entry for table "a", but it cannot be referenced from this part of the query.');
  });

  it('refuses a reference to a later FROM item as missing', async () => {
    const e = await t.errorOf('SELECT * FROM LATERAL (SELECT a.id) s, lat_a a');
    expect(e.sqlstate).toBe('42P01');
    expect(e.message).toBe('missing FROM-clause entry for table "a"');
  });

  it('refuses RIGHT and FULL JOIN LATERAL reading the left side (42P10)', async () => {
    for (const join of ['RIGHT', 'FULL']) {
      const e = await t.errorOf(`SELECT * FROM lat_a a ${join} JOIN LATERAL (SELECT v FROM lat_b b WHERE b.a_id = a.id) s ON true`);
      expect(e.sqlstate).toBe('42P10');
      expect(e.message).toBe('invalid reference to FROM-clause entry for table "a"');
      expect(e.detail).toBe('The combining JOIN type must be INNER or LEFT for a LATERAL reference.');
    }
    const f = await t.errorOf('SELECT * FROM lat_a a RIGHT JOIN generate_series(1, a.n) g ON true');
    expect(f.sqlstate).toBe('42P10');
  });

  it('shows the per-row loop and function scans in EXPLAIN', async () => {
    const text = async (sql: string) => (await t.rows(`EXPLAIN ${sql}`)).map((r) => String(r[0])).join('\n');
    expect(await text('SELECT * FROM lat_a a, LATERAL (SELECT v FROM lat_b b WHERE b.a_id = a.id ORDER BY v DESC LIMIT 1) s')).toContain('Nested Loop (lateral)');
    const left = await text('SELECT * FROM lat_a a LEFT JOIN LATERAL (SELECT count(*) AS c FROM lat_b b WHERE b.a_id = a.id) s ON true');
    expect(left).toContain('Nested Loop Left Join (lateral)');
    expect(left).toContain('Aggregate');
    expect(await text('SELECT * FROM lat_a a, generate_series(1, a.n) g')).toMatch(/Nested Loop \(lateral\)\n.*Partition Scan on lat_a.*\n.*Function Scan on generate_series\(.*outer\.n\)/);
    // Tied to the left row by an equality alone: one hash join, not a loop.
    const hashed = await text('SELECT a.id, s.v FROM lat_a a LEFT JOIN LATERAL (SELECT v FROM lat_b b WHERE b.a_id = a.id) s ON true');
    expect(hashed).toContain('Hash Left Join on id = right.a_id');
    expect(hashed).not.toContain('lateral');
    // A LATERAL item that reads no earlier item is an ordinary join.
    expect(await text('SELECT * FROM lat_a a, LATERAL (SELECT v FROM lat_b) s')).not.toContain('lateral');
  });

  it('streams table functions of any length, per call and over constants', async () => {
    // lat_a's row 1 has n = 2: 100,000 rows from one call.
    expect(await t.rows(`SELECT count(*), sum(g) FROM lat_a a, generate_series(1, a.n * 50000) g WHERE a.id = 1`)).toEqual([[100000n, 5000050000n]]);
    // Past CONSTANT_ROWS_MAX a constant series is no VALUES list: it streams as it runs.
    const n = CONSTANT_ROWS_MAX * 20;
    expect(await t.rows(`SELECT count(*), sum(g), min(g), max(g) FROM generate_series(1, ${n}) g`)).toEqual([[BigInt(n), BigInt((n * (n + 1)) / 2), 1, n]]);
    expect((await t.rows(`EXPLAIN SELECT * FROM generate_series(1, ${n}) g`)).map((r) => String(r[0])).join('\n')).toContain('Function Scan on generate_series');
    expect(await t.rows(`SELECT count(*) FROM generate_series(${n}, 1, -3) g`)).toEqual([[BigInt(Math.floor((n - 1) / 3) + 1)]]);
    // int8 beyond the doubles' exact range stays exact.
    expect(await t.rows('SELECT g FROM generate_series(9007199254740990::int8, 9007199254740994::int8, 2) g')).toEqual([[9007199254740990n], [9007199254740992n], [9007199254740994n]]);
    expect(await t.rows(`SELECT count(*) FROM generate_series(9007199254730000::int8, 9007199254750000::int8) g`)).toEqual([[20001n]]);
  });

  it('stops the per-row loop at statement_timeout (57014)', async () => {
    const e = await t.errorOf(
      "SET statement_timeout = '300ms'; SELECT count(*) FROM generate_series(1, 10000) g, LATERAL (SELECT count(*) AS c FROM generate_series(1, g.g * 50) h WHERE h.h % 7 = 0) s",
    );
    expect(e.code).toBe('query_canceled');
    await t.rows('RESET statement_timeout');
  });
});
