// COPY FROM STDIN through the real psql client (`\copy`), on eon and on PostgreSQL 15 with the same
// files: the loaded rows must read back identically, and bad input must fail with the same SQLSTATE.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startClientTarget, type ClientTarget } from '../support/target.js';
import type { ConnInfo } from '../support/postgres.js';
import { psqlBoth, psqlScript, sqlstateOfRun, type PsqlRun } from '../support/psql.js';

const BULK_ROWS = 50_000;

let target: ClientTarget;
let reference: ConnInfo;
let dir: string;

const psql = (conn: ConnInfo, args: string[]): Promise<PsqlRun> => psqlScript(conn, args);

/** Runs the same psql commands on both servers. */
const both = (...commands: string[]): Promise<[PsqlRun, PsqlRun]> => psqlBoth(target.conn, reference, commands);

async function file(name: string, text: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

const TABLE = 'copy_t (id int PRIMARY KEY, name text, amount numeric(10,2), day date, ok boolean, score double precision)';

beforeAll(async () => {
  target = await startClientTarget();
  reference = inject('postgres');
  dir = await mkdtemp(path.join(tmpdir(), 'eon-copy-'));
});

afterAll(async () => {
  if (target !== undefined && reference !== undefined) await both('DROP TABLE IF EXISTS copy_t', 'DROP TABLE IF EXISTS copy_big');
  await rm(dir, { recursive: true, force: true });
  await target?.stop();
});

describe('COPY FROM STDIN with psql \\copy', () => {
  it('loads CSV with a header, quotes, delimiters and newlines inside quotes, NULL versus empty string', async () => {
    const csv = await file(
      'a.csv',
      [
        'id,name,amount,day,ok,score',
        '1,plain,1.50,2024-02-29,t,0.5',
        '2,"with, comma",-2.25,1999-12-31,false,-1e-7',
        '3,"line one',
        'line two",0,2000-01-01,yes,',
        '4,"say ""hi""",,2024-01-01,,1e300',
        '5,"",3,2024-01-02,f,2',
        '6,ünïcødé ✓,99999999.99,1970-01-01,1,-0',
        '',
      ].join('\n'),
    );
    const [eon, pg] = await both('DROP TABLE IF EXISTS copy_t', `CREATE TABLE ${TABLE}`, `\\copy copy_t FROM '${csv}' WITH (FORMAT csv, HEADER true)`, 'SELECT * FROM copy_t ORDER BY id');
    expect(eon.stderr).toBe('');
    expect(eon.code).toBe(0);
    expect(pg.code).toBe(0);
    expect(eon.stdout).toBe(pg.stdout);
    expect(eon.stdout).toContain('line one');
  });

  it('loads the text format with escapes, a custom delimiter and NULL string, and a column list', async () => {
    const text = await file('b.txt', ['10|tab\\there|1.00', '11|back\\\\slash and \\x41\\102|NULL', '12|new\\nline|NULL', '14|\\N|2', '13|pipe\\|inside|7', ''].join('\n'));
    const [eon, pg] = await both(`\\copy copy_t (id, name, amount) FROM '${text}' WITH (DELIMITER '|', NULL 'NULL')`, 'SELECT id, name, amount, day FROM copy_t WHERE id >= 10 ORDER BY id');
    expect(eon.stderr).toBe('');
    expect(eon.stdout).toBe(pg.stdout);
    expect(eon.stdout).toContain('pipe|inside');
  });

  it('accepts the older keyword options', async () => {
    const csv = await file('c.csv', 'id;name\n20;old style\n21;"quoted; semicolon"\n');
    const [eon, pg] = await both(`\\copy copy_t (id, name) FROM '${csv}' DELIMITER ';' CSV HEADER`, 'SELECT id, name FROM copy_t WHERE id >= 20 ORDER BY id');
    expect(eon.stderr).toBe('');
    expect(eon.stdout).toBe(pg.stdout);
  });

  it('fails bad input with PostgreSQL\'s SQLSTATE and loads nothing from the failing COPY', async () => {
    const cases: [string, string][] = [
      ['bad-int.csv', '30,a,1,2024-01-01,t,1\nthirty-one,b,1,2024-01-01,t,1\n'],
      ['extra.csv', '32,a,1,2024-01-01,t,1,extra\n'],
      ['missing.csv', '33,a,1\n'],
      ['duplicate.csv', '34,a,1,2024-01-01,t,1\n1,again,1,2024-01-01,t,1\n'],
      ['bad-date.csv', '35,a,1,2024-02-30,t,1\n'],
      ['overflow.csv', '36,a,123456789.00,2024-01-01,t,1\n'],
      ['unterminated.csv', '37,"never closed,1,2024-01-01,t,1\n'],
    ];
    for (const [name, data] of cases) {
      const p = await file(name, data);
      const [eon, pg] = await both(`\\copy copy_t FROM '${p}' WITH (FORMAT csv)`);
      expect(sqlstateOfRun(pg), name).toMatch(/^[0-9A-Z]{5}$/);
      expect(sqlstateOfRun(eon), `${name}: ${eon.stderr}`).toBe(sqlstateOfRun(pg));
    }
    const [eon, pg] = await both('SELECT count(*) FROM copy_t');
    expect(eon.stdout).toBe(pg.stdout);
    const [eonNull, pgNull] = await both('CREATE TABLE IF NOT EXISTS copy_nn (id int PRIMARY KEY, v text NOT NULL)', `\\copy copy_nn FROM '${await file('nn.csv', '1,\n')}' WITH (FORMAT csv)`);
    expect(sqlstateOfRun(eonNull)).toBe(sqlstateOfRun(pgNull));
    await both('DROP TABLE copy_nn');
  });

  it('refuses unknown tables and columns like PostgreSQL, and server-side files with 0A000', async () => {
    const p = await file('x.csv', '1\n');
    for (const cmd of [`\\copy no_such_table FROM '${p}'`, `\\copy copy_t (no_such_column) FROM '${p}'`]) {
      const [eon, pg] = await both(cmd);
      expect(sqlstateOfRun(eon), cmd).toBe(sqlstateOfRun(pg));
    }
    const server = await psql(target.conn, ['-c', `COPY copy_t FROM '${p}'`]);
    expect(sqlstateOfRun(server)).toBe('0A000');
  });

  it(`loads ${BULK_ROWS} rows and reads back the same totals`, async () => {
    const lines: string[] = [];
    for (let i = 0; i < BULK_ROWS; i++) lines.push(`${i}\tk${i % 7}\t${(i * 37) % 1000}.${String(i % 100).padStart(2, '0')}`);
    const p = await file('big.tsv', `${lines.join('\n')}\n`);
    const [eon, pg] = await both(
      'DROP TABLE IF EXISTS copy_big',
      'CREATE TABLE copy_big (id int PRIMARY KEY, k text, v numeric(12,2))',
      `\\copy copy_big FROM '${p}'`,
      'SELECT count(*), sum(v), count(DISTINCT k), max(id) FROM copy_big',
    );
    expect(eon.stderr).toBe('');
    expect(eon.stdout).toBe(pg.stdout);
    expect(eon.stdout).toContain(String(BULK_ROWS));
  });
});
