// What drivers and tools read from the catalogs, against a running eon node and checked against
// the reference PostgreSQL for the same tables: information_schema, pg_catalog joins, catalog
// functions, settings; eon_nodes/eon_partitions on a single node; psql's listing commands.

import { execFile } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { startClientTarget, type ClientTarget } from '../support/target.js';
import type { ConnInfo } from '../support/postgres.js';

const PARTITIONS = 8;
const psqlTimeoutMs = 20_000;
/** Values as text, so eon's int4 OIDs and PostgreSQL's oid type compare equal. */
const rawText = { getTypeParser: () => (value: string) => value };

const TABLES = [
  'CREATE TABLE cat_items (id int PRIMARY KEY, name varchar(40) NOT NULL, price numeric(10,2), note text, qty smallint, added date)',
  'CREATE TABLE cat_pairs (a bigint, b int, seen timestamptz, at timestamp, ratio float8, r4 real, flag boolean, PRIMARY KEY (a, b))',
  'CREATE TABLE cat_loose (x double precision, n numeric, v varchar, span interval)',
];
const NAMES = "('cat_items', 'cat_pairs', 'cat_loose')";

let target: ClientTarget;
let eon: pg.Client;
let reference: pg.Client;
let referenceDb: string;
let admin: ConnInfo;

async function rows(c: pg.Client, sql: string): Promise<unknown[][]> {
  const r = await c.query({ text: sql, rowMode: 'array', types: rawText });
  return r.rows as unknown[][];
}

/** The same query on eon and on PostgreSQL gives the same rows. */
async function expectSame(sql: string): Promise<unknown[][]> {
  const [mine, theirs] = await Promise.all([rows(eon, sql), rows(reference, sql)]);
  expect(theirs.length).toBeGreaterThan(0);
  expect(mine).toEqual(theirs);
  return mine;
}

beforeAll(async () => {
  target = await startClientTarget({ partitions: PARTITIONS });
  eon = new pg.Client({ ...target.conn, connectionTimeoutMillis: 10_000 });
  await eon.connect();
  admin = inject('postgres');
  referenceDb = `eon_catalog_${process.pid}`;
  const a = new pg.Client(admin);
  await a.connect();
  await a.query(`DROP DATABASE IF EXISTS ${referenceDb}`);
  await a.query(`CREATE DATABASE ${referenceDb}`);
  await a.end();
  reference = new pg.Client({ ...admin, database: referenceDb });
  await reference.connect();
  for (const sql of TABLES) {
    await eon.query(sql.replace('CREATE TABLE', 'CREATE TABLE IF NOT EXISTS'));
    await reference.query(sql);
  }
});

afterAll(async () => {
  for (const name of ['cat_items', 'cat_pairs', 'cat_loose']) await eon?.query(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
  await eon?.end().catch(() => undefined);
  await reference?.end().catch(() => undefined);
  if (admin !== undefined) {
    const a = new pg.Client(admin);
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${referenceDb} WITH (FORCE)`).catch(() => undefined);
    await a.end();
  }
  await target?.stop();
});

describe('information_schema, as PostgreSQL answers it', () => {
  test('columns: types, nullability, sizes, defaults', async () => {
    const got = await expectSame(
      `SELECT table_name, column_name, ordinal_position, data_type, is_nullable, character_maximum_length, character_octet_length,
              numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision, column_default, udt_name
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name IN ${NAMES} ORDER BY 1, ordinal_position`,
    );
    expect(got).toHaveLength(17);
  });

  test('tables, table_constraints, key_column_usage', async () => {
    await expectSame(`SELECT table_name, table_type, is_insertable_into FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ${NAMES} ORDER BY 1`);
    await expectSame(
      `SELECT table_name, constraint_name, constraint_type, is_deferrable FROM information_schema.table_constraints
       WHERE table_schema = 'public' AND table_name IN ${NAMES} AND constraint_type = 'PRIMARY KEY' ORDER BY 1`,
    );
    await expectSame(`SELECT table_name, column_name, ordinal_position FROM information_schema.key_column_usage WHERE table_name IN ${NAMES} ORDER BY 1, 3`);
  });
});

describe('pg_catalog, as PostgreSQL answers it', () => {
  test('pg_class ⋈ pg_attribute ⋈ pg_namespace with format_type', async () => {
    await expectSame(
      `SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relname IN ${NAMES} AND a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2`,
    );
  });

  test('pg_class kinds, and primary-key indexes through pg_index and pg_constraint', async () => {
    await expectSame(
      `SELECT c.relname, c.relkind, c.relnatts, c.relhasindex, c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relname LIKE 'cat%' ORDER BY 1`,
    );
    await expectSame(
      `SELECT t.relname, ic.relname, i.indisprimary, i.indisunique, i.indnatts, i.indkey, pg_get_indexdef(i.indexrelid)
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid WHERE t.relname IN ${NAMES} ORDER BY 1`,
    );
    await expectSame(
      `SELECT t.relname, c.conname, c.contype, c.conkey, pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
       WHERE t.relname IN ${NAMES} ORDER BY 1`,
    );
  });

  test('pg_namespace, pg_tables, pg_type', async () => {
    await expectSame("SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_temp%' AND nspname NOT LIKE 'pg_toast_temp%' ORDER BY 1");
    await expectSame(`SELECT schemaname, tablename, hasindexes, hasrules, hastriggers FROM pg_tables WHERE tablename IN ${NAMES} ORDER BY 2`);
    await expectSame(
      `SELECT oid, typname, typlen, typbyval, typtype, typcategory, typarray FROM pg_type
       WHERE typname IN ('bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'date', 'timestamp', 'timestamptz', 'interval') ORDER BY oid`,
    );
  });

  test('catalog functions and settings', async () => {
    await expectSame(
      "SELECT format_type(1043, 44), format_type(1700, 655366), format_type(1184, -1), format_type(16, NULL), pg_encoding_to_char(6), current_schema(), has_table_privilege('cat_items', 'SELECT')",
    );
    await expectSame(
      "SELECT current_setting('server_encoding'), current_setting('client_encoding'), current_setting('DateStyle'), current_setting('integer_datetimes'), current_setting('standard_conforming_strings'), current_setting('no.such', true)",
    );
    await expectSame("SELECT name, setting FROM pg_settings WHERE name IN ('DateStyle', 'TimeZone', 'server_encoding', 'integer_datetimes') ORDER BY 1");
    await expectSame('SELECT pg_size_pretty(0::int8), pg_size_pretty(10239::int8), pg_size_pretty(10240::int8), pg_size_pretty(123456789::int8), pg_size_pretty(-98765432109::int8)');
  });

  test('version() and server_version name PostgreSQL 15', async () => {
    const [[version, serverVersion]] = (await rows(eon, "SELECT version(), current_setting('server_version')")) as [[string, string]];
    expect(version).toMatch(/^PostgreSQL 15\./);
    expect(serverVersion).toMatch(/^15\./);
    const [[db, user]] = (await rows(eon, 'SELECT current_database(), usename FROM pg_user')) as [[string, string]];
    expect([db, user]).toEqual([target.conn.database, target.conn.user]);
  });
});

