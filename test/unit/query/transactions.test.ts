// Transaction blocks on one node: the write set, reads overlaid with it (point lookups, coordinator
// scans, and tables large enough for the data engines), savepoints, DDL rules and first-committer-wins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../../query/index.js';
import { FRAGMENT_ROWS_MIN } from '../../../query/distribute/partition-fragments.js';
import { openTestEngine, run, type TestEngine } from '../../support/engine.js';
import { sqlstateOf } from '../../support/errors.js';

const BIG_ROWS = FRAGMENT_ROWS_MIN + 1_000;

let db: TestEngine;

async function tag(session: Session, sql: string): Promise<string> {
  let command = '';
  for await (const r of session.executeScript(sql)) command = r.command;
  return command;
}

beforeAll(async () => {
  db = openTestEngine({ name: 'transactions' });
  const s = db.open();
  await run(s, 'CREATE TABLE acct (id int PRIMARY KEY, balance bigint NOT NULL)');
  await run(s, 'CREATE TABLE big (id int PRIMARY KEY, v int NOT NULL)');
  await run(s, 'CREATE TABLE heap (v int)');
  const big = db.store.getTable('big')!;
  await db.store.write((tx) => {
    for (let i = 1; i <= BIG_ROWS; i++) tx.insert(big, [i, 1]);
  });
});

afterAll(() => db?.close());

