// Views, CREATE TABLE AS and TRUNCATE on one node, where the differential suites cannot look:
// refusals PostgreSQL does not share (writes into a view it would update, view DDL in a block),
// definitions with non-ASCII text, tables large enough for the data engines, and the cluster
// catalog document that carries views.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAGMENT_ROWS_MIN } from '../../../query/distribute/partition-fragments.js';
import type { Session } from '../../../query/index.js';
import { EMPTY_CATALOG, decodeCatalog, encodeCatalog, withTable, withView, withoutView } from '../../../src/cluster/catalog/index.js';
import { openTestEngine, run, type TestEngine } from '../../support/engine.js';
import { sqlstateOf } from '../../support/errors.js';

const BIG_ROWS = FRAGMENT_ROWS_MIN + 1_000;

let db: TestEngine;

async function tag(session: Session, sql: string): Promise<{ command: string; rowCount: number }> {
  let out = { command: '', rowCount: 0 };
  for await (const r of session.executeScript(sql)) out = { command: r.command, rowCount: r.rowCount };
  return out;
}

beforeAll(async () => {
  db = openTestEngine({ name: 'views' });
  const s = db.open();
  await run(s, 'CREATE TABLE big (id int PRIMARY KEY, g int NOT NULL, v int)');
  await run(s, 'CREATE TABLE small (id int PRIMARY KEY, name text)');
  await run(s, "INSERT INTO small VALUES (1, 'ä'), (2, 'b')");
  const big = db.store.getTable('big')!;
  await db.store.write((tx) => {
    for (let i = 1; i <= BIG_ROWS; i++) tx.insert(big, [i, i % 10, i % 7 === 0 ? null : i]);
  });
  await db.store.compact(big);
});

afterAll(() => db?.close());

describe('views', () => {
  it('refuses writes into a view PostgreSQL would update, with 0A000', async () => {
    const s = db.open();
    await run(s, 'CREATE VIEW small_v AS SELECT id, name FROM small WHERE id > 0');
    expect(await sqlstateOf(run(s, "INSERT INTO small_v VALUES (3, 'c')"))).toBe('0A000');
    expect(await sqlstateOf(run(s, "UPDATE small_v SET name = 'x'"))).toBe('0A000');
    expect(await sqlstateOf(run(s, 'DELETE FROM small_v'))).toBe('0A000');
    await run(s, 'DROP VIEW small_v');
  });

  it('keeps a definition with non-ASCII names and text before and after AS', async () => {
    const s = db.open();
    await run(s, `CREATE VIEW "vü" ("é") AS SELECT name || 'ß' FROM small WHERE name <> 'ö' ORDER BY 1`);
    expect(await run(s, 'SELECT "é" FROM "vü"')).toEqual([['bß'], ['äß']]);
    const [[def]] = (await run(s, "SELECT definition FROM pg_views WHERE viewname = 'vü'")) as [[string]];
    expect(def).toBe(` SELECT name || 'ß' FROM small WHERE name <> 'ö' ORDER BY 1;`);
    await run(s, 'DROP VIEW "vü"');
  });

  it('takes view DDL back at ROLLBACK, a cascade included, and after a failed statement', async () => {
    const s = db.open();
    await run(s, 'CREATE VIEW tx_base AS SELECT id, name FROM small');
    await run(s, 'CREATE VIEW tx_dep AS SELECT id FROM tx_base WHERE id > 1');
    await run(s, 'BEGIN');
    await run(s, 'CREATE VIEW tx_new AS SELECT 1 AS x');
    await run(s, 'DROP VIEW tx_base CASCADE');
    expect(db.store.getView('tx_dep')).toBeUndefined();
    expect(await sqlstateOf(run(s, 'SELECT 1 / 0'))).toBe('22012');
    await run(s, 'ROLLBACK');
    expect(db.store.getView('tx_new')).toBeUndefined();
    expect(await run(s, 'SELECT id FROM tx_dep')).toEqual([[2]]);
    await run(s, 'DROP VIEW tx_base CASCADE');
  });

  it('refuses a replacement that would make a view read itself (42P17)', async () => {
    const s = db.open();
    await run(s, 'CREATE VIEW loop_a AS SELECT id FROM small');
    await run(s, 'CREATE VIEW loop_b AS SELECT id FROM loop_a');
    expect(await sqlstateOf(run(s, 'CREATE OR REPLACE VIEW loop_a AS SELECT id FROM loop_b'))).toBe('42P17');
    expect(await run(s, 'SELECT id FROM loop_b ORDER BY id')).toEqual([[1], [2]]);
    await run(s, 'DROP VIEW loop_a CASCADE');
    expect(db.store.getView('loop_b')).toBeUndefined();
  });

  it('keeps the columns a view had at CREATE when its query now gives more', async () => {
    const s = db.open();
    await db.store.createView({ name: 'narrow', query: 'SELECT id, name FROM small', columns: [{ name: 'id', type: { kind: 'int4' } }], dependsOn: ['small'] });
    expect(await run(s, 'SELECT * FROM narrow ORDER BY 1')).toEqual([[1], [2]]);
    await run(s, 'DROP VIEW narrow');
  });

  it('resolves names when the view is used: a table gone since fails with 42P01 there', async () => {
    const s = db.open();
    await db.store.createView({ name: 'orphan', query: 'SELECT id FROM no_such_table', columns: [{ name: 'id', type: { kind: 'int4' } }], dependsOn: [] });
    expect(await sqlstateOf(run(s, 'SELECT * FROM orphan'))).toBe('42P01');
    await run(s, 'DROP VIEW orphan');
  });

  it('refuses COPY into a view (42809) and recursive views (0A000)', async () => {
    const s = db.open();
    await run(s, 'CREATE VIEW copy_v AS SELECT id FROM small');
    expect(() => s.beginCopyIn('COPY copy_v FROM STDIN')).toThrow(/cannot copy to view "copy_v"/);
    await run(s, 'DROP VIEW copy_v');
    expect(await sqlstateOf(run(s, 'CREATE RECURSIVE VIEW rv (n) AS VALUES (1) UNION ALL SELECT n + 1 FROM rv WHERE n < 3'))).toBe('0A000');
  });

  it('aggregates a large table through a view in the data engines, like the table itself', async () => {
    const s = db.open();
    await run(s, 'CREATE VIEW big_by_g AS SELECT g, count(*) AS n, sum(v) AS s FROM big GROUP BY g');
    const viaView = await run(s, 'SELECT g, n, s FROM big_by_g ORDER BY g');
    const direct = await run(s, 'SELECT g, count(*), sum(v) FROM big GROUP BY g ORDER BY g');
    expect(viaView).toEqual(direct);
    expect(viaView.length).toBe(10);
    await run(s, 'DROP VIEW big_by_g');
  });
});

