// pgjdbc (Debian's libpostgresql-jdbc-java) against a running eon node: fixtures/pgjdbc/JdbcProbe.java,
// compiled into a temp dir, prints one JSON object; each answer is asserted here and, where eon
// answers, compared with the same program against PostgreSQL 15.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { repoRoot } from '../support/eon.js';
import { clientRunTimeoutMs, javacTimeoutMs, jdbcUrl, lastJson, pgjdbcJar, quickJvmFlags, requirePgjdbc, runProcess } from '../support/real-clients.js';
import type { ConnInfo } from '../support/postgres.js';
import { startClientTarget } from '../support/target.js';
import type { ClientTarget } from '../support/target.js';

const source = path.join(repoRoot, 'test', 'clients', 'fixtures', 'pgjdbc', 'JdbcProbe.java');

let target: ClientTarget;
let classes: string;
let eon: Record<string, unknown>;
let pg: Record<string, unknown>;

async function probe(conn: ConnInfo): Promise<Record<string, unknown>> {
  const classpath = `${pgjdbcJar}${path.delimiter}${classes}`;
  const { stdout } = await runProcess('java', [...quickJvmFlags, '-cp', classpath, 'JdbcProbe', jdbcUrl(conn), conn.user], { timeoutMs: clientRunTimeoutMs });
  return lastJson(stdout);
}

beforeAll(async () => {
  await requirePgjdbc();
  classes = await mkdtemp(path.join(tmpdir(), 'eon-pgjdbc-'));
  // javac and the node's start overlap: both are seconds on a busy machine.
  const compiled = runProcess('javac', [...quickJvmFlags.map((f) => `-J${f}`), '-d', classes, '-cp', pgjdbcJar, source], { timeoutMs: javacTimeoutMs });
  [target] = await Promise.all([startClientTarget(), compiled]);
  // In self-test mode both are the same PostgreSQL database: the program's tables would collide.
  if (target.kind === 'postgres') {
    eon = await probe(target.conn);
    pg = await probe(inject('postgres'));
  } else [eon, pg] = await Promise.all([probe(target.conn), probe(inject('postgres'))]);
});

afterAll(async () => {
  await target?.stop();
  if (classes !== undefined) await rm(classes, { recursive: true, force: true });
});

/** eon's answer to a check, after checking PostgreSQL answers the same. */
function same(check: string): unknown {
  expect(eon[check], check).toEqual(pg[check]);
  return eon[check];
}

describe('pgjdbc', () => {
  test('connects and reports PostgreSQL 15', () => {
    expect(same('connect')).toEqual({ product: 'PostgreSQL', version: 15, one: 1 });
  });

  test('PreparedStatement run 10 times (server-prepared from the 5th): SELECT and INSERT with typed parameters', () => {
    expect(same('prepared')).toEqual(Array.from({ length: 10 }, (_, i) => `${2 * i}:n${i}`));
    expect(same('preparedInsert')).toEqual(Array.from({ length: 10 }, (_, i) => `p${i}|${i}.50|2024-01-0${1 + (i % 9)}`));
  });

  test('batch inserts: addBatch/executeBatch, and reWriteBatchedInserts=true (multi-row INSERT)', () => {
    expect(same('batch')).toEqual({ batches: 100, updated: 100, rows: 100, nulls: 10 });
    expect(same('batchRewritten')).toEqual({ batches: 50, rows: 50 });
  });

  test('setAutoCommit(false): rollback, commit, an error then rollback', () => {
    expect(same('transaction')).toEqual({ afterRollback: 0, afterCommit: 1, duplicate: '23505', inFailedBlock: '25P02', afterErrorRollback: 1 });
  });

  test('server errors arrive as SQLException with the SQLSTATE', () => {
    expect(same('serverError')).toBe('42P01');
  });

  test('DatabaseMetaData: getSchemas, getTables, getColumns', () => {
    expect(same('getSchemas')).toEqual([['information_schema'], ['pg_catalog'], ['public']]);
    expect(same('getTables')).toEqual([
      ['public', 'jdbc_child', 'TABLE'],
      ['public', 'jdbc_t', 'TABLE'],
    ]);
    expect(same('getColumns')).toEqual([
      ['id', 4, 'int4', 0, 1],
      ['name', 12, 'text', 0, 2],
      ['amount', 2, 'numeric', 1, 3],
      ['created', 91, 'date', 1, 4],
    ]);
  });

  test('DatabaseMetaData: getPrimaryKeys, getIndexInfo (primary key, UNIQUE and plain indexes), getBestRowIdentifier', () => {
    // pgjdbc selects information_schema._pg_expandarray(indkey) and reads (…).x / (…).n of it.
    expect(same('getPrimaryKeys')).toEqual([
      ['jdbc_t', 'name', 1],
      ['jdbc_t', 'id', 2],
    ]);
    expect(same('getIndexInfo')).toEqual([
      ['jdbc_t_id_key', false, 1, 'id'],
      ['jdbc_t_pkey', false, 1, 'name'],
      ['jdbc_t_pkey', false, 2, 'id'],
      ['jdbc_t_amount', true, 1, 'amount'],
    ]);
    expect(same('getIndexInfoUnique')).toEqual([
      ['jdbc_t_id_key', 1, 'id'],
      ['jdbc_t_pkey', 1, 'name'],
      ['jdbc_t_pkey', 2, 'id'],
    ]);
    expect(same('getBestRowIdentifier')).toEqual([['id'], ['name']]);
  });

  test('DatabaseMetaData: getImportedKeys, getExportedKeys (max_index_keys in pg_settings; eon has no foreign keys: empty)', () => {
    expect(same('getImportedKeys')).toEqual([]);
    expect(same('getExportedKeys')).toEqual([]);
  });

  test('DatabaseMetaData: getTypeInfo (pg_type.typinput, typinput = array_in::regproc), getFunctions (pg_proc.prorettype)', () => {
    expect(same('getTypeInfo')).toEqual({ count: true, types: ['bool:-7', 'int4:4', 'numeric:2', 'text:12'] });
    expect(same('getFunctions')).toBe(true);
  });

  test('ResultSetMetaData: names and types (eon sends no table OID: table name empty, nullability unknown)', () => {
    expect(pg['resultSetMetaData']).toEqual(['id:int4:jdbc_t:0', 'name:text:jdbc_t:0', 'amount:numeric:jdbc_t:1']);
    // Self-test mode (EON_DIFF_SELFTEST=1) points the target at PostgreSQL too.
    expect(eon['resultSetMetaData']).toEqual(target.kind === 'postgres' ? pg['resultSetMetaData'] : ['id:int4::2', 'name:text::2', 'amount:numeric::2']);
  });
});
