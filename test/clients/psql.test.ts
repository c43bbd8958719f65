// psql as a subprocess against a running eon node: -c commands, -f scripts, errors, and its exact output text.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startClientTarget } from '../support/target.js';
import type { ClientTarget } from '../support/target.js';

const psqlTimeoutMs = 20_000;

let target: ClientTarget;
let scratchDir: string;

interface PsqlResult {
  code: number;
  stdout: string;
  stderr: string;
}

function psql(args: string[]): Promise<PsqlResult> {
  const { host, port, user, database } = target.conn;
  const base = ['-X', '-h', host, '-p', String(port), '-U', user, '-d', database];
  return new Promise((resolve) => {
    execFile(
      'psql',
      [...base, ...args],
      { timeout: psqlTimeoutMs, env: { ...process.env, PGCONNECT_TIMEOUT: '10', PAGER: '', PGTZ: 'UTC' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  target = await startClientTarget();
  scratchDir = await mkdtemp(path.join(tmpdir(), 'eon-psql-'));
  await psql(['-c', 'DROP TABLE IF EXISTS psql_t']);
});

afterAll(async () => {
  if (target !== undefined) await psql(['-c', 'DROP TABLE IF EXISTS psql_t']);
  await rm(scratchDir, { recursive: true, force: true });
  await target?.stop();
});

test('psql -c prints an aligned table', async () => {
  const r = await psql(['-c', "SELECT 1 AS one, 'two' AS two, NULL::int AS three"]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(' one | two | three \n-----+-----+-------\n   1 | two |      \n(1 row)\n\n');
});

test('psql -At prints unaligned tuples', async () => {
  const r = await psql(['-At', '-c', "SELECT 42 AS n, 'x|y' AS s, 1.50::numeric(4,2) AS p, DATE '2024-02-29' AS d, true AS b"]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('42|x|y|1.50|2024-02-29|t\n');
});

test('psql -f runs a script of DDL, DML and queries', async () => {
  const script = path.join(scratchDir, 'script.sql');
  await writeFile(
    script,
    [
      'CREATE TABLE psql_t (id int PRIMARY KEY, name text, amount numeric(8,2));',
      "INSERT INTO psql_t VALUES (1, 'alpha', 10.50), (2, 'beta', NULL), (3, 'gam''ma', -2);",
      "UPDATE psql_t SET amount = 0 WHERE name = 'beta';",
      'SELECT id, name, amount FROM psql_t ORDER BY id;',
      'SELECT count(*) AS n, sum(amount) AS total FROM psql_t;',
      'DELETE FROM psql_t WHERE id = 3;',
      '',
    ].join('\n'),
  );
  const r = await psql(['-v', 'ON_ERROR_STOP=1', '-f', script]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(
    [
      'CREATE TABLE',
      'INSERT 0 3',
      'UPDATE 1',
      ' id |  name  | amount ',
      '----+--------+--------',
      '  1 | alpha  |  10.50',
      '  2 | beta   |   0.00',
      "  3 | gam'ma |  -2.00",
      '(3 rows)',
      '',
      ' n | total ',
      '---+-------',
      ' 3 |  8.50',
      '(1 row)',
      '',
      'DELETE 1',
      '',
    ].join('\n'),
  );
});

test('psql reports a server error with its message and exits 1 under ON_ERROR_STOP', async () => {
  const r = await psql(['-v', 'ON_ERROR_STOP=1', '-c', 'SELECT * FROM psql_no_such_table']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('ERROR:  relation "psql_no_such_table" does not exist');
});

test('psql keeps going after an error in a script without ON_ERROR_STOP', async () => {
  const script = path.join(scratchDir, 'errors.sql');
  await writeFile(script, 'SELECT 1/0;\nSELEC 1;\nSELECT 7 AS seven;\n');
  const r = await psql(['-At', '-f', script]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('7\n');
  expect(r.stderr).toContain('division by zero');
  expect(r.stderr).toContain('syntax error');
});
