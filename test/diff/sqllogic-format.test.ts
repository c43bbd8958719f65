// The SQL logic file parser and the outcome comparison of the differential runner, without servers.

import { describe, expect, test } from 'vitest';
import { datasetStatements, generateTables, seededRandom } from '../support/datagen.js';
import { freePort } from '../support/ports.js';
import { Connection, brokenStreakMax, compareOutcomes, parseSqlLogic } from '../support/sqllogic.js';
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
