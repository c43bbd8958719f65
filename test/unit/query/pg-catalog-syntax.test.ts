// The PostgreSQL spellings catalog queries use (OPERATOR(pg_catalog.~), COLLATE, ::regclass and
// friends, bare current_user, ARRAY(subquery), ANY(array), subscripts, generate_series/unnest in
// FROM), each through the engine with PostgreSQL 15's answers, and psql's captured \d-family queries (test/clients/fixtures/psql-meta) running.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatArray, parseArrayText } from '../../../query/catalog/array-text.js';
import { parseQualifiedName } from '../../../query/catalog/references.js';
import { parseScript } from '../../../query/parse/parser.js';
import { openTestEngine, type TestEngine } from '../../support/engine.js';

const PARTITIONS = 4;
const FIXTURES = fileURLToPath(new URL('../../clients/fixtures/psql-meta/', import.meta.url));
/** The OID the items table had in the PostgreSQL the fixtures were captured from. */
const CAPTURED_ITEMS_OID = '16384';

let db: TestEngine;

beforeAll(async () => {
  db = openTestEngine({ name: 'pg-syntax', partitions: PARTITIONS, user: 'alice' });
  await db.rows('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), code varchar(20), added date)');
  await db.rows("INSERT INTO items VALUES (1, 'a b', 1.50, NULL, NULL), (2, 'NULL', 2, 'x', NULL), (3, '', NULL, NULL, NULL), (4, 'x\"y', NULL, NULL, NULL), (5, 'plain', NULL, NULL, NULL)");
});

afterAll(() => db?.close());

describe('array text and qualified names', () => {
  it('formats and parses arrays as array_out and array_in do', () => {
    expect(formatArray(['', 'NULL', 'a b', 'b\\c', 'plain', 'x"y', '{}', null])).toBe('{"","NULL","a b","b\\\\c",plain,"x\\"y","{}",NULL}');
    expect(parseArrayText('{"","NULL","a b","b\\\\c",plain,"x\\"y","{}",NULL}').items).toEqual(['', 'NULL', 'a b', 'b\\c', 'plain', 'x"y', '{}', null]);
    expect(parseArrayText('{}')).toEqual({ items: [], lowerBound: 1 });
    expect(parseArrayText('1 3')).toEqual({ items: ['1', '3'], lowerBound: 0 });
    expect(() => parseArrayText('{a,')).toThrow(/malformed array literal/);
  });

  it('splits qualified names as stringToQualifiedNameList does', () => {
    expect(parseQualifiedName('Public.Items')).toEqual(['public', 'items']);
    expect(parseQualifiedName('"My.Table"')).toEqual(['My.Table']);
    expect(parseQualifiedName(' pg_catalog . "pg_class" ')).toEqual(['pg_catalog', 'pg_class']);
    expect(() => parseQualifiedName('a..b')).toThrow(/invalid name syntax/);
  });
});

