// COPY … TO STDOUT through the real psql client (`COPY … TO STDOUT` and `\copy … to`), on eon
// and on PostgreSQL 15 with the same data: the bytes written must be identical (text and CSV,
// every option), errors must carry the same SQLSTATE; node-postgres sees copy-out complete.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startClientTarget, type ClientTarget } from '../support/target.js';
import type { ConnInfo } from '../support/postgres.js';
import { psqlBoth, psqlScript, sqlstateOfRun, type PsqlRun } from '../support/psql.js';

const BULK_ROWS = 10_000;

let target: ClientTarget;
let reference: ConnInfo;
let dir: string;

/** COPY TO output of the bulk table is larger than psql's default output buffer. */
const PSQL_OUTPUT_BYTES_MAX = 64 * 1024 * 1024;
const psql = (conn: ConnInfo, args: string[]): Promise<PsqlRun> => psqlScript(conn, args, { maxBuffer: PSQL_OUTPUT_BYTES_MAX });

/** Runs the same psql commands on both servers. */
const both = (...commands: string[]): Promise<[PsqlRun, PsqlRun]> => psqlBoth(target.conn, reference, commands, { maxBuffer: PSQL_OUTPUT_BYTES_MAX });

/** The same commands on both servers must succeed and write the same bytes. */
async function same(...commands: string[]): Promise<string> {
  const [eon, pg] = await both(...commands);
  expect(pg.stderr.replace(/NOTICE:.*\n(LOCATION:.*\n)?/g, ''), 'PostgreSQL').toBe('');
  expect(eon.stderr, 'eon').toBe('');
  expect(eon.stdout).toBe(pg.stdout);
  return pg.stdout;
}

/** Lines in sorted order: a table read without ORDER BY comes out in storage order, which differs. */
const sortedLines = (s: string): string[] => s.split('\n').sort();

const TABLE =
  'copyto_t (id int PRIMARY KEY, s text, n numeric(10,2), d date, ts timestamp, tz timestamptz, b boolean, f float8, r real, i interval, bi bigint)';
// Vertical tab is written \013: PostgreSQL 15 reads E'\v' as a plain v.
const ROWS = [
  "(1, 'plain', 1.5, '2024-02-29', '2024-01-01 12:34:56.789', '2024-01-01 00:00:00+00', true, 0.1, 1.5, '1 day 02:00:00', 9007199254740993)",
  '(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)',
  "(3, '', -0.00, '0001-01-01', '1999-12-31 23:59:59', '2000-06-01 12:00:00+02', false, -1e300, 'NaN', '-1 year', -1)",
  "(4, E'tab\\there\\nnew\\\\back\\rcr\\bbs\\ffeed\\013vt\\x01ctl', 123456.78, '2000-01-01', '2000-01-01', '2000-01-01', true, 'Infinity', '-Infinity', '00:00:00.5', 0)",
  "(5, 'say \"hi\", ok; it''s', 1, '1970-01-01', '1970-01-01', '1970-01-01', false, 1e-7, 3.4e38, '3 mons', 1)",
  "(6, 'ünïcødé ✓ 😀', 2, '2024-01-01', '2024-01-01', '2024-01-01', true, 2, 2, '1 mon 2 days', 2)",
  "(7, E'\\\\.', 3, '2024-01-01', NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
  "(8, E'\\\\N', 4, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
  "(9, 'NULL', -99999999.99, '2099-12-31', '2099-12-31 23:59:59.999999', '2099-12-31 23:59:59.999999+00', false, -0.0, 1e-30, '-00:00:01', -9223372036854775808)",
  "(10, 'pipe|semi;comma,quote''', 0.01, '2024-06-15', '2024-06-15 06:07:08', '2024-06-15 06:07:08+00', true, 123.456, -7.25, '1 year 2 mons 3 days 04:05:06.789', 9223372036854775807)",
];

beforeAll(async () => {
  target = await startClientTarget();
  reference = inject('postgres');
  dir = await mkdtemp(path.join(tmpdir(), 'eon-copy-to-'));
  const [eon, pg] = await both(
    'DROP TABLE IF EXISTS copyto_t',
    'DROP TABLE IF EXISTS copyto_empty',
    'DROP TABLE IF EXISTS copyto_u',
    `CREATE TABLE ${TABLE}`,
    `INSERT INTO copyto_t VALUES ${ROWS.join(', ')}`,
    'CREATE TABLE copyto_empty (a int, b text)',
    'CREATE TABLE copyto_u (id int PRIMARY KEY, tag text)',
    "INSERT INTO copyto_u VALUES (1, 'one'), (3, 'three'), (5, NULL), (6, 'six'), (11, 'none')",
  );
  expect(eon.code, eon.stderr).toBe(0);
  expect(pg.code, pg.stderr).toBe(0);
});

