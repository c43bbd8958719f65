// A script of several statements as one implicit transaction (what the differential file
// test/sql/implicit_transactions.sql cannot show: early stops, failing row streams, the statements
// run alone, a cluster), and errors failing a block whichever call reported them (Parse, noteError).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standaloneClusterInfo } from '../../../query/index.js';
import type { QueryResult, Session } from '../../../query/index.js';
import { openTestEngine, results, run, type TestEngine } from '../../support/engine.js';
import { sqlstateOf } from '../../support/errors.js';

let db: TestEngine;

async function ids(session: Session, table = 'it'): Promise<unknown[]> {
  return (await run(session, `SELECT id FROM ${table} ORDER BY id`)).map((r) => r[0]);
}

beforeAll(async () => {
  db = openTestEngine({ name: 'implicit-transactions' });
  await run(db.open(), 'CREATE TABLE it (id int PRIMARY KEY, v int)');
  await run(db.open(), 'CREATE TABLE big (id int PRIMARY KEY, v int NOT NULL)');
  await run(db.open(), `INSERT INTO big SELECT g, g FROM generate_series(1, 5000) AS g`);
});

afterAll(() => db?.close());

describe('a multi-statement script', () => {
  it('rolls back at an error; a one-statement script still commits on its own', async () => {
    const s = db.open();
    expect(await sqlstateOf(results(s, 'INSERT INTO it VALUES (1, 1); SELECT 1 / 0'))).toBe('22012');
    expect(s.transactionStatus).toBe('I');
    expect(await sqlstateOf(results(s, 'SELECT 1 / 0'))).toBe('22012');
    await run(s, 'INSERT INTO it VALUES (2, 2)');
    expect(await ids(s)).toEqual([2]);
    await run(s, 'DELETE FROM it');
  });

  it('keeps nothing when the caller stops reading its results before the end', async () => {
    const s = db.open();
    const script = s.executeScript('INSERT INTO it VALUES (3, 3); SELECT 1 AS one; INSERT INTO it VALUES (4, 4)');
    expect((await script.next()).value).toMatchObject({ command: 'INSERT', rowCount: 1 });
    await script.return(undefined);
    expect(s.transactionStatus).toBe('I');
    expect(await ids(s)).toEqual([]);
  });

  it('is undone when its last SELECT fails while the rows stream out', async () => {
    const s = db.open();
    const read = async (): Promise<void> => {
      for await (const r of s.executeScript('INSERT INTO it VALUES (5, 5); SELECT v / (v - 4000) AS q FROM big', { streamRows: true })) {
        if (r.rowStream !== undefined) for await (const batch of r.rowStream.batches) void batch;
      }
    };
    expect(await sqlstateOf(read())).toBe('22012');
    expect(s.transactionStatus).toBe('I');
    expect(await ids(s)).toEqual([]);
  });

  it('commits before a caller that reads the last rows after the script (REST) reads them', async () => {
    const s = db.open();
    let last: QueryResult | null = null;
    for await (const r of s.executeScript('INSERT INTO it SELECT g, g FROM generate_series(1, 3000) AS g; SELECT id FROM it WHERE id % 1000 = 0 ORDER BY id', { streamRows: true })) last = r;
    const rows: unknown[] = [...(last?.rows ?? [])].map((r) => r[0]);
    if (last?.rowStream !== undefined) for await (const batch of last.rowStream.batches) rows.push(...batch.map((r) => r[0]));
    expect(rows).toEqual([1000, 2000, 3000]);
    expect(s.transactionStatus).toBe('I');
    expect(await ids(db.open())).toHaveLength(3000);
    await run(s, 'DELETE FROM it');
  });

  it('leaves BEGIN open after the script, holding the statements before it', async () => {
    const s = db.open();
    await run(s, 'INSERT INTO it VALUES (6, 6); BEGIN; INSERT INTO it VALUES (7, 7)');
    expect(s.transactionStatus).toBe('T');
    expect(await ids(db.open())).toEqual([]);
    await run(s, 'ROLLBACK');
    expect(await ids(s)).toEqual([]);
  });

  it('runs the statements eon runs only outside a block alone: what came before them commits', async () => {
    const s = db.open();
    // PostgreSQL would undo all three; eon keeps the INSERT and the index (README "Transactions").
    expect(await sqlstateOf(results(s, 'INSERT INTO it VALUES (8, 8); CREATE INDEX it_v ON it (v); SELECT 1 / 0'))).toBe('22012');
    expect(await ids(s)).toEqual([8]);
    expect(db.store.getTable('it')?.indexes?.map((i) => i.name)).toEqual(['it_v']);
    // After it a new implicit transaction starts: the error undoes the INSERT that follows.
    expect(await sqlstateOf(results(s, 'INSERT INTO it VALUES (9, 9); ALTER TABLE it ADD COLUMN w int; INSERT INTO it VALUES (10, 10); SELECT 1 / 0'))).toBe('22012');
    expect(await ids(s)).toEqual([8, 9]);
    await run(s, 'DROP INDEX it_v; ALTER TABLE it DROP COLUMN w; DELETE FROM it');
  });

  it('runs ANALYZE alone, so it counts the rows the script wrote before it', async () => {
    const s = db.open();
    await run(s, 'INSERT INTO it SELECT g, g FROM generate_series(1, 50) AS g; ANALYZE it; DELETE FROM it WHERE id > 40');
    expect(db.store.tableStatistics(db.store.getTable('it')!)?.rows).toBe(50);
    expect(await ids(s)).toHaveLength(40);
    await run(s, 'DELETE FROM it');
  });

  it('refuses VACUUM and CREATE INDEX CONCURRENTLY in any block with 25001, and runs them alone as before', async () => {
    const s = db.open();
    await run(s, 'BEGIN');
    expect(await sqlstateOf(results(s, 'VACUUM it'))).toBe('25001');
    await run(s, 'ROLLBACK; BEGIN');
    expect(await sqlstateOf(results(s, 'CREATE INDEX CONCURRENTLY it_c ON it (v)'))).toBe('25001');
    await run(s, 'ROLLBACK');
    expect(await sqlstateOf(results(s, 'SELECT 1 AS one; VACUUM it'))).toBe('25001');
    expect((await results(s, 'VACUUM it'))[0]!.command).toBe('VACUUM');
    expect((await results(s, 'CREATE INDEX CONCURRENTLY it_c ON it (v)'))[0]!.command).toBe('CREATE INDEX');
    await run(s, 'DROP INDEX it_c');
  });
});