describe('through the engine (answers as PostgreSQL 15 gives them)', () => {
  it('evaluates OPERATOR() and COLLATE forms', async () => {
    expect(await db.one("SELECT 'items' OPERATOR(pg_catalog.~) '^(it.*)$' COLLATE pg_catalog.default")).toBe(true);
    expect(await db.one("SELECT 'b' COLLATE \"C\" < 'a'")).toBe(false);
    expect((await db.errorOf('SELECT name COLLATE "en_US" FROM items')).code).toBe('feature_not_supported');
  });

  it('refuses what arrays held as text cannot be, instead of answering wrongly', async () => {
    // pgjdbc's getPrimaryKeys reads (_pg_expandarray(indkey)).x / .n, rewritten into a LATERAL
    // series (query/parse/expand-array-rewrite.ts); other composite fields stay refused.
    expect((await db.errorOf('SELECT (information_schema._pg_expandarray(i.indkey)).y FROM pg_index i')).sqlstate).toBe('0A000');
    expect((await db.errorOf('SELECT (i.indkey).n FROM pg_index i')).sqlstate).toBe('0A000');
  });

  it('answers the niladic keywords', async () => {
    expect(await db.rows('SELECT current_user, session_user, current_role, user, current_catalog, current_schema')).toEqual([['alice', 'alice', 'alice', 'alice', 'eon', 'public']]);
  });

  it('casts names to OIDs with ::regclass, ::regtype, ::regnamespace, ::regrole', async () => {
    const oid = await db.one("SELECT oid FROM pg_class WHERE relname = 'items'");
    expect(await db.rows("SELECT 'items'::regclass, 'public.items'::pg_catalog.regclass, '\"items\"'::regclass, regclass('items'), to_regclass('nosuch')")).toEqual([[oid, oid, oid, oid, null]]);
    expect(await db.one("SELECT 'pg_catalog.pg_class'::regclass = (SELECT oid FROM pg_class WHERE relname = 'pg_class')")).toBe(true);
    expect(await db.one('SELECT 16400::regclass')).toBe(16400);
    expect(await db.rows("SELECT 'integer'::regtype, 'varchar(20)'::regtype, 'pg_catalog.int8'::regtype, 'public'::regnamespace, 'alice'::regrole")).toEqual([[23, 1043, 20, 2200, 10]]);
    expect(await db.one("SELECT 'lower'::regproc = (SELECT oid FROM pg_proc WHERE proname = 'lower')")).toBe(true);
    expect((await db.errorOf("SELECT 'nosuch'::regclass")).code).toBe('undefined_table');
    expect((await db.errorOf("SELECT 'nosuch'::regtype")).code).toBe('undefined_object');
    expect((await db.errorOf("SELECT 'nosuch'::regnamespace")).code).toBe('invalid_schema_name');
    expect((await db.errorOf("SELECT 'a..b'::regclass")).code).toBe('invalid_name');
  });

  it('casts to oid and name as eon stores them (int4, text)', async () => {
    expect(await db.rows("SELECT '42'::oid, 7::oid, 'abc'::name, relname::pg_catalog.name FROM pg_class WHERE relname = 'items'")).toEqual([[42, 7, 'abc', 'items']]);
  });

  it('builds ARRAY(subquery) as PostgreSQL prints it', async () => {
    expect(await db.one('SELECT ARRAY(SELECT name FROM items ORDER BY 1)')).toBe('{"","NULL","a b",plain,"x\\"y"}');
    expect(await db.one('SELECT ARRAY(SELECT code FROM items ORDER BY id)')).toBe('{NULL,x,NULL,NULL,NULL}');
    expect(await db.one('SELECT ARRAY(SELECT price FROM items WHERE price IS NOT NULL ORDER BY price DESC)')).toBe('{2.00,1.50}');
    expect(await db.one('SELECT ARRAY(SELECT id > 1 FROM items WHERE id < 3 ORDER BY id)')).toBe('{f,t}');
    expect(await db.one('SELECT ARRAY(SELECT id FROM items WHERE false)')).toBe('{}');
    // Correlated, per outer row.
    expect(await db.rows('SELECT i.id, ARRAY(SELECT j.id FROM items j WHERE j.id < i.id ORDER BY j.id DESC) FROM items i WHERE i.id <= 3 ORDER BY i.id')).toEqual([
      [1, '{}'],
      [2, '{1}'],
      [3, '{2,1}'],
    ]);
  });

  it('compares with ANY/ALL over an array', async () => {
    expect(await db.rows("SELECT 1 = ANY('{1,2}'), 3 = ANY('{1,2}'), 1 = ANY('{2,NULL}'), NULL::int = ANY('{}'), 'a' <> ALL('{b,c}'), 'b' <> ALL('{b,c}')")).toEqual([
      [true, false, null, false, true, false],
    ]);
    expect(await db.rows("SELECT id FROM items WHERE id = ANY('{2,4}') ORDER BY id")).toEqual([[2], [4]]);
    expect((await db.errorOf('SELECT 1 = ANY(5)')).code).toBe('wrong_object_type');
  });

  it('normalises array casts, subscripts and bounds', async () => {
    expect(await db.rows("SELECT '{1, 2}'::int[], 20 = ('{10,20,30}'::int[])[2], array_upper('{a,b,c}', 1), array_upper('{}', 1), array_upper('1 2', 1)")).toEqual([
      ['{1,2}', true, 3, null, 1],
    ]);
    expect(await db.rows("SELECT '{\"a b\", c}'::text[], ('{a,b}'::text[])[2], ('{a,b}'::text[])[3]")).toEqual([['{"a b",c}', 'b', null]]);
    expect((await db.errorOf("SELECT '{a}'::int[]")).code).toBe('invalid_text_representation');
    // Array columns are not stored: refused, not silently created as their element type.
    expect((await db.errorOf('CREATE TABLE arrays (a int[], b text[3])')).code).toBe('feature_not_supported');
  });

  it('runs generate_series and unnest in FROM', async () => {
    expect(await db.rows('SELECT x FROM generate_series(10, 1, -4) x')).toEqual([[10], [6], [2]]);
    expect(await db.rows("SELECT u FROM pg_catalog.unnest('{a,\"b c\",NULL}') u")).toEqual([['a'], ['b c'], [null]]);
    expect(await db.rows('SELECT s.r FROM generate_series(1, 2) AS s(r)')).toEqual([[1], [2]]);
    // Arguments from the enclosing query.
    expect(await db.rows('SELECT i.id, (SELECT count(*) FROM generate_series(1, i.id) g) FROM items i WHERE i.id <= 3 ORDER BY i.id')).toEqual([
      [1, 1n],
      [2, 2n],
      [3, 3n],
    ]);
    expect(await db.rows('SELECT i.id, (SELECT count(*) FROM generate_series(1, i.id * 20000) g) FROM items i WHERE i.id = 2')).toEqual([[2, 40000n]]);
    expect(await db.rows('SELECT count(*) FROM generate_series(1, 100000) g')).toEqual([[100000n]]);
    expect((await db.errorOf('SELECT * FROM json_each(1) j')).code).toBe('feature_not_supported');
  });

  it('sees pg_catalog and public relations as visible, information_schema not', async () => {
    expect(
      await db.rows("SELECT n.nspname, c.relname, pg_table_is_visible(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname IN ('items', 'items_pkey', 'pg_class', 'tables') ORDER BY 2"),
    ).toEqual([
      ['public', 'items', true],
      ['public', 'items_pkey', true],
      ['pg_catalog', 'pg_class', true],
      ['information_schema', 'tables', false],
    ]);
    expect(await db.one('SELECT pg_table_is_visible(1)')).toBe(null);
  });

  it('has the catalogs of features eon lacks, empty', async () => {
    for (const t of ['pg_policy', 'pg_statistic_ext', 'pg_publication', 'pg_publication_rel', 'pg_publication_namespace', 'pg_rewrite', 'pg_partitioned_table', 'pg_foreign_table', 'pg_inherits', 'pg_trigger', 'pg_sequence']) {
      expect(await db.one(`SELECT count(*) FROM pg_catalog.${t}`)).toBe(0n);
    }
    expect(await db.rows('SELECT collname FROM pg_collation ORDER BY oid')).toEqual([['default'], ['C'], ['POSIX']]);
  });
});

