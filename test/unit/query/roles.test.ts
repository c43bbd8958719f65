// Roles and privileges in the engine alone: CREATE/ALTER/DROP ROLE, GRANT/REVOKE, the checks of
// SELECT/INSERT/UPDATE/DELETE/DDL by role, views checked as their owner, and the role catalog
// surviving a reopen of the store.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataEnginePool, Store, roleByName } from '../../../storage/index.js';
import { createQueryEngine, type QueryEngine, type Session } from '../../../query/index.js';
import { verifyScramPassword } from '../../../src/auth/scram-secret.js';
import { run } from '../../support/engine.js';
import { eonErrorOf } from '../../support/errors.js';

let dir = '';
let store: Store;
let pool: DataEnginePool;
let engine: QueryEngine;
let admin: Session;

function open(): void {
  store = Store.open({ dir, partitions: 2 });
  pool = new DataEnginePool({ dir, threads: 1 });
  engine = createQueryEngine({ store, pool, superuser: { name: 'eon', password: 'secret' } });
  admin = engine.openSession({ user: 'eon', database: 'eon' });
}

async function close(): Promise<void> {
  await engine.close();
  await pool.close();
  await store.close();
}

const as = (user: string): Session => engine.openSession({ user, database: 'eon' });
const failure = async (s: Session, sql: string): Promise<{ code: string; message: string }> => {
  const e = await eonErrorOf(run(s, sql), `expected ${sql} to fail`);
  return { code: e.code, message: e.message };
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'eon-roles-'));
  open();
  await run(admin, 'CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, \'a\'), (2, \'b\'); CREATE TABLE u (id int)');
});

afterAll(async () => {
  await close();
  rmSync(dir, { recursive: true, force: true });
});

