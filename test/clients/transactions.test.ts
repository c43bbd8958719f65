// Transaction blocks through node-postgres against a running node: rollback, commit, own writes,
// isolation from other connections, savepoints, dropped connections and concurrent updates.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startClientTarget } from '../support/target.js';
import type { ClientTarget } from '../support/target.js';

/** Above FRAGMENT_ROWS_MIN (query/distribute/partition-fragments.ts): aggregates run in the data engines. */
const bigRowsDoublings = 15;
const bigRowsCount = 2 ** bigRowsDoublings;

let target: ClientTarget;
let client: pg.Client;

async function connect(): Promise<pg.Client> {
  const c = new pg.Client({ ...target.conn, connectionTimeoutMillis: 10_000 });
  await c.connect();
  return c;
}

async function sqlstateOf(c: pg.Client, text: string): Promise<string> {
  try {
    await c.query(text);
  } catch (e) {
    return String((e as { code?: unknown }).code);
  }
  throw new Error(`expected ${text.slice(0, 80)} to fail`);
}

async function count(c: pg.Client, where: string): Promise<number> {
  const r = await c.query(`SELECT count(*)::int AS n FROM tx_acct WHERE ${where}`);
  return (r.rows[0] as { n: number }).n;
}

beforeAll(async () => {
  target = await startClientTarget();
  client = await connect();
  await client.query('DROP TABLE IF EXISTS tx_acct');
  await client.query('DROP TABLE IF EXISTS tx_big');
  await client.query('CREATE TABLE tx_acct (id int PRIMARY KEY, balance int NOT NULL)');
  await client.query('CREATE TABLE tx_big (id int PRIMARY KEY, v int NOT NULL)');
  // Doubling on the server is faster than sending the rows.
  await client.query('INSERT INTO tx_big VALUES (1, 1)');
  for (let n = 1; n < bigRowsCount; n *= 2) await client.query(`INSERT INTO tx_big SELECT id + ${n}, v FROM tx_big`);
});

afterAll(async () => {
  await client?.query('DROP TABLE IF EXISTS tx_acct').catch(() => undefined);
  await client?.query('DROP TABLE IF EXISTS tx_big').catch(() => undefined);
  await client?.end().catch(() => undefined);
  await target?.stop();
});

