// COPY in the binary format through psql (`\copy … WITH (FORMAT binary)`), against PostgreSQL 15:
// eon's binary output is byte for byte PostgreSQL's for the same rows, each server loads the
// other's file and reads back the same rows, and bad binary input fails with PostgreSQL's SQLSTATE
// and loads nothing.

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startClientTarget, type ClientTarget } from '../support/target.js';
import type { ConnInfo } from '../support/postgres.js';
import { psqlBoth, psqlScript, sqlstateOfRun, type PsqlRun } from '../support/psql.js';


let target: ClientTarget;
let reference: ConnInfo;
let dir: string;

const psql = (conn: ConnInfo, args: string[]): Promise<PsqlRun> => psqlScript(conn, args);

const both = (...commands: string[]): Promise<[PsqlRun, PsqlRun]> => psqlBoth(target.conn, reference, commands);

/** The same commands succeed on both and print the same. */
async function same(...commands: string[]): Promise<string> {
  const [eon, pg] = await both(...commands);
  expect(pg.stderr, 'PostgreSQL').toBe('');
  expect(eon.stderr, 'eon').toBe('');
  expect(eon.stdout).toBe(pg.stdout);
  return pg.stdout;
}

const f = (name: string): string => path.join(dir, name);

const COLUMNS = '(id int PRIMARY KEY, s text, v varchar(20), n numeric(10,2), u numeric, d date, ts timestamp, tz timestamptz, b boolean, f float8, r real, i interval, bi bigint, si smallint)';
const ROWS = [
  "(1, 'plain', 'v', 1.5, 123456.789, '2024-02-29', '2024-01-01 12:34:56.789', '2024-01-01 00:00:00+00', true, 0.1, 1.5, '1 day 02:00:00', 9007199254740993, 1)",
  '(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)',
  "(3, '', '', -0.00, -0.000001, '0001-01-01', '1999-12-31 23:59:59', '2000-06-01 12:00:00+02', false, -1e300, 'NaN', '-1 year', -1, -32768)",
  "(4, E'tab\\there\\nnew ünïcødé ✓ 😀', 'x', 123456.78, 100000000000000000000, '2000-01-01', '2000-01-01', '2000-01-01', true, 'Infinity', '-Infinity', '00:00:00.5', 0, 32767)",
  "(5, 'NULL', 'y', -99999999.99, 0, '1970-01-01', '1970-01-01', '1970-01-01', false, -0.0, 1e-30, '1 year 2 mons 3 days 04:05:06.789', -9223372036854775808, 0)",
  "(6, 'z', 'z', 0.01, -12345678901234567890.123456789, '2099-12-31', '2099-12-31 23:59:59.999999', '2099-12-31 23:59:59.999999+00', true, 123.456, -7.25, '-00:00:01', 9223372036854775807, -1)",
];

beforeAll(async () => {
  target = await startClientTarget();
  reference = inject('postgres');
  dir = await mkdtemp(path.join(tmpdir(), 'eon-copy-binary-'));
  const [eon, pg] = await both(
    'DROP TABLE IF EXISTS copybin_t',
    'DROP TABLE IF EXISTS copybin_in',
    'DROP TABLE IF EXISTS copybin_small',
    `CREATE TABLE copybin_t ${COLUMNS}`,
    `INSERT INTO copybin_t VALUES ${ROWS.join(', ')}`,
    `CREATE TABLE copybin_in ${COLUMNS}`,
    'CREATE TABLE copybin_small (id int PRIMARY KEY, n numeric(3,1) NOT NULL)',
  );
  expect(eon.code, eon.stderr).toBe(0);
  expect(pg.code, pg.stderr).toBe(0);
});

afterAll(async () => {
  if (target !== undefined && reference !== undefined) await both('DROP TABLE IF EXISTS copybin_t', 'DROP TABLE IF EXISTS copybin_in', 'DROP TABLE IF EXISTS copybin_small');
  await rm(dir, { recursive: true, force: true });
  await target?.stop();
});