afterAll(async () => {
  if (target !== undefined && reference !== undefined) await both('DROP TABLE IF EXISTS copyto_t', 'DROP TABLE IF EXISTS copyto_empty', 'DROP TABLE IF EXISTS copyto_u', 'DROP TABLE IF EXISTS copyto_big');
  await rm(dir, { recursive: true, force: true });
  await target?.stop();
});

describe('COPY TO STDOUT, text format', () => {
  it('writes every kind of value as PostgreSQL does: NULL, empty, escapes, unicode, numbers, dates, times, booleans', async () => {
    const out = await same('COPY (SELECT * FROM copyto_t ORDER BY id) TO STDOUT');
    expect(out).toContain('tab\\there\\nnew\\\\back\\rcr\\bbs\\ffeed\\vvt\u0001ctl');
    expect(out).toContain('2\t\\N\t');
  });

  it('writes a whole table and a column list (rows in storage order)', async () => {
    const [eon, pg] = await both('COPY copyto_t TO STDOUT', 'COPY copyto_t (s, id) TO STDOUT');
    expect(eon.stderr).toBe('');
    expect(sortedLines(eon.stdout)).toEqual(sortedLines(pg.stdout));
  });

  it('takes DELIMITER, NULL and HEADER', async () => {
    await same(
      "COPY (SELECT id, s, n FROM copyto_t ORDER BY id) TO STDOUT WITH (DELIMITER '|', NULL 'NULL', HEADER)",
      "COPY (SELECT id AS \"i|d\", s AS \"tab\tname\" FROM copyto_t ORDER BY id) TO STDOUT (HEADER true, DELIMITER ',')",
      "COPY (SELECT s, id FROM copyto_t ORDER BY id) TO STDOUT (DELIMITER E'\\x01', NULL '')",
      "COPY (SELECT id, s FROM copyto_t ORDER BY id) TO STDOUT DELIMITER ';' NULL AS '-'",
    );
  });

  it('writes nothing for an empty table or result, and only the header when asked', async () => {
    const out = await same('COPY copyto_empty TO STDOUT', 'COPY copyto_empty TO STDOUT (HEADER)', 'COPY (SELECT * FROM copyto_t WHERE id < 0) TO STDOUT (FORMAT csv, HEADER)');
    expect(out).toBe('a\tb\nid,s,n,d,ts,tz,b,f,r,i,bi\n');
  });
});

describe('COPY TO STDOUT, CSV', () => {
  it('quotes only what needs quoting, with HEADER', async () => {
    const out = await same('COPY (SELECT * FROM copyto_t ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)', 'COPY (SELECT s FROM copyto_t ORDER BY id) TO STDOUT (FORMAT csv)');
    expect(out).toContain('"say ""hi"", ok; it\'s"');
  });

  it('takes FORCE_QUOTE by column or *, NULL, DELIMITER, QUOTE and ESCAPE', async () => {
    await same(
      "COPY (SELECT * FROM copyto_t ORDER BY id) TO STDOUT (FORMAT csv, HEADER, FORCE_QUOTE (s, b), NULL 'NULL', DELIMITER ';')",
      'COPY (SELECT * FROM copyto_t ORDER BY id) TO STDOUT (FORMAT csv, FORCE_QUOTE *)',
      "COPY (SELECT id, s FROM copyto_t ORDER BY id) TO STDOUT (FORMAT csv, QUOTE '''', ESCAPE '\\', HEADER)",
      "COPY (SELECT s, id FROM copyto_t ORDER BY id) TO STDOUT (FORMAT csv, DELIMITER '|', QUOTE '%', ESCAPE '%')",
      'COPY (SELECT id, s FROM copyto_t ORDER BY id) TO STDOUT CSV HEADER FORCE QUOTE s, id',
    );
  });

  it('writes a table with a column list and FORCE_QUOTE (rows in storage order)', async () => {
    const [eon, pg] = await both('COPY copyto_t (id, n, d, b) TO STDOUT (FORMAT csv, FORCE_QUOTE (b, n))', 'COPY copyto_t (id, d) TO STDOUT (FORMAT csv, FORCE_QUOTE *)');
    expect(eon.stderr).toBe('');
    expect(sortedLines(eon.stdout)).toEqual(sortedLines(pg.stdout));
  });
});

