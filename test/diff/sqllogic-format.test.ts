// The SQL logic file parser and the outcome comparison of the differential runner, without servers.

import { afterEach, describe, expect, inject, test } from 'vitest';
import { datasetStatements, generateTables, seededRandom } from '../support/datagen.js';
import { nodeIndexOf } from '../support/diff-suite.js';
import { DIFF_CLUSTER_ENV, diffClusterSize } from '../support/global-setup.js';
import { freePort } from '../support/ports.js';
import { Connection, asObserved, brokenStreakMax, compareOutcomes, compareRefusal, parseSqlLogic, refusalSql } from '../support/sqllogic.js';
import type { Outcome, SqlBlock } from '../support/sqllogic.js';

describe('parseSqlLogic', () => {
  test('reads blocks, flags, lines and skips comment-only blocks', () => {
    const text = [
      '-- a file comment',
      '',
      '-- query sorted approx',
      'SELECT 1',
      '  AS x',
      '',
      '',
      '-- statement',
      'CREATE TABLE f_t (a int)',
      '',
      '-- why this errors',
      '-- error 22012',
      'SELECT 1/0',
    ].join('\n');
    const blocks = parseSqlLogic(text, 'f.sql');
    expect(blocks.map((b) => [b.kind, b.line, b.sorted, b.approx, b.sqlstate, b.sql])).toEqual([
      ['query', 3, true, true, undefined, 'SELECT 1\n  AS x'],
      ['statement', 8, false, false, undefined, 'CREATE TABLE f_t (a int)'],
      ['error', 12, false, false, '22012', 'SELECT 1/0'],
    ]);
  });

  test('rejects a block without a directive, an unknown flag and an empty block', () => {
    expect(() => parseSqlLogic('SELECT 1', 'f.sql')).toThrow(/f.sql:1: block without/);
    expect(() => parseSqlLogic('-- query fast\nSELECT 1', 'f.sql')).toThrow(/unknown flag fast/);
    expect(() => parseSqlLogic('-- error\n', 'f.sql')).toThrow();
    expect(() => parseSqlLogic('-- query\n-- only a comment', 'f.sql')).not.toThrow();
  });

  test('reads @cluster-refuses from the comment lines above a directive, and only there', () => {
    const blocks = parseSqlLogic('-- why\n-- @cluster-refuses 0A000\n-- statement\nTRUNCATE f_t\n\n-- query\nSELECT 1', 'f.sql');
    expect(blocks.map((b) => [b.line, b.clusterRefuses])).toEqual([[3, '0A000'], [6, undefined]]);
    expect(() => parseSqlLogic('-- @cluster-refuses\n-- statement\nSELECT 1', 'f.sql')).toThrow(/needs a SQLSTATE/);
    expect(() => parseSqlLogic('-- @cluster-refuses 0a000\n-- statement\nSELECT 1', 'f.sql')).toThrow(/needs a SQLSTATE/);
    expect(() => parseSqlLogic('-- @cluster-refuses 0A000\n-- @cluster-refuses 0A000\n-- statement\nSELECT 1', 'f.sql')).toThrow(/two @cluster-refuses/);
    expect(() => parseSqlLogic('-- @cluster-refuses 0A000\n\n-- statement\nSELECT 1', 'f.sql')).toThrow(/just above a block's directive/);
  });
});

describe('compareOutcomes', () => {
  const block = (kind: SqlBlock['kind'], extra: Partial<SqlBlock> = {}): SqlBlock => ({
    kind,
    sorted: false,
    approx: false,
    sql: 'SELECT',
    file: 'f.sql',
    line: 1,
    ...extra,
  });
  const rows = (columns: [string, number][], data: (string | null)[][]): Outcome => ({
    kind: 'ok',
    command: 'SELECT',
    rowCount: data.length,
    columns: columns.map(([name, oid]) => ({ name, oid })),
    rows: data,
  });
  const error = (sqlstate: string): Outcome => ({ kind: 'error', sqlstate, message: 'boom' });

  test('equal results pass; a different value, order, name or type fails', () => {
    const ref = rows([['a', 23]], [['1'], ['2']]);
    expect(compareOutcomes(block('query'), ref, rows([['a', 23]], [['1'], ['2']]), 'eon')).toBeNull();
    expect(compareOutcomes(block('query'), ref, rows([['a', 23]], [['2'], ['1']]), 'eon')).toMatch(/rows differ/);
    expect(compareOutcomes(block('query'), ref, rows([['b', 23]], [['1'], ['2']]), 'eon')).toMatch(/columns differ/);
    expect(compareOutcomes(block('query'), ref, rows([['a', 20]], [['1'], ['2']]), 'eon')).toMatch(/columns differ/);
    expect(compareOutcomes(block('query'), ref, rows([['a', 23]], [['1'], [null]]), 'eon')).toMatch(/rows differ/);
    expect(compareOutcomes(block('query'), ref, rows([['a', 23]], [['1']]), 'eon')).toMatch(/2 rows, eon 1 rows/);
  });

  test('sorted compares multisets', () => {
    const ref = rows([['a', 25]], [['x'], ['y'], ['x']]);
    expect(compareOutcomes(block('query', { sorted: true }), ref, rows([['a', 25]], [['y'], ['x'], ['x']]), 'eon')).toBeNull();
    expect(compareOutcomes(block('query', { sorted: true }), ref, rows([['a', 25]], [['y'], ['y'], ['x']]), 'eon')).not.toBeNull();
  });

  test('approx tolerates a relative 1e-12 on float8 columns only', () => {
    const ref = rows([['f', 701], ['n', 1700]], [['1000.0000000000001', '1.5']]);
    const near = rows([['f', 701], ['n', 1700]], [['1000.0000000000002', '1.5']]);
    expect(compareOutcomes(block('query'), ref, near, 'eon')).not.toBeNull();
    expect(compareOutcomes(block('query', { approx: true }), ref, near, 'eon')).toBeNull();
    const far = rows([['f', 701], ['n', 1700]], [['1000.001', '1.5']]);
    expect(compareOutcomes(block('query', { approx: true }), ref, far, 'eon')).not.toBeNull();
    const numericOff = rows([['f', 701], ['n', 1700]], [['1000.0000000000001', '1.50']]);
    expect(compareOutcomes(block('query', { approx: true }), ref, numericOff, 'eon')).not.toBeNull();
  });

  test('errors: same SQLSTATE passes, a different one or a success fails, a reference error fails the test', () => {
    expect(compareOutcomes(block('error'), error('22012'), error('22012'), 'eon')).toBeNull();
    expect(compareOutcomes(block('error'), error('22012'), error('XX000'), 'eon')).toMatch(/SQLSTATE differs/);
    expect(compareOutcomes(block('error'), error('22012'), rows([], []), 'eon')).toMatch(/eon succeeded/);
    expect(compareOutcomes(block('error', { sqlstate: '42601' }), error('22012'), error('22012'), 'eon')).toMatch(/expects 42601/);
    expect(compareOutcomes(block('error'), rows([], []), error('22012'), 'eon')).toMatch(/fix the test/);
    expect(compareOutcomes(block('query'), error('42601'), rows([], []), 'eon')).toMatch(/fix the test/);
    expect(compareOutcomes(block('query'), rows([], []), error('XX000'), 'eon')).toMatch(/eon failed where PostgreSQL succeeded: XX000/);
  });

  test('statements compare the command tag and row count', () => {
    const ins = (n: number): Outcome => ({ kind: 'ok', command: 'INSERT', rowCount: n, columns: [], rows: [] });
    expect(compareOutcomes(block('statement'), ins(3), ins(3), 'eon')).toBeNull();
    expect(compareOutcomes(block('statement'), ins(3), ins(2), 'eon')).toMatch(/command tag differs/);
  });
});

describe('cluster mode comparisons', () => {
  const ok = (columns: string[], data: string[][], command = 'SELECT'): Outcome => ({
    kind: 'ok',
    command,
    rowCount: data.length,
    columns: columns.map((name) => ({ name, oid: 25 })),
    rows: data,
  });
  const error = (sqlstate: string): Outcome => ({ kind: 'error', sqlstate, message: 'boom' });
  const block = (kind: SqlBlock['kind'], sql: string, extra: Partial<SqlBlock> = {}): SqlBlock => ({ kind, sorted: false, approx: false, sql, file: 'f.sql', line: 1, ...extra });

  test('a marked block passes only when eon refuses it with exactly the marked code', () => {
    expect(compareRefusal('0A000', error('0A000'), error('0A000'), 'eon')).toBeNull();
    expect(compareRefusal('0A000', error('0A000'), ok([], [], 'INSERT'), 'eon')).toMatch(/answered a block marked @cluster-refuses 0A000: remove the marker/);
    expect(compareRefusal('0A000', error('0A000'), error('42P10'), 'eon')).toMatch(/failed with 42P10.*expects the refusal 0A000/);
    expect(compareRefusal('0A000', ok([], []), error('0A000'), 'eon')).toMatch(/stand-in refusal/);
  });

  test('after a refusal a block is compared as PostgreSQL answered it', () => {
    // The table was never made: an expected answer becomes the reference's error.
    expect(asObserved(block('query', 'SELECT a FROM f_t ORDER BY a'), error('42P01'))).toMatchObject({ kind: 'error', sqlstate: '42P01' });
    // The conflict never happened: an expected error becomes a statement or a query.
    const inserted = asObserved(block('error', 'INSERT INTO f_t VALUES (1)', { sqlstate: '23505' }), ok([], [], 'INSERT'));
    expect(inserted.kind).toBe('statement');
    expect(inserted.sqlstate).toBeUndefined();
    expect(asObserved(block('error', 'INSERT INTO f_t VALUES (1) RETURNING a'), ok(['a'], [['1']])).kind).toBe('query');
    // Without ORDER BY the rows are a multiset; with it their order still counts.
    expect(asObserved(block('query', 'SELECT a FROM f_t'), ok(['a'], [])).sorted).toBe(true);
    expect(asObserved(block('query', 'SELECT a FROM f_t ORDER BY a'), ok(['a'], [])).sorted).toBe(false);
    const twoRows = compareOutcomes(asObserved(block('query', 'SELECT a FROM f_t'), ok(['a'], [['1'], ['2']])), ok(['a'], [['1'], ['2']]), ok(['a'], [['2'], ['1']]), 'eon');
    expect(twoRows).toBeNull();
  });

  test('the stand-in refusal raises the marked code on PostgreSQL, in and out of a transaction block', async () => {
    const c = new Connection(inject('postgres'), 'postgres');
    try {
      expect(await c.run(refusalSql('0A000'))).toMatchObject({ kind: 'error', sqlstate: '0A000' });
      expect(await c.run('BEGIN')).toMatchObject({ kind: 'ok' });
      expect(await c.run(refusalSql('0A000'))).toMatchObject({ kind: 'error', sqlstate: '0A000' });
      // As after eon's refusal inside a block: the block is aborted and COMMIT rolls back.
      expect(await c.run('SELECT 1')).toMatchObject({ kind: 'error', sqlstate: '25P02' });
      expect(await c.run('COMMIT')).toMatchObject({ kind: 'ok', command: 'ROLLBACK' });
    } finally {
      await c.close();
    }
  });

  test('session statements run on every connect, and one that fails fails the connect', async () => {
    const c = new Connection(inject('postgres'), 'postgres', ["SET application_name = 'diff_cluster_check'"]);
    const bad = new Connection(inject('postgres'), 'postgres', ["SET no_such_setting_at_all = 'x'"]);
    try {
      expect(await c.run('SHOW application_name')).toMatchObject({ rows: [['diff_cluster_check']] });
      await c.reset();
      expect(await c.run('SHOW application_name')).toMatchObject({ rows: [['diff_cluster_check']] });
      const failed = await bad.run('SELECT 1');
      expect(failed).toMatchObject({ kind: 'error', sqlstate: 'CONNECT' });
      expect(failed.kind === 'error' ? failed.message : '').toMatch(/session setup failed/);
    } finally {
      await c.close();
      await bad.close();
    }
  });

  describe('EON_DIFF_CLUSTER', () => {
    const before = process.env[DIFF_CLUSTER_ENV];
    afterEach(() => {
      if (before === undefined) delete process.env[DIFF_CLUSTER_ENV];
      else process.env[DIFF_CLUSTER_ENV] = before;
    });

    test('unset, empty or 1 is one node; 2 or 3 a cluster; anything else is refused', () => {
      const sizeFor = (v: string | undefined): number => {
        if (v === undefined) delete process.env[DIFF_CLUSTER_ENV];
        else process.env[DIFF_CLUSTER_ENV] = v;
        return diffClusterSize();
      };
      expect([sizeFor(undefined), sizeFor(''), sizeFor('1'), sizeFor('2'), sizeFor('3')]).toEqual([1, 1, 1, 2, 3]);
      for (const bad of ['0', '4', 'three', '2.5']) expect(() => sizeFor(bad)).toThrow(DIFF_CLUSTER_ENV);
    });
  });

  test('files are dealt round-robin over the nodes in name order, every node getting some', () => {
    const files = ['aggregate.sql', 'alter_table.sql', 'arith.sql', 'ctas.sql'];
    expect(files.map((f) => nodeIndexOf(f, 3))).toEqual([0, 1, 2, 0]);
    expect(files.map((f) => nodeIndexOf(f, 1))).toEqual([0, 0, 0, 0]);
  });
});

describe('datagen', () => {
  test('is deterministic and covers the promised shapes', () => {
    expect(datasetStatements()).toEqual(datasetStatements());
    const r = seededRandom(1);
    expect([r(), r()]).toEqual([0.6270739405881613, 0.002735721180215478]);
    const items = generateTables().find((t) => t.name === 't_items');
    expect(items?.rows.length).toBe(2000);
    const grp = items?.rows.map((row) => row[1]) ?? [];
    const share = grp.filter((g) => g === "'a'").length / grp.length;
    expect(share).toBeGreaterThan(0.65);
    expect(share).toBeLessThan(0.75);
    const bigs = items?.rows.map((row) => row[6]).filter((b) => b !== 'NULL' && b !== undefined) ?? [];
    expect(bigs.some((b) => BigInt(b as string) > 2n ** 53n)).toBe(true);
    expect(bigs.some((b) => BigInt(b as string) < 0n)).toBe(true);
    const strings = generateTables().find((t) => t.name === 't_strings');
    expect(strings?.rows.some((row) => (row[1] ?? '').length > 10_000)).toBe(true);
  });
});

test('a connection that never answers fails fast after brokenStreakMax blocks', async () => {
  const port = await freePort(); // nothing listens there
  const c = new Connection({ host: '127.0.0.1', port, user: 'eon', database: 'eon' }, 'eon');
  const codes: string[] = [];
  for (let i = 0; i < brokenStreakMax + 2; i++) {
    const o = await c.run('SELECT 1');
    codes.push(o.kind === 'error' ? `${o.sqlstate}${o.message.includes('gave up') ? ' gave up' : ''}` : 'ok');
  }
  await c.close();
  expect(codes).toEqual([
    ...Array.from({ length: brokenStreakMax }, () => 'CONNECT'),
    'CLIENT gave up',
    'CLIENT gave up',
  ]);
});