describe('commit and rollback', () => {
  it('ROLLBACK leaves nothing; COMMIT keeps everything', async () => {
    const s = db.open();
    await run(s, 'BEGIN');
    await run(s, 'INSERT INTO acct VALUES (100, 1), (101, 2)');
    expect(s.transactionStatus).toBe('T');
    expect(await tag(s, 'ROLLBACK')).toBe('ROLLBACK');
    expect(s.transactionStatus).toBe('I');
    expect(await run(s, 'SELECT count(*) FROM acct WHERE id >= 100')).toEqual([[0n]]);
    await run(s, 'BEGIN; INSERT INTO acct VALUES (100, 1), (101, 2); COMMIT');
    expect(await run(s, 'SELECT id, balance FROM acct WHERE id >= 100 ORDER BY id')).toEqual([
      [100, 1n],
      [101, 2n],
    ]);
    await run(s, 'DELETE FROM acct WHERE id >= 100');
  });

  it('own writes are visible in the block (lookup, scan, RETURNING) and invisible to others until COMMIT', async () => {
    const s = db.open();
    const other = db.open();
    await run(s, 'BEGIN');
    await run(s, 'INSERT INTO acct VALUES (200, 5)');
    expect(await run(s, 'SELECT balance FROM acct WHERE id = 200')).toEqual([[5n]]);
    expect(await run(s, 'SELECT count(*) FROM acct WHERE balance = 5')).toEqual([[1n]]);
    expect(await run(s, 'UPDATE acct SET balance = balance + 1 WHERE id = 200 RETURNING balance')).toEqual([[6n]]);
    expect(await run(other, 'SELECT count(*) FROM acct WHERE id = 200')).toEqual([[0n]]);
    await run(s, 'COMMIT');
    expect(await run(other, 'SELECT balance FROM acct WHERE id = 200')).toEqual([[6n]]);
    await run(s, 'DELETE FROM acct WHERE id = 200');
  });

  it('an aggregate over a table large enough for the data engines sees the block\'s writes', async () => {
    const s = db.open();
    expect(await run(s, 'SELECT count(*), sum(v) FROM big')).toEqual([[BigInt(BIG_ROWS), BigInt(BIG_ROWS)]]);
    await run(s, 'BEGIN');
    await run(s, `INSERT INTO big VALUES (${BIG_ROWS + 1}, 100)`);
    await run(s, 'UPDATE big SET v = 10 WHERE id = 1');
    await run(s, 'DELETE FROM big WHERE id = 2');
    expect(await run(s, 'SELECT count(*), sum(v) FROM big')).toEqual([[BigInt(BIG_ROWS), BigInt(BIG_ROWS - 2 + 100 + 10)]]);
    expect(await run(s, 'SELECT id FROM big WHERE v > 1 ORDER BY id')).toEqual([[1], [BIG_ROWS + 1]]);
    const plan = (await run(s, 'EXPLAIN SELECT count(*) FROM big')).map((r) => String(r[0])).join('\n');
    expect(plan).not.toContain('fragment');
    await run(s, 'ROLLBACK');
    expect(await run(s, 'SELECT count(*), sum(v) FROM big')).toEqual([[BigInt(BIG_ROWS), BigInt(BIG_ROWS)]]);
    const after = (await run(s, 'EXPLAIN SELECT count(*) FROM big')).map((r) => String(r[0])).join('\n');
    expect(after).toContain('fragment');
  });

  it('UPDATE and DELETE inside a block, then ROLLBACK, restore the rows', async () => {
    const s = db.open();
    await run(s, 'INSERT INTO acct VALUES (300, 30), (301, 31)');
    await run(s, 'BEGIN');
    await run(s, 'UPDATE acct SET balance = 0 WHERE id >= 300');
    await run(s, 'DELETE FROM acct WHERE id = 301');
    await run(s, 'UPDATE acct SET id = 302 WHERE id = 300');
    expect(await run(s, 'SELECT id, balance FROM acct WHERE id >= 300 ORDER BY id')).toEqual([[302, 0n]]);
    await run(s, 'ROLLBACK');
    expect(await run(s, 'SELECT id, balance FROM acct WHERE id >= 300 ORDER BY id')).toEqual([
      [300, 30n],
      [301, 31n],
    ]);
    await run(s, 'DELETE FROM acct WHERE id >= 300');
  });

  it('an error fails the block: statements are refused, COMMIT answers ROLLBACK and nothing is kept', async () => {
    const s = db.open();
    await run(s, 'INSERT INTO acct VALUES (400, 1)');
    await run(s, 'BEGIN');
    await run(s, 'INSERT INTO acct VALUES (401, 1)');
    expect(await sqlstateOf(run(s, 'INSERT INTO acct VALUES (400, 2)'))).toBe('23505');
    expect(s.transactionStatus).toBe('E');
    expect(await sqlstateOf(run(s, 'SELECT 1'))).toBe('25P02');
    expect(await tag(s, 'COMMIT')).toBe('ROLLBACK');
    expect(await run(s, 'SELECT id FROM acct WHERE id >= 400 ORDER BY id')).toEqual([[400]]);
    await run(s, 'DELETE FROM acct WHERE id >= 400');
  });

  it('closing the session discards its block', async () => {
    const s = db.open();
    await run(s, 'BEGIN; INSERT INTO acct VALUES (500, 1)');
    s.close();
    expect(await run(db.open(), 'SELECT count(*) FROM acct WHERE id = 500')).toEqual([[0n]]);
  });

  it('tables keyed by hidden row ids: insert, update and delete in a block', async () => {
    const s = db.open();
    await run(s, 'INSERT INTO heap VALUES (1), (2)');
    await run(s, 'BEGIN');
    await run(s, 'INSERT INTO heap VALUES (3), (4)');
    await run(s, 'UPDATE heap SET v = v * 10 WHERE v IN (1, 3)');
    await run(s, 'DELETE FROM heap WHERE v IN (2, 4)');
    expect(await run(s, 'SELECT v FROM heap ORDER BY v')).toEqual([[10], [30]]);
    expect(await run(db.open(), 'SELECT v FROM heap ORDER BY v')).toEqual([[1], [2]]);
    await run(s, 'COMMIT');
    expect(await run(s, 'SELECT v FROM heap ORDER BY v')).toEqual([[10], [30]]);
  });

  it('INSERT … ON CONFLICT DO UPDATE and INSERT … SELECT read the block\'s own rows', async () => {
    const s = db.open();
    await run(s, 'BEGIN');
    await run(s, 'INSERT INTO acct VALUES (600, 1)');
    await run(s, 'INSERT INTO acct VALUES (600, 1) ON CONFLICT (id) DO UPDATE SET balance = acct.balance + 1');
    await run(s, 'INSERT INTO acct SELECT id + 1, balance FROM acct WHERE id = 600');
    expect(await run(s, 'SELECT id, balance FROM acct WHERE id >= 600 ORDER BY id')).toEqual([
      [600, 2n],
      [601, 2n],
    ]);
    await run(s, 'ROLLBACK');
    expect(await run(s, 'SELECT count(*) FROM acct WHERE id >= 600')).toEqual([[0n]]);
  });

  it('COPY FROM STDIN inside a block is held until COMMIT', async () => {
    const s = db.open();
    await run(s, 'BEGIN');
    const sink = s.beginCopyIn('COPY acct FROM STDIN')!;
    await sink.write(new TextEncoder().encode('700\t7\n701\t8\n'));
    expect(await sink.finish()).toBe(2);
    expect(await run(s, 'SELECT balance FROM acct WHERE id >= 700 ORDER BY id')).toEqual([[7n], [8n]]);
    expect(await run(db.open(), 'SELECT count(*) FROM acct WHERE id >= 700')).toEqual([[0n]]);
    await run(s, 'ROLLBACK');
    expect(await run(s, 'SELECT count(*) FROM acct WHERE id >= 700')).toEqual([[0n]]);
  });
});

