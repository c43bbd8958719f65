// System tables (pg_catalog, information_schema, eon_nodes/eon_partitions) and the session and
// catalog functions clients call, through the engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueryEngine, type ClusterInfoProvider } from '../../../query/index.js';
import { Numeric, type ColumnType, type Value } from '../../../src/types/index.js';
import { SYSTEM_TABLES } from '../../../query/catalog/index.js';
import { openTestEngine, run, type TestEngine } from '../../support/engine.js';

const PARTITIONS = 4;

let db: TestEngine;

beforeAll(async () => {
  db = openTestEngine({ name: 'system-tables', partitions: PARTITIONS, user: 'alice' });
  await db.rows('CREATE TABLE items (id int PRIMARY KEY, name varchar(40) NOT NULL, price numeric(10,2), note text)');
  await db.rows('CREATE TABLE pairs (a bigint, b int, seen timestamptz, PRIMARY KEY (a, b))');
  await db.rows('CREATE TABLE loose (x float8, d date)');
  await db.rows("INSERT INTO items VALUES (1, 'pen', 1.50, NULL), (2, 'ink', 3.00, 'blue')");
});

afterAll(() => db?.close());

/** Whether a value has the runtime representation of its column's type (src/types/values.ts). */
function fitsType(v: Value, t: ColumnType): boolean {
  if (v === null) return true;
  switch (t.kind) {
    case 'bool':
      return typeof v === 'boolean';
    case 'int2':
    case 'int4':
      return typeof v === 'number' && Number.isInteger(v);
    case 'int8':
      return typeof v === 'bigint';
    case 'float4':
    case 'float8':
    case 'timestamptz':
      return typeof v === 'number';
    case 'numeric':
      return v instanceof Numeric;
    case 'text':
    case 'varchar':
      return typeof v === 'string';
    default:
      return false;
  }
}

describe('every system table', () => {
  it('returns rows as wide as its columns, each value of its column type', async () => {
    for (const def of SYSTEM_TABLES) {
      const rows = (await db.rows(`SELECT * FROM ${def.schema}.${def.name}`)) as Value[][];
      for (const row of rows) {
        expect(row, `${def.schema}.${def.name}`).toHaveLength(def.columns.length);
        row.forEach((v, i) => expect(fitsType(v, def.columns[i]!.type), `${def.name}.${def.columns[i]!.name} = ${String(v)}`).toBe(true));
      }
    }
  });
});

