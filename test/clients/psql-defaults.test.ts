// psql's \d of a table with a serial key, column DEFAULTs and CHECK constraints, and \ds, run by
// the real psql binary against eon and against the suite's PostgreSQL 15: the same text.

import { execFile } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import type { ConnInfo } from '../support/postgres.js';
import { startClientTarget, type ClientTarget } from '../support/target.js';

const psqlTimeoutMs = 20_000;
// Defaults and checks whose text PostgreSQL prints as written (no casts added by its deparser).
const TABLE =
  'CREATE TABLE orders (id serial PRIMARY KEY, qty int NOT NULL DEFAULT 1 CHECK (qty > 0), price numeric, lo int, hi int, ' +
  'CONSTRAINT price_known CHECK (price IS NOT NULL), CHECK (lo < hi))';
const COMMANDS = ['\\d orders', '\\ds'] as const;
const MARKER = '=== eon psql-defaults ===';

let target: ClientTarget;
let admin: ConnInfo;
let reference: ConnInfo;
let referenceDb: string;
let outputs: { eon: Map<string, string>; postgres: Map<string, string> };

function psqlArgs(conn: ConnInfo, extra: string[]): Promise<{ stdout: string; stderr: string }> {
  const args = ['-X', '-h', conn.host, '-p', String(conn.port), '-U', conn.user, '-d', conn.database, ...extra];
  return new Promise((resolve) => {
    execFile('psql', args, { timeout: psqlTimeoutMs, env: { ...process.env, PGCONNECT_TIMEOUT: '10', PAGER: '', PGTZ: 'UTC' } }, (_error, stdout, stderr) => resolve({ stdout, stderr }));
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

async function runAll(conn: ConnInfo): Promise<Map<string, string>> {
  const r = await psqlArgs(conn, COMMANDS.flatMap((c, i) => ['-c', `\\echo ${MARKER} ${i}`, '-c', c]));
  expect(r.stderr).toBe('');
  const byCommand = new Map<string, string>();
  for (const section of r.stdout.split(`${MARKER} `).slice(1)) {
    const nl = section.indexOf('\n');
    const command = COMMANDS[Number(section.slice(0, nl))];
    if (command !== undefined) byCommand.set(command, section.slice(nl + 1));
  }
  return byCommand;
}

beforeAll(async () => {
  target = await startClientTarget();
  admin = inject('postgres');
  const user = target.conn.user;
  referenceDb = `eon_psql_defaults_${process.pid}`;
  await adminQuery(
    `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${user}') THEN ` +
      `CREATE ROLE "${user}" LOGIN SUPERUSER CREATEROLE CREATEDB BYPASSRLS; END IF; END $$`,
  );
  await adminQuery(`DROP DATABASE IF EXISTS ${referenceDb}`);
  await adminQuery(`CREATE DATABASE ${referenceDb} OWNER "${user}"`);
  reference = { ...admin, user, database: referenceDb };
  for (const conn of [target.conn, reference]) expect((await psqlArgs(conn, ['-c', TABLE])).stderr).toBe('');
  const [eon, postgres] = await Promise.all([runAll(target.conn), runAll(reference)]);
  outputs = { eon, postgres };
});

afterAll(async () => {
  await target?.stop();
  if (admin !== undefined) await adminQuery(`DROP DATABASE IF EXISTS ${referenceDb}`);
});

test('\\d shows the defaults and the check constraints as PostgreSQL does', () => {
  const eon = outputs.eon.get('\\d orders');
  const postgres = outputs.postgres.get('\\d orders');
  expect(postgres).toContain("nextval('orders_id_seq'::regclass)");
  expect(postgres).toContain('"orders_qty_check" CHECK (qty > 0)');
  expect(eon).toBe(postgres);
});

test('\\ds lists the serial column\'s sequence', () => {
  const postgres = outputs.postgres.get('\\ds');
  expect(postgres).toContain('orders_id_seq');
  expect(outputs.eon.get('\\ds')).toBe(postgres);
});
