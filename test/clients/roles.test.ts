// Roles over the wire: a node started with --password has its superuser eon; roles created by SQL
// log in with their own passwords over the PostgreSQL protocol (SCRAM) and REST (Basic), see what
// GRANT gave them, and are refused as PostgreSQL refuses them. psql's \du prints what PostgreSQL
// 15 prints for the same roles.

import { execFile } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { startEon, type RunningEon } from '../support/eon.js';
import { psql } from '../support/psql.js';
import type { ConnInfo } from '../support/postgres.js';

const PASSWORD = 'roles-superuser-pw';
/** Role names unique to this file: roles are global in the suite's shared PostgreSQL. */
const ROLES_SETUP = [
  "CREATE USER rt_alice PASSWORD 'alice-pw'",
  "CREATE ROLE rt_bob PASSWORD 'bob-pw'",
  'CREATE ROLE rt_carol LOGIN CREATEROLE CREATEDB CONNECTION LIMIT 3',
  'CREATE ROLE rt_dave SUPERUSER NOINHERIT',
];

let node: RunningEon | undefined;
let trustNode: RunningEon | undefined;
let admin: pg.Client | undefined;
let postgres: ConnInfo | undefined;

async function connect(user: string, password: string, port = node!.pgPort): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'eon' });
  await c.connect();
  return c;
}

async function connectError(user: string, password: string, port = node!.pgPort): Promise<unknown> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'eon' });
  return c.connect().then(
    async () => {
      await c.end();
      return null;
    },
    (e: unknown) => e,
  );
}

async function rest(user: string, password: string, sql: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`http://127.0.0.1:${node!.httpPort}/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` },
    body: JSON.stringify({ sql }),
  });
  return { status: res.status, body: await res.json() };
}

/** psql as the superuser eon, its password from PGPASSWORD. */
function psqlWithPassword(port: number, command: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'psql',
      ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'eon', '-d', 'eon', '-c', command],
      { timeout: 20_000, env: { ...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '10', PAGER: '', PGTZ: 'UTC' } },
      (_error, stdout, stderr) => resolve({ stdout, stderr }),
    );
  });
}

async function onPostgres(sql: string): Promise<void> {
  const c = new pg.Client(postgres!);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  postgres = inject('postgres');
  [node, trustNode] = await Promise.all([startEon({ extraArgs: ['--password', PASSWORD] }), startEon()]);
  admin = await connect('eon', PASSWORD);
  await admin.query("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'one'), (2, 'two')");
  for (const sql of ROLES_SETUP) await admin.query(sql);
  await onPostgres('DROP ROLE IF EXISTS rt_alice, rt_bob, rt_carol, rt_dave');
  for (const sql of ROLES_SETUP) await onPostgres(sql);
});

afterAll(async () => {
  await admin?.end();
  await Promise.all([node?.stop(), trustNode?.stop()]);
  if (postgres !== undefined) await onPostgres('DROP ROLE IF EXISTS rt_alice, rt_bob, rt_carol, rt_dave');
});

test('a role logs in with its own password and is the session user; privileges come from GRANT', async () => {
  const alice = await connect('rt_alice', 'alice-pw');
  try {
    expect((await alice.query('SELECT current_user AS c, session_user AS s')).rows).toEqual([{ c: 'rt_alice', s: 'rt_alice' }]);
    const denied = await alice.query('SELECT * FROM t').catch((e: unknown) => e);
    expect(denied).toMatchObject({ code: '42501', message: 'permission denied for table t' });
    await admin!.query('GRANT SELECT ON t TO rt_alice');
    expect((await alice.query('SELECT v FROM t ORDER BY id')).rows).toEqual([{ v: 'one' }, { v: 'two' }]);
    expect(await alice.query("INSERT INTO t VALUES (3, 'three')").catch((e: unknown) => e)).toMatchObject({ code: '42501' });
  } finally {
    await alice.end();
  }
});

test('wrong passwords, unknown roles and NOLOGIN roles are refused with PostgreSQL\'s codes and words', async () => {
  expect(await connectError('rt_alice', 'nope')).toMatchObject({ code: '28P01', message: 'password authentication failed for user "rt_alice"' });
  // An unknown role fails the same way, so a client cannot probe which roles exist.
  expect(await connectError('rt_nobody', 'x')).toMatchObject({ code: '28P01', message: 'password authentication failed for user "rt_nobody"' });
  expect(await connectError('rt_bob', 'bob-pw')).toMatchObject({ code: '28000', message: 'role "rt_bob" is not permitted to log in' });
  // A role without a password cannot log in while the node asks for passwords.
  expect(await connectError('rt_carol', 'anything')).toMatchObject({ code: '28P01' });
  // The superuser's password is not a master key for other roles.
  expect(await connectError('rt_alice', PASSWORD)).toMatchObject({ code: '28P01' });
});

test('ALTER ROLE … PASSWORD takes effect at the next login', async () => {
  await admin!.query("ALTER ROLE rt_carol PASSWORD 'carol-pw'");
  const carol = await connect('rt_carol', 'carol-pw');
  expect((await carol.query('SELECT current_user AS u')).rows).toEqual([{ u: 'rt_carol' }]);
  await carol.end();
});

test('REST Basic credentials are the same roles with the same privileges', async () => {
  const ok = await rest('rt_alice', 'alice-pw', 'SELECT count(*) AS n, current_user AS u FROM t');
  expect(ok).toEqual({ status: 200, body: { columns: [{ name: 'n', type: 'bigint' }, { name: 'u', type: 'text' }], rows: [['2', 'rt_alice']], rowCount: 1, command: 'SELECT' } });
  const denied = await rest('rt_alice', 'alice-pw', 'DELETE FROM t');
  expect(denied).toMatchObject({ status: 403, body: { error: { code: '42501', message: 'permission denied for table t' } } });
  expect(await rest('rt_alice', 'wrong', 'SELECT 1')).toMatchObject({ status: 401, body: { error: { code: '28P01' } } });
  expect(await rest('rt_bob', 'bob-pw', 'SELECT 1')).toMatchObject({ status: 401, body: { error: { code: '28000' } } });
  expect((await rest('eon', PASSWORD, 'SELECT count(*) FROM t')).status).toBe(200);
});

test('without --password (trust) a role must still exist and may log in', async () => {
  const c = await connect('eon', '', trustNode!.pgPort);
  await c.query('CREATE ROLE rt_nologin; CREATE USER rt_user');
  await c.end();
  expect(await connectError('rt_missing', '', trustNode!.pgPort)).toMatchObject({ code: '28000', message: 'role "rt_missing" does not exist' });
  expect(await connectError('rt_nologin', '', trustNode!.pgPort)).toMatchObject({ code: '28000', message: 'role "rt_nologin" is not permitted to log in' });
  const u = await connect('rt_user', '', trustNode!.pgPort);
  expect((await u.query('SELECT current_user AS u')).rows).toEqual([{ u: 'rt_user' }]);
  await u.end();
});

test('psql \\du prints the roles as PostgreSQL 15 does', async () => {
  const eonRun = await psqlWithPassword(node!.pgPort, '\\du rt_*');
  const pgRun = await psql(postgres!, ['-c', '\\du rt_*']);
  expect(pgRun.stdout).toContain('rt_carol');
  expect(eonRun.stderr).toBe('');
  expect(eonRun.stdout).toBe(pgRun.stdout);
});