describe('transaction blocks', () => {
  test('BEGIN, INSERT, ROLLBACK leaves nothing; COMMIT keeps everything', async () => {
    await client.query('BEGIN');
    await client.query('INSERT INTO tx_acct VALUES (1, 10), (2, 20)');
    expect((await client.query('ROLLBACK')).command).toBe('ROLLBACK');
    expect(await count(client, 'id IN (1, 2)')).toBe(0);
    await client.query('BEGIN');
    await client.query('INSERT INTO tx_acct VALUES (1, 10), (2, 20)');
    await client.query('COMMIT');
    expect(await count(client, 'id IN (1, 2)')).toBe(2);
  });

  test('own writes are visible inside the block (lookup, scan, large aggregate) and invisible to another connection until COMMIT', async () => {
    const other = await connect();
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO tx_acct VALUES (10, 100)');
      await client.query(`INSERT INTO tx_big VALUES (${bigRowsCount + 1}, 1000)`);
      await client.query('UPDATE tx_big SET v = 2 WHERE id = 1');
      expect((await client.query('SELECT balance FROM tx_acct WHERE id = $1', [10])).rows).toEqual([{ balance: 100 }]);
      expect((await client.query('SELECT id FROM tx_acct WHERE balance >= 100')).rows).toEqual([{ id: 10 }]);
      const agg = await client.query('SELECT count(*)::int AS n, sum(v)::int AS s FROM tx_big');
      expect(agg.rows).toEqual([{ n: bigRowsCount + 1, s: bigRowsCount + 1000 + 1 }]);
      expect(await count(other, 'id = 10')).toBe(0);
      const otherAgg = await other.query('SELECT count(*)::int AS n, sum(v)::int AS s FROM tx_big');
      expect(otherAgg.rows).toEqual([{ n: bigRowsCount, s: bigRowsCount }]);
      await client.query('COMMIT');
      expect(await count(other, 'id = 10')).toBe(1);
      expect((await other.query('SELECT sum(v)::int AS s FROM tx_big')).rows).toEqual([{ s: bigRowsCount + 1000 + 1 }]);
    } finally {
      await other.end();
    }
  });

  test('UPDATE and DELETE inside a block, then ROLLBACK, restore the rows', async () => {
    await client.query('INSERT INTO tx_acct VALUES (20, 1), (21, 2)');
    await client.query('BEGIN');
    await client.query('UPDATE tx_acct SET balance = 0 WHERE id = 20');
    await client.query('DELETE FROM tx_acct WHERE id = 21');
    expect(await count(client, 'id IN (20, 21) AND balance = 0')).toBe(1);
    await client.query('ROLLBACK');
    expect((await client.query('SELECT id, balance FROM tx_acct WHERE id IN (20, 21) ORDER BY id')).rows).toEqual([
      { id: 20, balance: 1 },
      { id: 21, balance: 2 },
    ]);
  });

  test('an error in the block: COMMIT answers ROLLBACK and nothing is kept', async () => {
    await client.query('BEGIN');
    await client.query('INSERT INTO tx_acct VALUES (30, 1)');
    expect(await sqlstateOf(client, 'INSERT INTO tx_acct VALUES (20, 1)')).toBe('23505');
    expect(await sqlstateOf(client, 'SELECT 1')).toBe('25P02');
    expect((await client.query('COMMIT')).command).toBe('ROLLBACK');
    expect(await count(client, 'id = 30')).toBe(0);
  });

  test('a dropped connection discards its block', async () => {
    const c = await connect();
    await c.query('BEGIN');
    await c.query('INSERT INTO tx_acct VALUES (40, 1)');
    await c.end();
    expect(await count(client, 'id = 40')).toBe(0);
  });

  test('SAVEPOINT, ROLLBACK TO SAVEPOINT and RELEASE SAVEPOINT', async () => {
    await client.query('BEGIN');
    await client.query('INSERT INTO tx_acct VALUES (50, 1)');
    await client.query('SAVEPOINT s1');
    await client.query('INSERT INTO tx_acct VALUES (51, 1)');
    expect(await sqlstateOf(client, 'INSERT INTO tx_acct VALUES (50, 2)')).toBe('23505');
    await client.query('ROLLBACK TO SAVEPOINT s1');
    await client.query('INSERT INTO tx_acct VALUES (52, 1)');
    await client.query('SAVEPOINT s2');
    await client.query('UPDATE tx_acct SET balance = 5 WHERE id = 52');
    await client.query('RELEASE SAVEPOINT s2');
    expect(await sqlstateOf(client, 'ROLLBACK TO SAVEPOINT s2')).toBe('3B001');
    await client.query('ROLLBACK');
    expect(await sqlstateOf(client, 'SAVEPOINT s3')).toBe('25P01');
    await client.query('BEGIN');
    await client.query('INSERT INTO tx_acct VALUES (50, 1)');
    await client.query('SAVEPOINT s1');
    await client.query('INSERT INTO tx_acct VALUES (51, 1)');
    await client.query('ROLLBACK TO s1');
    await client.query('INSERT INTO tx_acct VALUES (52, 1)');
    await client.query('COMMIT');
    expect((await client.query('SELECT id FROM tx_acct WHERE id BETWEEN 50 AND 59 ORDER BY id')).rows).toEqual([{ id: 50 }, { id: 52 }]);
  });

  test('two blocks updating the same row never lose an update', async () => {
    await client.query('INSERT INTO tx_acct VALUES (60, 100)');
    const a = await connect();
    const b = await connect();
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      await a.query('UPDATE tx_acct SET balance = balance - 10 WHERE id = 60');
      // PostgreSQL makes b wait for a's row lock; eon lets it run and decides at COMMIT.
      const bUpdate = b.query('UPDATE tx_acct SET balance = balance - 10 WHERE id = 60');
      await a.query('COMMIT');
      await bUpdate;
      let committed = 1;
      try {
        await b.query('COMMIT');
        committed++;
      } catch (e) {
        expect((e as { code?: string }).code).toBe('40001');
      }
      if (target.kind === 'eon') expect(committed).toBe(1);
      expect((await client.query('SELECT balance FROM tx_acct WHERE id = 60')).rows).toEqual([{ balance: 100 - 10 * committed }]);
    } finally {
      await a.end();
      await b.end();
    }
  });

  test('SERIALIZABLE is refused with 0A000 (eon provides READ COMMITTED); READ COMMITTED is accepted', async () => {
    if (target.kind === 'eon') {
      expect(await sqlstateOf(client, 'BEGIN ISOLATION LEVEL SERIALIZABLE')).toBe('0A000');
      expect(await sqlstateOf(client, 'BEGIN ISOLATION LEVEL REPEATABLE READ')).toBe('0A000');
    }
    await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    await client.query('SET TRANSACTION ISOLATION LEVEL READ COMMITTED');
    expect((await client.query('SHOW transaction_isolation')).rows).toEqual([{ transaction_isolation: 'read committed' }]);
    await client.query('COMMIT');
  });
});