describe('roles', () => {
  it('makes the bootstrap superuser with a SCRAM secret of the password', () => {
    const eon = roleByName(store.security(), 'eon')!;
    expect(eon).toMatchObject({ oid: 10, superuser: true, login: true });
    expect(eon.password).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(verifyScramPassword(eon.password!, 'secret')).toBe(true);
  });

  it('CREATE ROLE / USER with options, duplicates and reserved names refused as PostgreSQL does', async () => {
    await run(admin, "CREATE USER alice PASSWORD 'pw-a'");
    await run(admin, 'CREATE ROLE bob NOLOGIN CREATEDB');
    await run(admin, "CREATE ROLE carol LOGIN CREATEROLE PASSWORD 'pw-c' CONNECTION LIMIT 3");
    const doc = store.security();
    expect(roleByName(doc, 'alice')).toMatchObject({ login: true, superuser: false });
    expect(verifyScramPassword(roleByName(doc, 'alice')!.password!, 'pw-a')).toBe(true);
    expect(roleByName(doc, 'bob')).toMatchObject({ login: false, createdb: true, password: null });
    expect(roleByName(doc, 'carol')).toMatchObject({ createrole: true, connectionLimit: 3 });
    expect(await failure(admin, 'CREATE ROLE alice')).toEqual({ code: 'duplicate_object', message: 'role "alice" already exists' });
    expect(await failure(admin, 'CREATE ROLE pg_x')).toEqual({ code: 'reserved_name', message: 'role name "pg_x" is reserved' });
    expect(await failure(admin, 'CREATE ROLE x LOGIN NOLOGIN')).toEqual({ code: 'syntax_error', message: 'conflicting or redundant options' });
  });

  it('opening a session of an unknown role is 28000', () => {
    expect(() => as('nobody')).toThrow('role "nobody" does not exist');
  });

  it('a role without privileges is refused with 42501 and PostgreSQL\'s text; GRANT lets it in', async () => {
    const alice = as('alice');
    expect(await failure(alice, 'SELECT * FROM t')).toEqual({ code: 'insufficient_privilege', message: 'permission denied for table t' });
    expect(await failure(alice, 'INSERT INTO t VALUES (3, \'c\')')).toEqual({ code: 'insufficient_privilege', message: 'permission denied for table t' });
    await run(admin, 'GRANT SELECT ON t TO alice');
    expect(await run(alice, 'SELECT v FROM t ORDER BY id')).toEqual([['a'], ['b']]);
    expect((await failure(alice, 'SELECT * FROM t, u')).message).toBe('permission denied for table u');
    // DELETE without WHERE needs DELETE only; with WHERE it reads, so SELECT too.
    await run(admin, 'GRANT DELETE ON t TO alice');
    await run(admin, 'REVOKE SELECT ON t FROM alice');
    expect((await failure(alice, 'DELETE FROM t WHERE id = 1')).message).toBe('permission denied for table t');
    await run(admin, 'GRANT INSERT ON TABLE t TO alice');
    expect(await run(alice, "INSERT INTO t VALUES (3, 'c')")).toEqual([]);
    expect((await failure(alice, "INSERT INTO t VALUES (4, 'd') RETURNING id")).message).toBe('permission denied for table t');
    await run(admin, 'GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO alice');
    expect(await run(alice, 'SELECT count(*) FROM u')).toEqual([[0n]]);
    await run(admin, 'REVOKE ALL ON t, u FROM alice');
    expect((await failure(alice, 'SELECT 1 FROM u')).message).toBe('permission denied for table u');
  });

  it('a cached plan is checked again for each session', async () => {
    await run(admin, 'SELECT id FROM t WHERE id = 1');
    await run(admin, 'SELECT id FROM t WHERE id = 1');
    expect((await failure(as('alice'), 'SELECT id FROM t WHERE id = 1')).message).toBe('permission denied for table t');
  });

  it('PUBLIC grants reach every role', async () => {
    await run(admin, 'GRANT SELECT ON u TO PUBLIC');
    expect(await run(as('carol'), 'SELECT count(*) FROM u')).toEqual([[0n]]);
    await run(admin, 'REVOKE SELECT ON u FROM PUBLIC');
    expect((await failure(as('carol'), 'SELECT count(*) FROM u')).message).toBe('permission denied for table u');
  });

  it('CREATE needs the schema privilege; the creator owns what it makes; only owners drop', async () => {
    const alice = as('alice');
    expect(await failure(alice, 'CREATE TABLE mine (x int)')).toEqual({ code: 'insufficient_privilege', message: 'permission denied for schema public' });
    await run(admin, 'GRANT CREATE ON SCHEMA public TO alice, carol');
    await run(alice, 'CREATE TABLE mine (x int); INSERT INTO mine VALUES (7)');
    expect(await run(alice, 'SELECT x FROM mine')).toEqual([[7]]);
    const carol = as('carol');
    expect((await failure(carol, 'SELECT x FROM mine')).message).toBe('permission denied for table mine');
    expect(await failure(carol, 'DROP TABLE mine')).toEqual({ code: 'insufficient_privilege', message: 'must be owner of table mine' });
    expect((await failure(carol, 'TRUNCATE mine')).message).toBe('permission denied for table mine');
    // The superuser may do everything.
    expect(await run(admin, 'SELECT x FROM mine')).toEqual([[7]]);
  });

  it('a view reads its tables with its owner\'s privileges', async () => {
    const alice = as('alice');
    await run(admin, 'GRANT SELECT ON t TO alice');
    await run(alice, 'CREATE VIEW alice_t AS SELECT id FROM t');
    const carol = as('carol');
    expect((await failure(carol, 'SELECT * FROM alice_t')).message).toBe('permission denied for view alice_t');
    await run(alice, 'GRANT SELECT ON alice_t TO carol');
    // carol has nothing on t, but alice (the view's owner) has SELECT.
    expect(await run(carol, 'SELECT count(*) FROM alice_t')).toEqual([[3n]]);
    await run(admin, 'REVOKE SELECT ON t FROM alice');
    expect((await failure(carol, 'SELECT count(*) FROM alice_t')).message).toBe('permission denied for table t');
  });

  it('pg_roles, pg_user, pg_authid, relowner, relacl and has_table_privilege tell the truth', async () => {
    expect(await run(admin, 'SELECT rolname, rolsuper, rolcanlogin, rolcreatedb, rolconnlimit, rolpassword FROM pg_roles ORDER BY oid')).toEqual([
      ['eon', true, true, true, -1, '********'],
      ['alice', false, true, false, -1, '********'],
      ['bob', false, false, true, -1, '********'],
      ['carol', false, true, false, 3, '********'],
    ]);
    expect(await run(admin, 'SELECT usename FROM pg_user ORDER BY usesysid')).toEqual([['eon'], ['alice'], ['carol']]);
    expect(await run(admin, "SELECT rolpassword LIKE 'SCRAM-SHA-256$4096:%' FROM pg_authid WHERE rolname = 'alice'")).toEqual([[true]]);
    expect(await failure(as('alice'), 'SELECT * FROM pg_authid')).toEqual({ code: 'insufficient_privilege', message: 'permission denied for table pg_authid' });
    expect(await run(admin, "SELECT relname, pg_get_userbyid(relowner), relacl FROM pg_class WHERE relname IN ('t', 'u', 'mine', 'alice_t') ORDER BY relname")).toEqual([
      ['alice_t', 'alice', '{alice=arwdDxt/alice,carol=r/alice}'],
      ['mine', 'alice', null],
      ['t', 'eon', '{eon=arwdDxt/eon}'],
      ['u', 'eon', '{eon=arwdDxt/eon}'],
    ]);
    expect(await run(admin, "SELECT has_table_privilege('carol', 'alice_t', 'SELECT'), has_table_privilege('carol', 'alice_t', 'insert, update'), has_table_privilege('alice', 'mine', 'DELETE'), has_table_privilege('t', 'TRUNCATE')")).toEqual([[true, false, true, true]]);
    expect(await run(as('carol'), "SELECT current_user, session_user, has_table_privilege('t', 'SELECT')")).toEqual([['carol', 'carol', false]]);
    expect((await failure(admin, "SELECT has_table_privilege('nobody', 't', 'SELECT')")).message).toBe('role "nobody" does not exist');
    expect((await failure(admin, "SELECT has_table_privilege('t', 'FLY')")).message).toBe('unrecognized privilege type: "FLY"');
  });

  it('ALTER ROLE changes attributes and passwords; RENAME; the rules on who may', async () => {
    await run(admin, "ALTER ROLE bob LOGIN PASSWORD 'pw-b'");
    expect(roleByName(store.security(), 'bob')!.login).toBe(true);
    await run(as('bob'), "ALTER ROLE bob PASSWORD 'pw-b2'");
    expect(verifyScramPassword(roleByName(store.security(), 'bob')!.password!, 'pw-b2')).toBe(true);
    expect(await failure(as('bob'), 'ALTER ROLE bob CREATEDB')).toEqual({ code: 'insufficient_privilege', message: 'permission denied' });
    expect((await failure(as('bob'), 'CREATE ROLE z')).message).toBe('permission denied to create role');
    expect((await failure(as('carol'), 'ALTER ROLE eon NOSUPERUSER')).message).toBe('must be superuser to alter superuser roles or change superuser attribute');
    expect((await failure(admin, 'ALTER ROLE eon NOSUPERUSER')).message).toBe('permission denied: bootstrap user must be superuser');
    expect(await failure(admin, 'ALTER ROLE nobody LOGIN')).toEqual({ code: 'undefined_object', message: 'role "nobody" does not exist' });
    await run(admin, 'ALTER ROLE bob RENAME TO robert');
    expect(roleByName(store.security(), 'robert')).toBeDefined();
    expect((await failure(admin, 'ALTER ROLE eon RENAME TO boss')).message).toBe('session user cannot be renamed');
  });

  it('DROP ROLE: dependencies, IF EXISTS, the session user and the bootstrap superuser', async () => {
    const e = await eonErrorOf(run(admin, 'DROP ROLE alice'), 'drop');
    expect(e.code).toBe('dependent_objects_still_exist');
    expect(e.message).toBe('role "alice" cannot be dropped because some objects depend on it');
    expect(e.detail).toBe('privileges for schema public\nowner of table mine\nowner of view alice_t');
    expect(await failure(admin, 'DROP ROLE nobody')).toEqual({ code: 'undefined_object', message: 'role "nobody" does not exist' });
    await run(admin, 'DROP ROLE IF EXISTS nobody, robert');
    expect(roleByName(store.security(), 'robert')).toBeUndefined();
    expect((await failure(admin, 'DROP ROLE eon')).code).toBe('object_in_use');
  });

  it('the role catalog survives a restart, and the password flag is taken again', async () => {
    await close();
    store = Store.open({ dir, partitions: 2 });
    pool = new DataEnginePool({ dir, threads: 1 });
    engine = createQueryEngine({ store, pool, superuser: { name: 'eon', password: 'changed' } });
    admin = engine.openSession({ user: 'eon', database: 'eon' });
    const doc = store.security();
    expect(verifyScramPassword(roleByName(doc, 'alice')!.password!, 'pw-a')).toBe(true);
    expect(verifyScramPassword(roleByName(doc, 'eon')!.password!, 'changed')).toBe(true);
    expect(await run(as('alice'), 'SELECT x FROM mine')).toEqual([[7]]);
    expect((await failure(as('carol'), 'SELECT x FROM mine')).message).toBe('permission denied for table mine');
  });
});