describe('errors fail a transaction block whichever call reports them', () => {
  it('a failing Parse fails the block; then only its end may be parsed', async () => {
    const s = db.open();
    await run(s, 'BEGIN');
    expect(await sqlstateOf(s.prepare('SELECT id FROM it_missing'))).toBe('42P01');
    expect(s.transactionStatus).toBe('E');
    expect(await sqlstateOf(s.prepare('SELECT 1'))).toBe('25P02');
    expect(await sqlstateOf(s.prepare('SELEC 1'))).toBe('42601'); // the syntax is checked first, as in PostgreSQL
    const commit = await s.prepare('COMMIT');
    expect((await commit.execute([])).command).toBe('ROLLBACK');
    expect(s.transactionStatus).toBe('I');
  });

  it('noteError fails an open block and leaves an idle session idle', async () => {
    const s = db.open();
    s.noteError();
    expect(s.transactionStatus).toBe('I');
    await run(s, 'BEGIN');
    s.noteError();
    expect(s.transactionStatus).toBe('E');
    expect(await sqlstateOf(results(s, 'SELECT 1'))).toBe('25P02');
    await run(s, 'ROLLBACK');
  });
});

describe('on a cluster of several nodes', () => {
  it('runs a multi-statement script statement by statement, as before', async () => {
    const two = openTestEngine({
      name: 'implicit-cluster',
      partitions: 2,
      cluster: (store) => {
        const alone = standaloneClusterInfo(store);
        const view = alone.view();
        return { ...alone, view: () => ({ ...view, members: [...view.members, { ...view.members[0]!, id: 'other' }] }) };
      },
    });
    try {
      const s = two.open();
      await run(s, 'CREATE TABLE ct (id int PRIMARY KEY)');
      expect(await sqlstateOf(results(s, 'INSERT INTO ct VALUES (1); SELECT 1 / 0; INSERT INTO ct VALUES (2)'))).toBe('22012');
      expect(await ids(s, 'ct')).toEqual([1]);
    } finally {
      await two.close();
    }
  });
});