describe('COPY (query) TO STDOUT', () => {
  it('runs a join with ORDER BY, expressions and VALUES', async () => {
    await same(
      'COPY (SELECT t.id, t.s, u.tag, t.n * 2 AS twice FROM copyto_t t JOIN copyto_u u ON u.id = t.id ORDER BY t.id DESC) TO STDOUT (FORMAT csv, HEADER)',
      'COPY (SELECT u.tag, count(t.id) FROM copyto_u u LEFT JOIN copyto_t t ON t.id = u.id GROUP BY u.tag ORDER BY u.tag NULLS FIRST) TO STDOUT',
      "COPY (VALUES (1, 'a'), (2, NULL)) TO STDOUT (FORMAT csv, FORCE_QUOTE *)",
      "COPY (SELECT 'x' AS \"A\", 1 AS \"a,b\", 2 AS \"q\"\"\", 3) TO STDOUT (FORMAT csv, HEADER)",
    );
  });

  it('reads a transaction block\'s own writes, and runs DML with RETURNING', async () => {
    await same(
      'BEGIN',
      "INSERT INTO copyto_empty VALUES (1, 'in block'), (2, NULL)",
      'COPY copyto_empty TO STDOUT',
      "COPY (INSERT INTO copyto_empty VALUES (5, 'x') RETURNING a, b || '!') TO STDOUT",
      'COPY (DELETE FROM copyto_empty WHERE a = 5 RETURNING *) TO STDOUT (FORMAT csv)',
      'COPY (SELECT * FROM copyto_empty ORDER BY a) TO STDOUT (FORMAT csv)',
      'ROLLBACK',
      'COPY copyto_empty TO STDOUT',
    );
  });

  it('sits between other statements of one query string', async () => {
    await same("COPY (SELECT 1 AS a) TO STDOUT; SELECT 2 AS b; COPY (SELECT 'x') TO STDOUT (FORMAT csv)");
  });
});

describe('psql \\copy … to', () => {
  it('writes the same files', async () => {
    const files = ['eon', 'pg'].map((n) => path.join(dir, `${n}.csv`));
    const cmd = (f: string): string[] => ['-c', `\\copy (SELECT * FROM copyto_t ORDER BY id) to '${f}' with csv header force quote s`, '-c', `\\copy copyto_u to '${f}.txt'`];
    const [eon, pg] = await Promise.all([psql(target.conn, cmd(files[0]!)), psql(reference, cmd(files[1]!))]);
    expect(eon.stderr).toBe('');
    expect(pg.code).toBe(0);
    expect(await readFile(files[0]!, 'utf8')).toBe(await readFile(files[1]!, 'utf8'));
    expect(sortedLines(await readFile(`${files[0]!}.txt`, 'utf8'))).toEqual(sortedLines(await readFile(`${files[1]!}.txt`, 'utf8')));
  });

  it(`copies ${BULK_ROWS} rows out identically`, async () => {
    const lines: string[] = [];
    for (let i = 0; i < BULK_ROWS; i++) lines.push(`${i}\tname ${i} \\\\ tab\\there\t${(i * 37) % 1000}.${String(i % 100).padStart(2, '0')}`);
    const p = path.join(dir, 'big.tsv');
    await writeFile(p, `${lines.join('\n')}\n`);
    await same('DROP TABLE IF EXISTS copyto_big', 'CREATE TABLE copyto_big (id int PRIMARY KEY, s text, v numeric(12,2))', `\\copy copyto_big from '${p}'`);
    const out = await same('COPY (SELECT * FROM copyto_big ORDER BY id) TO STDOUT (FORMAT csv)');
    expect(out.split('\n').length).toBe(BULK_ROWS + 1);
    const [eon, pg] = await both('COPY copyto_big TO STDOUT');
    expect(eon.stdout.length).toBe(pg.stdout.length);
    expect(sortedLines(eon.stdout)).toEqual(sortedLines(pg.stdout));
  });
});