describe('savepoints', () => {
  it('ROLLBACK TO undoes what followed the savepoint and revives a failed block; RELEASE keeps the writes', async () => {
    const s = db.open();
    await run(s, 'BEGIN');
    await run(s, 'INSERT INTO acct VALUES (800, 1)');
    expect(await tag(s, 'SAVEPOINT a')).toBe('SAVEPOINT');
    await run(s, 'INSERT INTO acct VALUES (801, 1)');
    await run(s, 'UPDATE acct SET balance = 9 WHERE id = 800');
    expect(await sqlstateOf(run(s, 'INSERT INTO acct VALUES (800, 1)'))).toBe('23505');
    expect(s.transactionStatus).toBe('E');
    expect(await tag(s, 'ROLLBACK TO SAVEPOINT a')).toBe('ROLLBACK');
    expect(s.transactionStatus).toBe('T');
    expect(await run(s, 'SELECT id, balance FROM acct WHERE id >= 800 ORDER BY id')).toEqual([[800, 1n]]);
    await run(s, 'SAVEPOINT b');
    await run(s, 'INSERT INTO acct VALUES (802, 2)');
    expect(await tag(s, 'RELEASE SAVEPOINT b')).toBe('RELEASE');
    expect(await sqlstateOf(run(s, 'ROLLBACK TO b'))).toBe('3B001');
    await run(s, 'ROLLBACK TO a');
    await run(s, 'COMMIT');
    expect(await run(s, 'SELECT id FROM acct WHERE id >= 800 ORDER BY id')).toEqual([[800]]);
    await run(s, 'DELETE FROM acct WHERE id >= 800');
  });

  it('savepoint statements outside a block fail with 25P01', async () => {
    const s = db.open();
    expect(await sqlstateOf(run(s, 'SAVEPOINT a'))).toBe('25P01');
    expect(await sqlstateOf(run(s, 'RELEASE a'))).toBe('25P01');
    expect(await sqlstateOf(run(s, 'ROLLBACK TO SAVEPOINT a'))).toBe('25P01');
  });
});

