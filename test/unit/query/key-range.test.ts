// Primary-key prefix and range reads in the query layer: the key_range rule's plan choice (EXPLAIN
// shows a Key Range Scan for equality on leading key columns and a bound on the next one, a point
// lookup for the whole key, a secondary index when it fixes more columns, a scan otherwise), which
// such scans stay on the coordinator, and UPDATE/DELETE through them, in and outside blocks.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openTestEngine, results, type TestEngine } from '../../support/engine.js';

let e: TestEngine;

beforeAll(async () => {
  e = openTestEngine({ name: 'key-range' });
  await e.rows(`
    CREATE TABLE kr (o int8, l int4, v text, PRIMARY KEY (o, l));
    INSERT INTO kr SELECT i / 4, i % 4, 'v' || i FROM generate_series(0, 399) AS s(i);
    CREATE TABLE krd (d date, t text, n numeric(8,2), x int, PRIMARY KEY (d, t, n));
    INSERT INTO krd SELECT DATE '2024-01-01' + i % 5, 't' || (i % 3), i * 0.5, i FROM generate_series(1, 60) AS s(i);
    CREATE INDEX kr_v ON kr (v);
  `);
});

afterAll(() => e.close());

async function plan(sql: string): Promise<string> {
  return (await e.rows(`EXPLAIN ${sql}`)).map((r) => String(r[0])).join('\n');
}
const ints = async (sql: string): Promise<number[]> => (await e.rows(sql)).map((r) => Number(r[0]));

describe('plan choice', () => {
  it('reads a key prefix, a prefix and a bound, or a bound on the first key column by key range', async () => {
    expect(await plan('SELECT v FROM kr WHERE o = 7')).toContain('Key Range Scan on kr (o = 7::bigint)');
    expect(await plan('SELECT v FROM kr WHERE o = 7 AND l >= 2')).toContain('Key Range Scan on kr (o = 7::bigint, l >= 2::integer)');
    expect(await plan('SELECT v FROM kr WHERE 2 < l AND o = 7')).toContain('Key Range Scan on kr (o = 7::bigint, l > 2::integer)');
    expect(await plan('SELECT v FROM kr WHERE o BETWEEN 10 AND 20')).toContain('Key Range Scan on kr (o >= 10::bigint, o <= 20::bigint)');
  });

  it('keeps the point lookup, a better secondary index, and scans without a leading key condition', async () => {
    expect(await plan('SELECT v FROM kr WHERE o = 7 AND l = 1')).toContain('Point Lookup on kr');
    expect(await plan("SELECT v FROM kr WHERE v = 'v3' AND o > 0")).toContain('Index Scan using kr_v');
    expect(await plan('SELECT v FROM kr WHERE l = 1')).toContain('Partition Scan on kr');
    expect(await plan('SELECT v FROM kr WHERE o + 1 = 7')).toContain('Partition Scan on kr');
    expect(await plan('SELECT v FROM kr WHERE o = 7 OR o = 8')).toContain('Partition Scan on kr');
  });

  it('reads a key range of a large table on the coordinator, and sends an open range with no fixed column to the data engines', async () => {
    await e.rows('CREATE TABLE krbig (o int8, l int4, q int4, PRIMARY KEY (o, l)); INSERT INTO krbig SELECT (j * 6800 + i) / 4, i % 4, j * 6800 + i FROM generate_series(0, 6799) AS s(i), generate_series(0, 2) AS t(j)');
    expect(await plan('SELECT sum(q) FROM krbig WHERE o = 7')).toContain('Key Range Scan on krbig (o = 7::bigint)');
    expect(await plan('SELECT sum(q) FROM krbig WHERE o BETWEEN 100 AND 200')).toContain('Key Range Scan on krbig (o >= 100::bigint, o <= 200::bigint)');
    const open = await plan('SELECT sum(q) FROM krbig WHERE o > 100');
    expect(open).toContain('Partial Aggregate  [fragment');
    expect(open).toContain('Partition Scan on krbig (4 partitions)');
    expect(await plan('SELECT q FROM krbig WHERE o < 100')).toContain('Partition Scan on krbig (4 partitions)  [fragment');
    expect(await plan('SELECT q FROM krbig WHERE o = 5 AND l > 1')).toContain('Key Range Scan on krbig (o = 5::bigint, l > 1::integer)');
    expect(await ints('SELECT sum(q)::int FROM krbig WHERE o = 7')).toEqual([28 + 29 + 30 + 31]);
    expect(await ints('SELECT count(*)::int FROM krbig WHERE o > 100')).toEqual([20400 - 404]);
  });

  it('leaves the rest of the WHERE as a filter on the rows found', async () => {
    const p = await plan("SELECT v FROM kr WHERE o = 7 AND v <> 'x'");
    expect(p).toContain('Key Range Scan on kr (o = 7::bigint)');
    expect(p).toContain('Filter:');
  });
});