describe("psql 15's \\d-family queries (captured from PostgreSQL)", () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.sql'));

  it('has fixtures for the commands', () => {
    expect(files.sort()).toEqual(['d-plus-table.sql', 'd-table.sql', 'di.sql', 'dt-pattern.sql', 'du.sql', 'dx.sql', 'l-plus.sql']);
  });

  it.each(files)('%s runs', async (file) => {
    const oid = String(await db.one("SELECT oid FROM pg_class WHERE relname = 'items'"));
    const text = readFileSync(path.join(FIXTURES, file), 'utf8').replaceAll(`'${CAPTURED_ITEMS_OID}'`, `'${oid}'`);
    const statements = parseScript(text);
    expect(statements.length).toBeGreaterThan(0);
    for (const st of statements) await db.rows(st.text);
  });

  it('\\d items finds the table and lists its columns and key', async () => {
    const text = readFileSync(path.join(FIXTURES, 'd-table.sql'), 'utf8');
    const [lookup, , columns, indexes] = parseScript(text).map((s) => s.text);
    const [[oid, schema, name]] = (await db.rows(lookup!)) as [[number, string, string]];
    expect([schema, name]).toEqual(['public', 'items']);
    const withOid = (sql: string): string => sql.replaceAll(`'${CAPTURED_ITEMS_OID}'`, `'${oid}'`);
    expect((await db.rows(withOid(columns!))).map((r) => r.slice(0, 4))).toEqual([
      ['id', 'integer', null, true],
      ['name', 'text', null, true],
      ['price', 'numeric(10,2)', null, false],
      ['code', 'character varying(20)', null, false],
      ['added', 'date', null, false],
    ]);
    expect((await db.rows(withOid(indexes!))).map((r) => r.slice(0, 2))).toEqual([['items_pkey', true]]);
  });
});