describe('conflicts and isolation', () => {
  it('two blocks updating the same row: the first to commit wins, the other gets 40001', async () => {
    const a = db.open();
    const b = db.open();
    await run(a, 'INSERT INTO acct VALUES (900, 100)');
    await run(a, 'BEGIN; UPDATE acct SET balance = balance - 10 WHERE id = 900');
    await run(b, 'BEGIN; UPDATE acct SET balance = balance - 10 WHERE id = 900');
    await run(a, 'COMMIT');
    expect(await sqlstateOf(run(b, 'COMMIT'))).toBe('40001');
    expect(b.transactionStatus).toBe('I');
    expect(await run(a, 'SELECT balance FROM acct WHERE id = 900')).toEqual([[90n]]);
    await run(a, 'DELETE FROM acct WHERE id = 900');
  });

  it('a key another transaction inserted and committed first fails COMMIT with 23505', async () => {
    const a = db.open();
    await run(a, 'BEGIN; INSERT INTO acct VALUES (950, 1)');
    await run(db.open(), 'INSERT INTO acct VALUES (950, 2)');
    expect(await sqlstateOf(run(a, 'COMMIT'))).toBe('23505');
    expect(await run(a, 'SELECT balance FROM acct WHERE id = 950')).toEqual([[2n]]);
    await run(a, 'DELETE FROM acct WHERE id = 950');
  });

  it('SERIALIZABLE and REPEATABLE READ are refused with 0A000; READ COMMITTED is accepted', async () => {
    const s = db.open();
    expect(await sqlstateOf(run(s, 'BEGIN ISOLATION LEVEL SERIALIZABLE'))).toBe('0A000');
    expect(s.transactionStatus).toBe('I');
    expect(await sqlstateOf(run(s, 'START TRANSACTION ISOLATION LEVEL REPEATABLE READ'))).toBe('0A000');
    expect(await sqlstateOf(run(s, "SET default_transaction_isolation = 'serializable'"))).toBe('0A000');
    expect(await tag(s, 'BEGIN ISOLATION LEVEL READ COMMITTED')).toBe('BEGIN');
    expect(await sqlstateOf(run(s, 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE'))).toBe('0A000');
    await run(s, 'ROLLBACK');
    await run(s, 'BEGIN; SET TRANSACTION ISOLATION LEVEL READ COMMITTED; COMMIT');
    expect(await run(s, 'SHOW transaction_isolation')).toEqual([['read committed']]);
  });
});

describe('DDL in a block', () => {
  it('CREATE TABLE in a block is dropped again by ROLLBACK and kept by COMMIT', async () => {
    const s = db.open();
    await run(s, 'BEGIN; CREATE TABLE tmp1 (id int PRIMARY KEY); INSERT INTO tmp1 VALUES (1)');
    expect(await run(s, 'SELECT id FROM tmp1')).toEqual([[1]]);
    await run(s, 'ROLLBACK');
    expect(await sqlstateOf(run(s, 'SELECT * FROM tmp1'))).toBe('42P01');
    await run(s, 'BEGIN; CREATE TABLE tmp1 (id int PRIMARY KEY); INSERT INTO tmp1 VALUES (1); COMMIT');
    expect(await run(s, 'SELECT id FROM tmp1')).toEqual([[1]]);
  });

  it('DROP TABLE in a block: refused once the block has changed anything, unless the block created the table', async () => {
    const s = db.open();
    await run(s, 'CREATE TABLE keepme (id int)');
    await run(s, 'BEGIN; INSERT INTO keepme VALUES (1)');
    expect(await sqlstateOf(run(s, 'DROP TABLE keepme'))).toBe('0A000');
    await run(s, 'ROLLBACK');
    await run(s, 'BEGIN; SAVEPOINT a');
    expect(await sqlstateOf(run(s, 'DROP TABLE keepme'))).toBe('0A000');
    await run(s, 'ROLLBACK');
    expect(db.store.getTable('keepme')).toBeDefined();
    await run(s, 'BEGIN; CREATE TABLE scratch (id int); INSERT INTO scratch VALUES (1); DROP TABLE scratch; DROP TABLE IF EXISTS nothing_here; COMMIT');
    expect(db.store.getTable('scratch')).toBeUndefined();
    // As the block's first change (psycopg2 scripts: DROP TABLE IF EXISTS, CREATE TABLE, …, commit()).
    await run(s, 'BEGIN; DROP TABLE IF EXISTS keepme; CREATE TABLE keepme (id int PRIMARY KEY); INSERT INTO keepme VALUES (7); COMMIT');
    expect(await run(s, 'SELECT id FROM keepme')).toEqual([[7]]);
  });
});