describe('errors', () => {
  it('refuses what PostgreSQL refuses, with its SQLSTATE and message', async () => {
    const cases = [
      'COPY copyto_nosuch TO STDOUT',
      'COPY copyto_t (zz) TO STDOUT',
      'COPY copyto_t (id, id) TO STDOUT',
      'COPY copyto_t (id) TO STDOUT (FORMAT csv, FORCE_QUOTE (s))',
      'COPY copyto_t TO STDOUT (FORMAT csv, FORCE_QUOTE (zz))',
      'COPY copyto_t TO STDOUT (FORMAT csv, FORCE_QUOTE (id, id))',
      'COPY (SELECT 1 AS x) TO STDOUT (FORMAT csv, FORCE_QUOTE (y))',
      'COPY copyto_t TO STDOUT (FORCE_QUOTE *)',
      "COPY copyto_t TO STDOUT (FORMAT csv, FORCE_QUOTE 's')",
      'COPY copyto_t TO STDOUT (FORMAT csv, HEADER match)',
      'COPY copyto_t TO STDOUT (HEADER 2)',
      "COPY copyto_t TO STDOUT (FORMAT csv, DELIMITER '|', QUOTE '|')",
      "COPY copyto_t TO STDOUT (NULL 'a|b', DELIMITER '|')",
      "COPY copyto_t TO STDOUT (FORMAT csv, NULL 'a\"b')",
      "COPY copyto_t TO STDOUT (QUOTE '''')",
      "COPY copyto_t TO STDOUT (DELIMITER 'x')",
      'COPY copyto_t TO STDOUT (bogus 1)',
      "COPY copyto_t TO STDOUT (FORMAT xml)",
      'COPY (SELECT * FROM copyto_nosuch) TO STDOUT',
      'COPY (SELECT 1/0) TO STDOUT',
      "COPY (INSERT INTO copyto_u VALUES (100, 'x')) TO STDOUT",
      'COPY (SELECT 1 INTO copyto_into) TO STDOUT',
      'COPY copyto_t TO STDOUT WHERE id > 1',
    ];
    // One psql session per server runs them all; each case must fail with exactly one ERROR line.
    const args = ['-v', 'ON_ERROR_STOP=0', ...cases.flatMap((c) => ['-c', c])];
    const [eon, pg] = await Promise.all([psql(target.conn, args), psql(reference, args)]);
    const errors = (r: PsqlRun): string[] => [...r.stderr.matchAll(/ERROR:\s+([0-9A-Z]{5}:\s+.*)/g)].map((m) => m[1]!);
    expect(errors(pg)).toHaveLength(cases.length);
    expect(errors(eon).map((e, i) => `${cases[i]!} → ${e}`)).toEqual(errors(pg).map((e, i) => `${cases[i]!} → ${e}`));
    expect(eon.stdout).toBe('');
  });

  it('refuses COPY view TO as PostgreSQL does; COPY (SELECT … FROM view) reads it', async () => {
    await same('DROP VIEW IF EXISTS copyto_v', 'CREATE VIEW copyto_v AS SELECT id, tag FROM copyto_u WHERE id < 10');
    const [eon, pg] = await both('COPY copyto_v TO STDOUT');
    expect(sqlstateOfRun(pg)).toBe('42809');
    expect(sqlstateOfRun(eon), eon.stderr).toBe('42809');
    await same('COPY (SELECT * FROM copyto_v ORDER BY id) TO STDOUT (FORMAT csv, HEADER)', 'DROP VIEW copyto_v');
  });

  it('fails in a failed transaction block with 25P02', async () => {
    const [eon, pg] = await Promise.all(
      [target.conn, reference].map((conn) => psql(conn, ['-v', 'ON_ERROR_STOP=0', '-c', 'BEGIN', '-c', 'SELECT 1/0', '-c', 'COPY copyto_u TO STDOUT', '-c', 'ROLLBACK'])),
    );
    expect(eon!.stderr).toContain('ERROR:  25P02');
    expect(pg!.stderr).toContain('ERROR:  25P02');
    expect(eon!.stdout).toBe('');
  });

  it('refuses server-side files with 0A000', async () => {
    const run = await psql(target.conn, ['-c', `COPY copyto_u TO '${path.join(dir, 'server.txt')}'`]);
    expect(sqlstateOfRun(run)).toBe('0A000');
  });
});

describe('node-postgres', () => {
  it('sees copy-out complete in the simple and in the extended protocol', async () => {
    const client = new pg.Client({ ...target.conn, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      const r = await client.query('COPY copyto_u TO STDOUT');
      expect(r.command).toBe('COPY');
      expect(r.rowCount).toBe(5);
      const extended = await client.query({ name: 'copy_out', text: 'COPY copyto_u TO STDOUT' });
      expect(extended.command).toBe('COPY');
      expect(extended.rowCount).toBe(5);
      expect((await client.query('SELECT count(*)::int AS n FROM copyto_u')).rows).toEqual([{ n: 5 }]);
    } finally {
      await client.end();
    }
  });
});
