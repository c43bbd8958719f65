// psql's \dv and \d on a view, run by the real psql binary against eon and against the suite's
// PostgreSQL 15 for the same table and view; their printed output must be the same text.

import { execFile } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { ConnInfo } from '../support/postgres.js';
import { startClientTarget, type ClientTarget } from '../support/target.js';

const psqlTimeoutMs = 20_000;
const SETUP = [
  'CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2), code varchar(20))',
  'CREATE VIEW item_prices (item, label, price) AS SELECT id, name, price * 2 FROM items',
  'CREATE VIEW item_codes AS SELECT code, count(*) AS n FROM items GROUP BY code',
];
const COMMANDS = ['\\dv', '\\dv item_p*', '\\d item_prices', '\\d item_codes'] as const;
const MARKER = '=== eon psql-views ===';

let target: ClientTarget;
let reference: ConnInfo;
let admin: ConnInfo;
let referenceDb: string;
let outputs: { eon: Map<string, string>; postgres: Map<string, string>; eonStderr: string; postgresStderr: string };

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

async function runAll(conn: ConnInfo): Promise<{ byCommand: Map<string, string>; stderr: string }> {
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
  target = await startClientTarget();
  admin = inject('postgres');
  const user = target.conn.user;
  referenceDb = `eon_psql_views_${process.pid}`;
  await adminQuery(
    `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${user}') THEN ` +
      `CREATE ROLE "${user}" LOGIN SUPERUSER CREATEROLE CREATEDB BYPASSRLS; END IF; END $$`,
  );
  await adminQuery(`DROP DATABASE IF EXISTS ${referenceDb}`);
  await adminQuery(`CREATE DATABASE ${referenceDb} OWNER "${user}"`);
  reference = { ...admin, user, database: referenceDb };
  for (const conn of [target.conn, reference]) {
    for (const sql of SETUP) {
      const r = await psqlArgs(conn, ['-c', sql]);
      expect(r.stderr).toBe('');
    }
  }
  const [mine, theirs] = await Promise.all([runAll(target.conn), runAll(reference)]);
  outputs = { eon: mine.byCommand, postgres: theirs.byCommand, eonStderr: mine.stderr, postgresStderr: theirs.stderr };
});

afterAll(async () => {
  await target?.stop();
  if (admin !== undefined) await adminQuery(`DROP DATABASE IF EXISTS ${referenceDb}`);
});

test('both servers ran every command without complaint', () => {
  expect([...outputs.postgres.keys()]).toEqual([...COMMANDS]);
  expect([...outputs.eon.keys()]).toEqual([...COMMANDS]);
  expect(outputs.eonStderr).toBe('');
});

test('\\dv lists the views, and only them', () => {
  const out = { eon: outputs.eon.get('\\dv'), postgres: outputs.postgres.get('\\dv') };
  expect(out.postgres).toContain(' public | item_prices | view |');
  expect(out.eon).toBe(out.postgres);
  const matched = { eon: outputs.eon.get('\\dv item_p*'), postgres: outputs.postgres.get('\\dv item_p*') };
  expect(matched.postgres).not.toContain('item_codes');
  expect(matched.eon).toBe(matched.postgres);
});

test('\\d of a view prints its columns with their names and types', () => {
  for (const command of ['\\d item_prices', '\\d item_codes'] as const) {
    const out = { eon: outputs.eon.get(command), postgres: outputs.postgres.get(command) };
    expect(out.postgres).toContain('View "public.');
    expect(out.eon).toBe(out.postgres);
  }
});