describe('CREATE TABLE AS and TRUNCATE over a large table', () => {
  it('copies every row, answers SELECT n, and the copy scans in the data engines', async () => {
    const s = db.open();
    expect(await tag(s, 'CREATE TABLE big_copy AS SELECT id, g, v FROM big WHERE id % 2 = 0')).toEqual({ command: 'SELECT', rowCount: BIG_ROWS >> 1 });
    expect(db.store.getTable('big_copy')!.primaryKey).toEqual([]);
    expect(await run(s, 'SELECT count(*), count(v) FROM big_copy')).toEqual(await run(s, 'SELECT count(*), count(v) FROM big WHERE id % 2 = 0'));
    await run(s, 'TRUNCATE big_copy');
    expect(await run(s, 'SELECT count(*) FROM big_copy')).toEqual([[0n]]);
    await run(s, 'INSERT INTO big_copy VALUES (1, 1, 1)');
    expect(await run(s, 'SELECT id, g, v FROM big_copy')).toEqual([[1, 1, 1]]);
    await run(s, 'DROP TABLE big_copy');
  });

  it('TRUNCATE in a block hides the rows from the block only, and ROLLBACK brings them back', async () => {
    const s = db.open();
    const other = db.open();
    await run(s, 'BEGIN');
    expect((await tag(s, 'TRUNCATE big')).command).toBe('TRUNCATE TABLE');
    expect(await run(s, 'SELECT count(*) FROM big')).toEqual([[0n]]);
    expect(await run(other, 'SELECT count(*) FROM big')).toEqual([[BigInt(BIG_ROWS)]]);
    await run(s, 'ROLLBACK');
    expect(await run(s, 'SELECT count(*) FROM big')).toEqual([[BigInt(BIG_ROWS)]]);
  });

  it('TRUNCATE outside a block drops segment rows and the delta alike', async () => {
    const s = db.open();
    await run(s, 'CREATE TABLE t_mixed (id int PRIMARY KEY)');
    await run(s, `INSERT INTO t_mixed SELECT id FROM big WHERE id <= ${FRAGMENT_ROWS_MIN + 10}`);
    await db.store.compact(db.store.getTable('t_mixed'));
    await run(s, 'INSERT INTO t_mixed VALUES (-1), (-2)');
    await run(s, 'TRUNCATE t_mixed');
    expect(await run(s, 'SELECT count(*) FROM t_mixed')).toEqual([[0n]]);
    expect(db.store.estimatedRows(db.store.getTable('t_mixed')!)).toBe(0);
    await run(s, 'DROP TABLE t_mixed');
  });
});

describe('the cluster catalog document', () => {
  const column = { name: 'a', type: { kind: 'int4' as const } };
  const view = { name: 'v', query: 'SELECT a FROM t', columns: [column], dependsOn: ['t'] };

  it('carries views through encode and decode, and table changes keep them', () => {
    const withT = withTable(EMPTY_CATALOG, { name: 't', columns: [{ ...column, notNull: false }], primaryKey: [], distributionKey: [] }, 1).doc;
    const withV = withView(withT, view, 1);
    expect(withV.view.id).toBe(2);
    const more = withTable(withV.doc, { name: 'u', columns: [{ ...column, notNull: false }], primaryKey: [], distributionKey: [] }, 1).doc;
    expect(more.views?.map((v) => v.name)).toEqual(['v']);
    expect(decodeCatalog(encodeCatalog(more))).toEqual(more);
    // A replacement keeps the view's id; a drop removes it.
    const replaced = withView(more, { ...view, query: 'SELECT a, 1 FROM t' }, 1);
    expect(replaced.view.id).toBe(2);
    expect(withoutView(replaced.doc, 'v').views).toEqual([]);
  });

  it('rejects a document whose view clashes with a table or is malformed', () => {
    const withT = withTable(EMPTY_CATALOG, { name: 't', columns: [{ ...column, notNull: false }], primaryKey: [], distributionKey: [] }, 1).doc;
    const clash = { ...withT, nextTableId: 5, views: [{ ...view, name: 't', id: 3 }] };
    expect(decodeCatalog(encodeCatalog(clash))).toBeNull();
    const malformed = JSON.stringify({ ...withT, views: [{ name: 'v', id: 2 }] });
    expect(decodeCatalog(malformed)).toBeNull();
  });
});