describe('pg_catalog', () => {
  it('pg_namespace lists the schemas PostgreSQL has', async () => {
    expect(await db.rows('SELECT nspname FROM pg_catalog.pg_namespace ORDER BY 1')).toEqual([['information_schema'], ['pg_catalog'], ['pg_toast'], ['public']]);
  });

  it('pg_class lists user tables and their primary-key indexes in public, joined to pg_namespace', async () => {
    const rows = await db.rows(
      "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1",
    );
    expect(rows).toEqual([['items', 'r'], ['items_pkey', 'i'], ['loose', 'r'], ['pairs', 'r'], ['pairs_pkey', 'i']]);
  });

  it('pg_class lists the system tables under their schemas', async () => {
    const rows = await db.rows("SELECT n.nspname, c.relkind FROM pg_class c, pg_namespace n WHERE n.oid = c.relnamespace AND c.relname IN ('pg_class', 'tables', 'eon_nodes') ORDER BY 1");
    expect(rows).toEqual([['information_schema', 'v'], ['pg_catalog', 'r'], ['pg_catalog', 'v']]);
  });

  it('pg_attribute with format_type gives each column its SQL type, in order', async () => {
    const rows = await db.rows(
      "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relname = 'items' AND a.attnum > 0 ORDER BY a.attnum",
    );
    expect(rows).toEqual([
      ['id', 'integer', true],
      ['name', 'character varying(40)', true],
      ['price', 'numeric(10,2)', false],
      ['note', 'text', false],
    ]);
  });

  it('pg_type carries PostgreSQL type OIDs', async () => {
    const rows = await db.rows("SELECT oid, typname FROM pg_type WHERE typname IN ('int4', 'text', 'numeric', 'timestamptz') ORDER BY oid");
    expect(rows).toEqual([[23, 'int4'], [25, 'text'], [1184, 'timestamptz'], [1700, 'numeric']]);
  });

  it('pg_index and pg_constraint describe primary keys, with pg_get_constraintdef and pg_get_indexdef', async () => {
    const idx = await db.rows("SELECT i.indkey, i.indisprimary, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = 'pairs'");
    expect(idx).toEqual([['1 2', true, 'CREATE UNIQUE INDEX pairs_pkey ON public.pairs USING btree (a, b)']]);
    const con = await db.rows("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = (SELECT oid FROM pg_class WHERE relname = 'items')");
    expect(con).toEqual([['items_pkey', 'p', 'PRIMARY KEY (id)']]);
  });

  it('pg_tables, pg_database, pg_roles and pg_user', async () => {
    expect(await db.rows("SELECT tablename, hasindexes FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).toEqual([['items', true], ['loose', false], ['pairs', true]]);
    expect(await db.rows('SELECT datname, pg_encoding_to_char(encoding) FROM pg_database ORDER BY 1')).toEqual([['eon', 'UTF8'], ['postgres', 'UTF8']]);
    expect(await db.rows('SELECT rolname, rolsuper FROM pg_roles')).toEqual([['alice', true]]);
    expect(await db.rows('SELECT usename, pg_get_userbyid(usesysid) FROM pg_user')).toEqual([['alice', 'alice']]);
    expect(await db.rows('SELECT count(*) FROM pg_description')).toEqual([[0n]]);
  });

  it('pg_settings follows the session: SET changes it, other sessions keep the default', async () => {
    const other = db.open('bob');
    const sql = "SELECT setting, source FROM pg_settings WHERE name = 'application_name'";
    expect(await run(other, sql)).toEqual([['', 'default']]);
    await db.rows("SET application_name = 'catalog-test'");
    expect(await db.rows(sql)).toEqual([['catalog-test', 'session']]);
    expect(await run(other, sql)).toEqual([['', 'default']]);
    expect(await run(other, 'SELECT rolname FROM pg_roles')).toEqual([['bob']]);
    await db.rows('RESET application_name');
  });

  it('a user table of the same name is reached through public., the catalog one unqualified', async () => {
    await db.rows('CREATE TABLE pg_am (id int)');
    try {
      expect(await db.rows('SELECT amname FROM pg_am ORDER BY 1')).toEqual([['btree'], ['heap']]);
      expect(await db.rows('SELECT count(*) FROM public.pg_am')).toEqual([[0n]]);
    } finally {
      await db.rows('DROP TABLE pg_am');
    }
  });

  it('rows are computed at execution: a prepared statement sees tables created later', async () => {
    const st = await db.session.prepare("SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relnamespace = 2200");
    const before = (await st.execute([])).rows;
    await db.rows('CREATE TABLE later (k int)');
    try {
      const after = (await st.execute([])).rows;
      expect(after[0]![0]).toBe((before[0]![0] as bigint) + 1n);
    } finally {
      await db.rows('DROP TABLE later');
    }
  });

  it('unknown catalog relations fail as in PostgreSQL', async () => {
    expect((await db.errorOf('SELECT * FROM pg_catalog.no_such')).code).toBe('undefined_table');
    expect((await db.errorOf('SELECT * FROM information_schema.pg_class')).code).toBe('undefined_table');
    expect((await db.errorOf('SELECT * FROM other_schema.items')).code).toBe('undefined_table');
  });

  it('a system-table scan stays on the coordinator (no fragment) and is never a key lookup', async () => {
    const plan = (await db.rows("EXPLAIN SELECT * FROM pg_class WHERE oid = 16384 AND relname = 'items'")).map((r) => String(r[0])).join('\n');
    expect(plan).not.toMatch(/fragment|data engine|Point Lookup/i);
    expect(plan).toMatch(/pg_class/);
  });
});

describe('information_schema', () => {
  it('columns gives data types, nullability and sizes as PostgreSQL does', async () => {
    const rows = await db.rows(
      "SELECT table_name, column_name, ordinal_position, data_type, is_nullable, character_maximum_length, numeric_precision, numeric_scale, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 3",
    );
    expect(rows).toEqual([
      ['items', 'id', 1, 'integer', 'NO', null, 32, 0, null],
      ['items', 'name', 2, 'character varying', 'NO', 40, null, null, null],
      ['items', 'price', 3, 'numeric', 'YES', null, 10, 2, null],
      ['items', 'note', 4, 'text', 'YES', null, null, null, null],
      ['loose', 'x', 1, 'double precision', 'YES', null, 53, null, null],
      ['loose', 'd', 2, 'date', 'YES', null, null, null, null],
      ['pairs', 'a', 1, 'bigint', 'NO', null, 64, 0, null],
      ['pairs', 'b', 2, 'integer', 'NO', null, 32, 0, null],
      ['pairs', 'seen', 3, 'timestamp with time zone', 'YES', null, null, null, null],
    ]);
  });

  it('tables, schemata, table_constraints and key_column_usage', async () => {
    expect(await db.rows("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).toEqual([
      ['items', 'BASE TABLE'],
      ['loose', 'BASE TABLE'],
      ['pairs', 'BASE TABLE'],
    ]);
    expect(await db.rows('SELECT schema_name FROM information_schema.schemata ORDER BY 1')).toEqual([['information_schema'], ['pg_catalog'], ['public']]);
    expect(await db.rows("SELECT table_name, constraint_name, constraint_type FROM information_schema.table_constraints WHERE table_schema = 'public' ORDER BY 1")).toEqual([
      ['items', 'items_pkey', 'PRIMARY KEY'],
      ['pairs', 'pairs_pkey', 'PRIMARY KEY'],
    ]);
    expect(await db.rows("SELECT column_name, ordinal_position FROM information_schema.key_column_usage WHERE table_name = 'pairs' ORDER BY 2")).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });
});

describe('eon_nodes and eon_partitions', () => {
  it('a standalone node is one live member owning every partition', async () => {
    expect(await db.rows('SELECT node, state, partitions_owned, partitions_held, is_self FROM eon_nodes')).toEqual([['local', 'alive', PARTITIONS, PARTITIONS, true]]);
    // "partition" is quoted: node-sql-parser takes a bare PARTITION for the keyword.
    const parts = await db.rows('SELECT "partition", owner, replicas, replication_delay_ms, hints_pending FROM eon_partitions ORDER BY 1');
    expect(parts).toHaveLength(PARTITIONS);
    expect(parts[0]).toEqual([0, 'local', 'local', null, 0n]);
  });

  it('an injected cluster provider supplies the rows', async () => {
    const cluster: ClusterInfoProvider = {
      view: () => ({
        self: 'n1',
        partitions: 2,
        replicas: 2,
        ringVersion: 3,
        members: [
          { id: 'n1', peer: '10.0.0.1:7000', state: 'alive', incarnation: 2, pgPort: 5432, httpPort: 8080, partitionsOwned: 1, partitionsHeld: 2, stats: { heartbeat: 41, mean_response_ms: 1.5, error_rate: 0, load: '0.25' } },
          { id: 'n2', peer: '10.0.0.2:7000', state: 'suspect', incarnation: 5, pgPort: null, httpPort: null, partitionsOwned: 1, partitionsHeld: 2, stats: {} },
        ],
      }),
      partitions: () => [
        { partition: 0, owner: 'n1', replicas: ['n1', 'n2'], rows: 10, replicationDelayMs: 2.5, hintsPending: 1 },
        { partition: 1, owner: 'n2', replicas: ['n2', 'n1'], rows: null, replicationDelayMs: 0, hintsPending: 0 },
      ],
    };
    const clustered = createQueryEngine({ store: db.store, pool: db.pool, cluster });
    const s = clustered.openSession({ user: 'eon', database: 'eon' });
    expect(await run(s, 'SELECT node, peer, state, incarnation, pg_port, heartbeat, mean_response_ms, load, is_self FROM eon_nodes ORDER BY node')).toEqual([
      ['n1', '10.0.0.1:7000', 'alive', 2n, 5432, 41n, 1.5, 0.25, true],
      ['n2', '10.0.0.2:7000', 'suspect', 5n, null, null, null, null, false],
    ]);
    expect(await run(s, 'SELECT * FROM eon_partitions p ORDER BY p.partition')).toEqual([
      [0, 'n1', 'n1,n2', 10n, 2.5, 1n],
      [1, 'n2', 'n2,n1', null, 0, 0n],
    ]);
    await clustered.close();
  });
});

describe('system functions', () => {
  it('version() starts with the PostgreSQL version drivers parse', async () => {
    const [[v]] = (await db.rows('SELECT version()')) as [[string]];
    expect(v).toMatch(/^PostgreSQL 15\.0 \(eon \d+\.\d+\.\d+\)/);
  });

  it('current_database, current_schema, current_schemas, current_setting', async () => {
    expect(await db.rows("SELECT current_database(), current_schema(), current_schemas(false), current_setting('server_version'), current_setting('no.such', true)")).toEqual([
      ['eon', 'public', '{public}', '15.0', null],
    ]);
    expect((await db.errorOf("SELECT current_setting('no_such_setting')")).code).toBe('undefined_object');
    expect(await db.rows('SELECT current_user, session_user, current_role, user')).toEqual([['alice', 'alice', 'alice', 'alice']]);
    // As in PostgreSQL, these are keywords, not functions: parentheses are a syntax error.
    expect((await db.errorOf('SELECT current_user()')).code).toBe('syntax_error');
  });

  it('current_setting reads the session, not a plan cached for another session', async () => {
    const a = db.open('a');
    const b = db.open('b', 'postgres');
    await run(a, "SET application_name = 'first'");
    const sql = "SELECT current_setting('application_name'), current_database()";
    expect(await run(a, sql)).toEqual([['first', 'eon']]);
    expect(await run(b, sql)).toEqual([['', 'postgres']]);
    await run(a, "SET application_name = 'second'");
    expect(await run(a, sql)).toEqual([['second', 'eon']]);
  });

  it('set_config changes the session setting', async () => {
    expect(await db.rows("SELECT set_config('application_name', 'via-set-config', false)")).toEqual([['via-set-config']]);
    expect(await db.rows('SHOW application_name')).toEqual([['via-set-config']]);
    await db.rows('RESET application_name');
  });

  it('format_type, privileges, descriptions and visibility', async () => {
    expect(await db.rows('SELECT format_type(1043, 14), format_type(1700, -1), format_type(23, NULL), format_type(99999, -1), format_type(NULL, 1)')).toEqual([
      ['character varying(10)', 'numeric', 'integer', '???', null],
    ]);
    expect(await db.rows("SELECT has_table_privilege('items', 'SELECT'), has_schema_privilege('public', 'USAGE'), has_database_privilege('alice', 'eon', 'CONNECT')")).toEqual([[true, true, true]]);
    expect(await db.rows("SELECT obj_description(16384, 'pg_class'), col_description(16384, 1), pg_table_is_visible((SELECT oid FROM pg_class WHERE relname = 'items')), pg_table_is_visible(16384)")).toEqual([[null, null, true, null]]);
    expect(await db.rows('SELECT pg_size_pretty(10239::int8), pg_size_pretty(10240::int8), pg_size_pretty(pg_table_size(16384)), pg_my_temp_schema(), pg_is_in_recovery()')).toEqual([
      ['10239 bytes', '10 kB', null, 0, false],
    ]);
    expect(await db.rows("SELECT array_to_string('{a,b}', '/'), array_to_string(NULL, '/')")).toEqual([['a/b', null]]);
  });
});
