// psycopg2 (the system Python's, from python3-psycopg2) against a running eon node: each script in
// fixtures/psycopg2 prints JSON, asserted here and compared with the same script against PostgreSQL 15.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { repoRoot } from '../support/eon.js';
import { clientRunTimeoutMs, lastJson, libpqEnv, requirePsycopg2, runProcess, systemPython } from '../support/real-clients.js';
import type { ConnInfo } from '../support/postgres.js';
import { startClientTarget } from '../support/target.js';
import type { ClientTarget } from '../support/target.js';

const fixtures = path.join(repoRoot, 'test', 'clients', 'fixtures', 'psycopg2');

let target: ClientTarget;
let reference: ConnInfo;

async function script(name: string, conn: ConnInfo): Promise<Record<string, unknown>> {
  const { stdout } = await runProcess(systemPython, [path.join(fixtures, `${name}.py`)], { env: libpqEnv(conn), timeoutMs: clientRunTimeoutMs });
  return lastJson(stdout);
}

/** The script's answers on eon and on PostgreSQL. */
async function both(name: string): Promise<[Record<string, unknown>, Record<string, unknown>]> {
  // In self-test mode both are the same PostgreSQL database: the scripts' tables would collide.
  if (target.kind === 'postgres') return [await script(name, target.conn), await script(name, reference)];
  return Promise.all([script(name, target.conn), script(name, reference)]);
}

/** The script's answer on eon, after checking PostgreSQL gives the same. */
async function sameAsPostgres(name: string): Promise<Record<string, unknown>> {
  const [eon, pg] = await both(name);
  expect(eon).toEqual(pg);
  return eon;
}

beforeAll(async () => {
  await requirePsycopg2();
  reference = inject('postgres');
  target = await startClientTarget();
});

afterAll(async () => {
  await target?.stop();
});

describe('psycopg2', () => {
  test('connects; parameters inlined as literals; types and cursor.description; errors as exceptions with pgcode', async () => {
    const r = await sameAsPostgres('basic');
    expect(r['server_version']).toBe(15);
    expect(r['params']).toEqual([1, "it's", '2.50']);
    expect(r['plan_cache']).toEqual([[[1, "it's"]], [[2, null]]]);
    expect(r['quoting']).toEqual(["a'b\\c", null, true]);
    expect(r['types']).toEqual({
      int4: ['int', 42],
      int8: ['int', 9000000000],
      numeric: ['Decimal', '1.50'],
      text: ['str', 'x'],
      bool: ['bool', true],
      date: ['date', '2024-02-29'],
      timestamp: ['datetime', '2024-02-29T13:14:15.500000'],
      timestamptz: ['datetime', '2024-02-29T13:14:15+00:00', 0],
      interval: ['timedelta', 93784],
      uuid: ['str', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
      bytea: ['memoryview', '00ff10'],
      jsonb: ['dict', { a: [1, 2], b: null }],
      float8: ['float', 2.5],
    });
    expect(r['type_codes']).toEqual([23, 20, 1700, 25, 16, 1082, 1114, 1184, 1186, 2950, 17, 3802, 701]);
    expect(r['round_trip']).toEqual([true, true, true, true, true, true, true, true]);
    expect(r['errors']).toEqual({
      undefined_table: ['42P01', 'UndefinedTable'],
      undefined_column: ['42703', 'UndefinedColumn'],
      syntax: ['42601', 'SyntaxError'],
      division: ['22012', 'DivisionByZero'],
      unique: ['23505', 'UniqueViolation'],
    });
  });

  test('implicit transactions: commit, rollback, an error then rollback, executemany, context manager, autocommit', async () => {
    const r = await sameAsPostgres('transactions');
    expect(r).toEqual({
      status_in_block: true,
      after_rollback: 0,
      after_commit: 1,
      duplicate: '23505',
      status_failed: true,
      in_failed_block: '25P02',
      after_error_rollback: 1,
      rolled_back_row: 0,
      executemany_rowcount: 500,
      executemany_rolled_back: 0,
      executemany_committed: [500, 100, 599, 500],
      context_manager: [0, 1],
      autocommit_status_idle: true,
      autocommit_row: 1,
    });
  });

  test('copy_expert: COPY FROM STDIN (text, CSV), COPY TO STDOUT, a bad line loads nothing', async () => {
    const r = await sameAsPostgres('copy');
    expect(r['copy_in_rowcount']).toBe(1000);
    expect(r['loaded']).toEqual([1002, 858, '429643.50']);
    expect(r['copy_out_text']).toBe('6\tname 6\t6.25\n7\tname 7\t\\N\n2001\twith, comma\t\\N\n2002\tquote "q"\t\\N\n');
    expect(r['copy_out_csv']).toBe('id,name\n2001,"with, comma"\n2002,"quote ""q"""\n');
    expect(r['bad_copy']).toBe('22P02');
    expect(r['bad_copy_rows']).toBe(0);
  });

  test('named (server-side) cursors: DECLARE … CURSOR [WITH HOLD], FETCH FORWARD n, CLOSE; own writes; errors', async () => {
    const r = await sameAsPostgres('cursors');
    expect(r['named']).toEqual({
      first: [1, 3, 5, 7, 9].map((id) => [id, `row ${id}`]),
      one: [11, 'row 11'],
      rest_count: 119,
      rest_last: 249,
      description: ['id', 'label'],
    });
    expect(r['own_writes']).toEqual({ rows: [[249, 'row 249'], [250, 'row 250'], [1000, 'mine']], after_rollback: 0 });
    expect(r['with_hold']).toEqual({ before: [30, 29, 28], after_commit: [27, 26, 25] });
    expect(r['bad_query']).toEqual({ error: '42703', message: 'column "no_such_column" does not exist' });
  });
});
