// Storage parameters as clients see them: psql's \d+ prints eon's per-table replication options on
// an "Options:" line exactly as it prints PostgreSQL's reloptions (compared against a PostgreSQL 15
// table WITH (fillfactor, autovacuum_enabled), the options swapped in its text), and a bad option
// fails with PostgreSQL's SQLSTATE and message shapes.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConnInfo } from '../support/postgres.js';
import { psql } from '../support/psql.js';
import { startClientTarget, type ClientTarget } from '../support/target.js';

const COLUMNS = '(id int PRIMARY KEY, v text)';
const EON_OPTIONS = { sql: 'replicas = 2, write_quorum = 1', shown: 'replicas=2, write_quorum=1' };
const POSTGRES_OPTIONS = { sql: 'fillfactor = 70, autovacuum_enabled = false', shown: 'fillfactor=70, autovacuum_enabled=false' };

let target: ClientTarget | undefined;
let admin: ConnInfo | undefined;
let reference: ConnInfo | undefined;
const referenceDb = `eon_table_options_${process.pid}`;

async function onAdmin(sql: string): Promise<void> {
  const c = new pg.Client(admin!);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The error `sql` raises on `conn`: its SQLSTATE, message and detail. */
async function failure(conn: ConnInfo, sql: string): Promise<{ code?: string; message: string; detail?: string }> {
  const c = new pg.Client(conn);
  await c.connect();
  try {
    await c.query(sql);
    return { message: 'no error' };
  } catch (e) {
    const err = e as { code?: string; message: string; detail?: string };
    return { code: err.code, message: err.message, ...(err.detail === undefined ? {} : { detail: err.detail }) };
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  target = await startClientTarget();
  admin = inject('postgres');
  const user = target.conn.user;
  await onAdmin(
    `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${user}') THEN ` +
      `CREATE ROLE "${user}" LOGIN SUPERUSER CREATEROLE CREATEDB REPLICATION BYPASSRLS; END IF; END $$`,
  );
  await onAdmin(`DROP DATABASE IF EXISTS ${referenceDb}`);
  await onAdmin(`CREATE DATABASE ${referenceDb} OWNER "${user}"`);
  reference = { ...admin, user, database: referenceDb };
});

afterAll(async () => {
  await target?.stop();
  if (admin !== undefined) await onAdmin(`DROP DATABASE IF EXISTS ${referenceDb}`);
});

describe('psql \\d+ of a table with storage parameters', () => {
  it('prints an Options line as PostgreSQL does', async () => {
    const eonCreate = await psql(target!.conn, ['-c', `CREATE TABLE opts ${COLUMNS} WITH (${EON_OPTIONS.sql})`]);
    const pgCreate = await psql(reference!, ['-c', `CREATE TABLE opts ${COLUMNS} WITH (${POSTGRES_OPTIONS.sql})`]);
    expect([eonCreate.stderr, pgCreate.stderr]).toEqual(['', '']);
    const [mine, theirs] = await Promise.all([psql(target!.conn, ['-c', '\\d+ opts']), psql(reference!, ['-c', '\\d+ opts'])]);
    expect([mine.stderr, theirs.stderr]).toEqual(['', '']);
    expect(theirs.stdout).toContain(`Options: ${POSTGRES_OPTIONS.shown}\n`);
    expect(mine.stdout).toBe(theirs.stdout.replace(POSTGRES_OPTIONS.shown, EON_OPTIONS.shown));
  });

  it('shows the options ALTER TABLE leaves, and none after RESET', async () => {
    await psql(target!.conn, ['-c', 'ALTER TABLE opts SET (read_quorum = 1)']);
    expect((await psql(target!.conn, ['-c', '\\d+ opts'])).stdout).toContain('Options: replicas=2, write_quorum=1, read_quorum=1\n');
    await psql(target!.conn, ['-c', 'ALTER TABLE opts RESET (replicas, write_quorum, read_quorum)']);
    const after = await psql(target!.conn, ['-c', '\\d+ opts']);
    expect(after.stderr).toBe('');
    expect(after.stdout).not.toContain('Options:');
  });
});

describe('bad storage parameters', () => {
  it('an unknown one fails as in PostgreSQL', async () => {
    const sql = `CREATE TABLE bad ${COLUMNS} WITH (nosuch = 1)`;
    const [mine, theirs] = await Promise.all([failure(target!.conn, sql), failure(reference!, sql)]);
    expect(theirs).toEqual({ code: '22023', message: 'unrecognized parameter "nosuch"' });
    expect(mine).toEqual(theirs);
  });

  it('WITH (oids = false) is taken and oids = true refused, as in PostgreSQL 15', async () => {
    const taken = `CREATE TABLE old_dump ${COLUMNS} WITH (oids = false)`;
    expect(await Promise.all([failure(target!.conn, taken), failure(reference!, taken)])).toEqual([{ message: 'no error' }, { message: 'no error' }]);
    const refused = `CREATE TABLE bad ${COLUMNS} WITH (oids = true)`;
    const [mine, theirs] = await Promise.all([failure(target!.conn, refused), failure(reference!, refused)]);
    expect(mine).toEqual(theirs);
    expect(mine.code).toBe('0A000');
  });

  it('a non-integer and an out-of-bounds value fail with the same SQLSTATE and message shapes', async () => {
    const [mine, theirs] = await Promise.all([
      failure(target!.conn, `CREATE TABLE bad ${COLUMNS} WITH (replicas = 'x')`),
      failure(reference!, `CREATE TABLE bad ${COLUMNS} WITH (fillfactor = 'x')`),
    ]);
    expect(theirs).toEqual({ code: '22023', message: 'invalid value for integer option "fillfactor": x' });
    expect(mine).toEqual({ ...theirs, message: theirs.message.replace('fillfactor', 'replicas') });
    const [mineOut, theirsOut] = await Promise.all([
      failure(target!.conn, `CREATE TABLE bad ${COLUMNS} WITH (replicas = 0)`),
      failure(reference!, `CREATE TABLE bad ${COLUMNS} WITH (fillfactor = 0)`),
    ]);
    expect(theirsOut).toEqual({ code: '22023', message: 'value 0 out of bounds for option "fillfactor"', detail: 'Valid values are between "10" and "100".' });
    expect(mineOut).toEqual({ code: '22023', message: 'value 0 out of bounds for option "replicas"', detail: 'Valid values are between "1" and "7".' });
  });
});