describe('COPY (FORMAT binary)', () => {
  it('writes the same bytes as PostgreSQL for every type, and for no rows', async () => {
    const [eon, pg] = await Promise.all([
      psql(target.conn, ['-c', `\\copy (SELECT * FROM copybin_t ORDER BY id) TO '${f('eon.bin')}' WITH (FORMAT binary)`, '-c', `\\copy (SELECT * FROM copybin_t WHERE id < 0) TO '${f('eon-empty.bin')}' WITH (FORMAT binary)`]),
      psql(reference, ['-c', `\\copy (SELECT * FROM copybin_t ORDER BY id) TO '${f('pg.bin')}' WITH (FORMAT binary)`, '-c', `\\copy (SELECT * FROM copybin_t WHERE id < 0) TO '${f('pg-empty.bin')}' WITH (FORMAT binary)`]),
    ]);
    expect(eon.stderr).toBe('');
    expect(pg.stderr).toBe('');
    const [e, p] = await Promise.all([readFile(f('eon.bin')), readFile(f('pg.bin'))]);
    expect(e.length).toBeGreaterThan(100);
    expect(e.toString('hex')).toBe(p.toString('hex'));
    expect((await readFile(f('eon-empty.bin'))).toString('hex')).toBe((await readFile(f('pg-empty.bin'))).toString('hex'));
  });

  it('COPY table TO STDOUT in binary sends the same tuples (table order aside)', async () => {
    const [eon, pg] = await Promise.all([
      psql(target.conn, ['-c', `\\copy copybin_t (id, n, s) TO '${f('eon-t.bin')}' WITH (FORMAT binary)`]),
      psql(reference, ['-c', `\\copy copybin_t (id, n, s) TO '${f('pg-t.bin')}' WITH (FORMAT binary)`]),
    ]);
    expect(eon.stderr).toBe('');
    expect(pg.stderr).toBe('');
    const [e, p] = await Promise.all([readFile(f('eon-t.bin')), readFile(f('pg-t.bin'))]);
    expect(e.length).toBe(p.length);
    expect(e.subarray(0, 19).toString('hex')).toBe(p.subarray(0, 19).toString('hex'));
  });

  it("loads PostgreSQL's binary file into eon, and eon's into PostgreSQL, with the same rows", async () => {
    await both('TRUNCATE copybin_in');
    const [eon, pg] = await Promise.all([
      psql(target.conn, ['-c', `\\copy copybin_in FROM '${f('pg.bin')}' WITH (FORMAT binary)`]),
      psql(reference, ['-c', `\\copy copybin_in FROM '${f('eon.bin')}' WITH (FORMAT binary)`]),
    ]);
    expect(eon.stderr).toBe('');
    expect(pg.stderr).toBe('');
    const out = await same('SELECT * FROM copybin_in ORDER BY id');
    expect(out).toContain('ünïcødé');
    await same('SELECT count(*) FROM copybin_in c JOIN copybin_t t USING (id) WHERE c.n IS NOT DISTINCT FROM t.n AND c.u IS NOT DISTINCT FROM t.u AND c.s IS NOT DISTINCT FROM t.s AND c.i IS NOT DISTINCT FROM t.i AND c.tz IS NOT DISTINCT FROM t.tz');
  });

  it('fails bad binary input with the SQLSTATE PostgreSQL gives and loads nothing', async () => {
    const good = await readFile(f('pg.bin'));
    const int4 = (n: number): Buffer => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(n);
      return b;
    };
    const head = good.subarray(0, 19);
    const tuple = (fields: (Buffer | null)[]): Buffer => {
      const count = Buffer.alloc(2);
      count.writeInt16BE(fields.length);
      return Buffer.concat([count, ...fields.map((x) => (x === null ? int4(-1) : Buffer.concat([int4(x.length), x])))]);
    };
    const trailer = Buffer.from('ffff', 'hex');
    const cases: [string, Buffer, string][] = [
      ['signature', Buffer.concat([Buffer.from('PGCOPY\n\xfe\r\n\0', 'latin1'), good.subarray(11)]), 'copybin_in'],
      ['field count', Buffer.concat([head, tuple([int4(1)]), trailer]), 'copybin_in'],
      ['truncated', good.subarray(0, good.length - 7), 'copybin_in'],
      ['data after trailer', Buffer.concat([good, Buffer.from('00', 'hex')]), 'copybin_in'],
      ['short int4', Buffer.concat([head, tuple([Buffer.from('000001', 'hex'), Buffer.from('00000000', 'hex')]), trailer]), 'copybin_small'],
      ['long int4', Buffer.concat([head, tuple([Buffer.from('0000000001', 'hex'), Buffer.from('00000000', 'hex')]), trailer]), 'copybin_small'],
      ['numeric overflow', Buffer.concat([head, tuple([int4(1), Buffer.from('0002000000000002006411d0', 'hex')]), trailer]), 'copybin_small'],
      ['bad numeric digit', Buffer.concat([head, tuple([int4(1), Buffer.from('00010000000000002710', 'hex')]), trailer]), 'copybin_small'],
      ['NULL into NOT NULL', Buffer.concat([head, tuple([int4(1), null]), trailer]), 'copybin_small'],
      ['duplicate key', Buffer.concat([head, tuple([int4(1), Buffer.from('0000000000000000', 'hex')]), tuple([int4(1), Buffer.from('0000000000000000', 'hex')]), trailer]), 'copybin_small'],
    ];
    await both('TRUNCATE copybin_in');
    // Each case in its own session, all at once (each fails alone).
    const runs = await Promise.all(
      cases.map(async ([name, data, table]) => {
        await writeFile(f(`bad-${name}.bin`), data);
        return [name, await both(`\\copy ${table} FROM '${f(`bad-${name}.bin`)}' WITH (FORMAT binary)`)] as const;
      }),
    );
    for (const [name, [eon, pg]] of runs) {
      expect(sqlstateOfRun(pg), `${name}: ${pg.stderr}`).toMatch(/^[0-9A-Z]{5}$/);
      expect(sqlstateOfRun(eon), `${name}: ${eon.stderr}`).toBe(sqlstateOfRun(pg));
    }
    await same('SELECT (SELECT count(*) FROM copybin_in), (SELECT count(*) FROM copybin_small)');
  });

  it('refuses text-only options in binary mode as PostgreSQL does', async () => {
    const all = ["FORMAT binary, DELIMITER ','", "FORMAT binary, NULL 'x'", 'FORMAT binary, HEADER', "FORMAT binary, QUOTE '\"'"];
    const runs = await Promise.all(all.map((options) => both(`COPY copybin_in FROM STDIN WITH (${options})`)));
    runs.forEach(([eon, pg], i) => expect(sqlstateOfRun(eon), all[i]).toBe(sqlstateOfRun(pg)));
  });
});