describe('eon_nodes and eon_partitions', () => {
  test('a single node is one live member owning every partition', async () => {
    if (target.kind !== 'eon') {
      // The self-test against PostgreSQL: these are eon's own.
      await expect(eon.query('SELECT * FROM eon_nodes')).rejects.toMatchObject({ code: '42P01' });
      return;
    }
    const nodes = await eon.query('SELECT node, state, partitions_owned, partitions_held FROM eon_nodes');
    // The node's cluster id (kept in its data directory): n- and eight hex digits.
    expect(nodes.rows).toEqual([{ node: expect.stringMatching(/^n-[0-9a-f]{8}$/), state: 'alive', partitions_owned: PARTITIONS, partitions_held: PARTITIONS }]);
    const parts = await eon.query('SELECT count(*)::int AS n, count(DISTINCT owner)::int AS owners, max(hints_pending)::int AS hints FROM eon_partitions');
    expect(parts.rows).toEqual([{ n: PARTITIONS, owners: 1, hints: 0 }]);
  });
});

function psql(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { host, port, user, database } = target.conn;
  return new Promise((resolve) => {
    execFile(
      'psql',
      ['-X', '-h', host, '-p', String(port), '-U', user, '-d', database, ...args],
      { timeout: psqlTimeoutMs, env: { ...process.env, PGCONNECT_TIMEOUT: '10', PAGER: '' } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

describe('psql listing commands', () => {
  const ours = (out: string): string[][] => out.split('\n').filter((l) => l.includes('|cat_')).map((l) => l.split('|'));

  test('\\dt lists the tables, \\di their primary-key indexes; \\dn, \\l, \\dt+, \\df, \\db run', async () => {
    const dt = await psql(['-At', '-c', '\\dt']);
    expect(dt.stderr).toBe('');
    expect(ours(dt.stdout).map((l) => l.slice(0, 3).join('|'))).toEqual([
      'public|cat_items|table',
      'public|cat_loose|table',
      'public|cat_pairs|table',
    ]);
    const di = await psql(['-At', '-c', '\\di']);
    expect(ours(di.stdout).map((l) => l[1])).toEqual(['cat_items_pkey', 'cat_pairs_pkey']);
    // One psql run for the rest: each command must print no error.
    const rest = await psql(['-At', '-c', '\\dn', '-c', '\\l', '-c', '\\dt+', '-c', '\\df', '-c', '\\db']);
    expect({ stderr: rest.stderr, code: rest.code }).toEqual({ stderr: '', code: 0 });
    expect(rest.stdout).toMatch(/^public\|/m);
    expect(rest.stdout).toMatch(/^postgres\|/m);
    expect(rest.stdout).toMatch(/^pg_default\|/m);
  });
});