describe('answers', () => {
  it('reads exactly the rows in range, with every operator and with parameters', async () => {
    expect(await ints('SELECT l FROM kr WHERE o = 7 ORDER BY l')).toEqual([0, 1, 2, 3]);
    expect(await ints('SELECT l FROM kr WHERE o = 7 AND l > 1 ORDER BY l')).toEqual([2, 3]);
    expect(await ints('SELECT l FROM kr WHERE o = 7 AND l <= 1 ORDER BY l')).toEqual([0, 1]);
    expect(await ints('SELECT l FROM kr WHERE o = 7 AND l < 1 ORDER BY l')).toEqual([0]);
    expect(await ints('SELECT l FROM kr WHERE o = 7 AND l >= 3 ORDER BY l')).toEqual([3]);
    expect(await ints('SELECT count(*) FROM kr WHERE o BETWEEN 10 AND 19')).toEqual([40]);
    expect(await ints('SELECT count(*) FROM kr WHERE o BETWEEN 19 AND 10')).toEqual([0]);
    expect(await ints('SELECT count(*) FROM kr WHERE o = 1000')).toEqual([0]);
    expect(await ints('SELECT count(*) FROM kr WHERE o = NULL')).toEqual([0]);
    const prepared = await e.session.prepare('SELECT l FROM kr WHERE o = $1 AND l >= $2 ORDER BY l');
    expect((await prepared.execute([9n, 2])).rows.map((r) => r[0])).toEqual([2, 3]);
    expect((await prepared.execute([10n, 0])).rows.map((r) => r[0])).toEqual([0, 1, 2, 3]);
    expect((await prepared.execute([null, 0])).rows).toEqual([]);
    const del = await e.session.prepare('DELETE FROM krd WHERE d = $1 AND t = $2 RETURNING x');
    expect((await del.execute([null, 't1'])).rows).toEqual([]);
    expect(await ints("SELECT x FROM krd WHERE d = DATE '2024-01-02' AND t = 't1' AND n > 10 ORDER BY x")).toEqual([31, 46]);
  });

  it('updates and deletes by key range (not by a scan), RETURNING the rows', async () => {
    const ranges = vi.spyOn(e.store, 'rowsInKeyRange');
    const scans = vi.spyOn(e.store, 'scanRows');
    await e.rows('CREATE TABLE krw AS SELECT * FROM kr');
    await e.rows('CREATE TABLE kru (o int8, l int4, v text, PRIMARY KEY (o, l)); INSERT INTO kru SELECT * FROM kr');
    expect(await e.rows("UPDATE kru SET v = 'u' WHERE o = 5 AND l >= 2 RETURNING l")).toEqual([[2], [3]]);
    expect(await e.rows("SELECT l, v FROM kru WHERE o = 5 ORDER BY l")).toEqual([[0, 'v20'], [1, 'v21'], [2, 'u'], [3, 'u']]);
    // A key column changes: rows move within the range without colliding.
    await e.rows('UPDATE kru SET l = l + 10 WHERE o = 6');
    expect(await ints('SELECT l FROM kru WHERE o = 6 ORDER BY l')).toEqual([10, 11, 12, 13]);
    const deleted = await e.rows('DELETE FROM kru WHERE o BETWEEN 90 AND 95 RETURNING o, l');
    expect(deleted).toHaveLength(24);
    expect(await ints('SELECT count(*) FROM kru')).toEqual([376]);
    expect(ranges).toHaveBeenCalledTimes(5);
    expect(scans).not.toHaveBeenCalled();
    vi.restoreAllMocks();
  });

  it('loses no update when statements update the same key range at once', async () => {
    await e.rows('CREATE TABLE krc (o int8, l int4, n int4, PRIMARY KEY (o, l)); INSERT INTO krc VALUES (1, 0, 0), (1, 1, 0), (1, 2, 0), (2, 0, 0)');
    await Promise.all(Array.from({ length: 12 }, () => results(e.open(), 'UPDATE krc SET n = n + 1 WHERE o = 1 AND l >= 1')));
    expect(await e.rows('SELECT l, n FROM krc ORDER BY o, l')).toEqual([[0, 0], [1, 12], [2, 12], [0, 0]]);
  });

  it('sees a transaction block\'s own writes in range', async () => {
    await e.rows(`
      BEGIN;
      INSERT INTO kru VALUES (7, 9, 'new');
      DELETE FROM kru WHERE o = 7 AND l = 0;
      UPDATE kru SET v = 'blk' WHERE o = 7 AND l >= 1;
    `);
    expect(await e.rows('SELECT l, v FROM kru WHERE o = 7 ORDER BY l')).toEqual([[1, 'blk'], [2, 'blk'], [3, 'blk'], [9, 'blk']]);
    expect((await ints('DELETE FROM kru WHERE o = 7 AND l > 2 RETURNING l')).sort()).toEqual([3, 9]);
    await e.rows('COMMIT');
    expect(await e.rows('SELECT l, v FROM kru WHERE o = 7 ORDER BY l')).toEqual([[1, 'blk'], [2, 'blk']]);
  });
});
