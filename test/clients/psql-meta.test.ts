// psql's describe commands (\d items, \d+ items, \dt it*, \di, \du eon) run by the real psql
// binary against eon and against the suite's PostgreSQL 15 for the same table; their printed
// output must be the same text.

import { execFile } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { ConnInfo } from '../support/postgres.js';
import { startClientTarget, type ClientTarget } from '../support/target.js';

const psqlTimeoutMs = 20_000;
const TABLE = 'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), code varchar(20), added date)';

let target: ClientTarget;
/** The reference: a fresh database in the suite's PostgreSQL, owned by a role named like eon's user. */
let reference: ConnInfo;
let admin: ConnInfo;
let referenceDb: string;

function psql(conn: ConnInfo, command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return psqlArgs(conn, ['-c', command]);
}

function psqlArgs(conn: ConnInfo, extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const args = ['-X', '-h', conn.host, '-p', String(conn.port), '-U', conn.user, '-d', conn.database, ...extra];
  return new Promise((resolve) => {
    execFile('psql', args, { timeout: psqlTimeoutMs, env: { ...process.env, PGCONNECT_TIMEOUT: '10', PAGER: '', PGTZ: 'UTC' } }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

async function adminQuery(sql: string): Promise<void> {
  const c = new pg.Client(admin);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  target = await startClientTarget();
  admin = inject('postgres');
  const user = target.conn.user;
  referenceDb = `eon_psql_meta_${process.pid}`;
  // A role with eon's user name and the attributes eon reports for it, so Owner columns and \du match.
  await adminQuery(
    `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${user}') THEN ` +
      `CREATE ROLE "${user}" LOGIN SUPERUSER CREATEROLE CREATEDB BYPASSRLS; END IF; END $$`,
  );
  await adminQuery(`DROP DATABASE IF EXISTS ${referenceDb}`);
  await adminQuery(`CREATE DATABASE ${referenceDb} OWNER "${user}"`);
  reference = { ...admin, user, database: referenceDb };
  for (const conn of [target.conn, reference]) {
    const r = await psql(conn, TABLE);
    expect(r.stderr).toBe('');
  }
});

afterAll(async () => {
  await target?.stop();
  if (admin !== undefined) await adminQuery(`DROP DATABASE IF EXISTS ${referenceDb}`);
});

/** The meta-commands compared, each run once per server in one psql session (one process each). */
const COMMANDS = ['\\d items', '\\d+ items', '\\dt it*', '\\di', '\\du eon', '\\d nosuch*'] as const;
const MARKER = '=== eon psql-meta ===';

/** Output per command, split at the \echo markers written between them. */
let outputs: { eon: Map<string, string>; postgres: Map<string, string>; eonStderr: string; postgresStderr: string };

async function runAll(conn: ConnInfo): Promise<{ byCommand: Map<string, string>; stderr: string }> {
  // The marker names the command by index: a backslash inside \echo's text would start a new meta-command.
  const args = COMMANDS.flatMap((c, i) => ['-c', `\\echo ${MARKER} ${i}`, '-c', c]);
  const r = await psqlArgs(conn, args);
  const byCommand = new Map<string, string>();
  for (const section of r.stdout.split(`${MARKER} `).slice(1)) {
    const nl = section.indexOf('\n');
    const command = COMMANDS[Number(section.slice(0, nl))];
    if (command !== undefined) byCommand.set(command, section.slice(nl + 1));
  }
  return { byCommand, stderr: r.stderr };
}

beforeAll(async () => {
  const [mine, theirs] = await Promise.all([runAll(target.conn), runAll(reference)]);
  outputs = { eon: mine.byCommand, postgres: theirs.byCommand, eonStderr: mine.stderr, postgresStderr: theirs.stderr };
});

/** One command's output on both servers. */
function both(command: (typeof COMMANDS)[number]): { eon: string | undefined; postgres: string | undefined } {
  return { eon: outputs.eon.get(command), postgres: outputs.postgres.get(command) };
}

test('both servers ran every command, and only the no-match one complains', () => {
  expect([...outputs.postgres.keys()]).toEqual([...COMMANDS]);
  expect([...outputs.eon.keys()]).toEqual([...COMMANDS]);
  expect(outputs.postgresStderr).toBe('Did not find any relation named "nosuch*".\n');
  expect(outputs.eonStderr).toBe(outputs.postgresStderr);
});

test('\\d items prints the same table description', () => {
  const out = both('\\d items');
  expect(out.postgres).toContain('Table "public.items"');
  expect(out.eon).toBe(out.postgres);
});

test('\\d+ items prints the same, with storage, compression, stats target and access method', () => {
  const out = both('\\d+ items');
  expect(out.postgres).toContain('Access method: heap');
  expect(out.eon).toBe(out.postgres);
});

test('\\dt with a name pattern lists the matching tables', () => {
  const out = both('\\dt it*');
  expect(out.postgres).toContain(' public | items | table |');
  expect(out.eon).toBe(out.postgres);
});

test('\\di lists the primary-key index', () => {
  const out = both('\\di');
  expect(out.postgres).toContain('items_pkey');
  expect(out.eon).toBe(out.postgres);
});

test('\\du with a pattern lists the role, its attributes and memberships', () => {
  // The pattern keeps PostgreSQL's bootstrap role (which eon does not have) out of the comparison.
  const out = both('\\du eon');
  expect(out.postgres).toContain('{}');
  expect(out.eon).toBe(out.postgres);
});
