// ALTER TABLE on one node, where the differential suite cannot look: the refusals PostgreSQL does
// not share (volatile and serial defaults on a table with rows, primary-key columns, TYPE, a
// transaction block, renames under views), a table large enough for the data engines read after
// a layout change, and a CHECK rewritten by RENAME COLUMN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAGMENT_ROWS_MIN } from '../../../query/distribute/partition-fragments.js';
import { openTestEngine, run, type TestEngine } from '../../support/engine.js';
import { sqlstateOf } from '../../support/errors.js';

const BIG_ROWS = FRAGMENT_ROWS_MIN + 1_000;

let db: TestEngine;

beforeAll(async () => {
  db = openTestEngine({ name: 'alter-table' });
  const s = db.open();
  await run(s, 'CREATE TABLE big (id int PRIMARY KEY, g int NOT NULL, v int)');
  const big = db.store.getTable('big')!;
  await db.store.write((tx) => {
    for (let i = 1; i <= BIG_ROWS; i++) tx.insert(big, [i, i % 10, i % 7 === 0 ? null : i]);
  });
  await db.store.compact(big);
});

afterAll(() => db?.close());

describe('ALTER TABLE', () => {
  it('reads a large table in its new layout through the data engines', async () => {
    const s = db.open();
    await run(s, "ALTER TABLE big ADD COLUMN w numeric(6,1) DEFAULT 2.5, ADD COLUMN tag text DEFAULT 'x', DROP COLUMN g");
    expect(await run(s, 'SELECT count(*), sum(w), count(v), min(tag) FROM big')).toEqual([[BigInt(BIG_ROWS), expect.anything(), expect.anything(), 'x']]);
    const [[sum]] = (await run(s, 'SELECT sum(w)::text FROM big')) as [[string]];
    expect(sum).toBe((BIG_ROWS * 2.5).toFixed(1));
    expect(await run(s, 'SELECT id, v, w, tag FROM big WHERE id IN (7, 8) ORDER BY id')).toEqual([[7, null, expect.anything(), 'x'], [8, 8, expect.anything(), 'x']]);
    expect(await sqlstateOf(run(s, 'SELECT g FROM big'))).toBe('42703');
  });

  it('refuses what eon cannot do yet with 0A000, changing nothing', async () => {
    const s = db.open();
    await run(s, 'CREATE TABLE r (id int PRIMARY KEY, a int)');
    await run(s, 'INSERT INTO r VALUES (1, 1), (2, NULL)');
    expect(await sqlstateOf(run(s, 'ALTER TABLE r ADD COLUMN x float8 DEFAULT random()'))).toBe('0A000');
    expect(await sqlstateOf(run(s, 'ALTER TABLE r ADD COLUMN x serial'))).toBe('0A000');
    expect(await sqlstateOf(run(s, 'ALTER TABLE r DROP COLUMN id'))).toBe('0A000');
    expect(await sqlstateOf(run(s, 'ALTER TABLE r ALTER COLUMN a TYPE bigint'))).toBe('0A000');
    expect(await sqlstateOf(run(s, 'ALTER TABLE r DROP CONSTRAINT r_pkey'))).toBe('0A000');
    expect(await sqlstateOf(run(s, 'ALTER TABLE r ADD COLUMN y int, ALTER COLUMN a TYPE bigint'))).toBe('0A000');
    await run(s, 'BEGIN');
    expect(await sqlstateOf(run(s, 'ALTER TABLE r ADD COLUMN z int'))).toBe('0A000');
    await run(s, 'ROLLBACK');
    expect(await run(s, "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'r' ORDER BY ordinal_position")).toEqual([['id'], ['a']]);
    // On an empty table a volatile default is fine: no existing row needs a value.
    await run(s, 'CREATE TABLE r2 (id int PRIMARY KEY)');
    await run(s, 'ALTER TABLE r2 ADD COLUMN x float8 DEFAULT random()');
    await run(s, 'INSERT INTO r2 (id) VALUES (1)');
    expect(await run(s, 'SELECT x IS NOT NULL FROM r2')).toEqual([[true]]);
  });

  it('refuses renames a view would not survive, and rewrites CHECK texts on RENAME COLUMN', async () => {
    const s = db.open();
    await run(s, 'CREATE TABLE rv (id int PRIMARY KEY, a int, b int CHECK (b > a))');
    await run(s, 'CREATE VIEW rv_v AS SELECT id, a FROM rv');
    expect(await sqlstateOf(run(s, 'ALTER TABLE rv RENAME TO rv2'))).toBe('0A000');
    expect(await sqlstateOf(run(s, 'ALTER TABLE rv RENAME COLUMN a TO aa'))).toBe('0A000');
    await run(s, 'ALTER TABLE rv RENAME COLUMN b TO "B b"');
    expect(await run(s, "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'rv_check'")).toEqual([['CHECK (("B b" > a))']]);
    expect(await sqlstateOf(run(s, 'INSERT INTO rv VALUES (1, 5, 2)'))).toBe('23514');
    await run(s, 'INSERT INTO rv VALUES (1, 1, 2)');
    await run(s, 'DROP VIEW rv_v');
    await run(s, 'ALTER TABLE rv RENAME TO rv2');
    expect(await run(s, 'SELECT id, a, "B b" FROM rv2')).toEqual([[1, 1, 2]]);
  });
});
