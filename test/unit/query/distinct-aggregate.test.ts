// The distinct_aggregate and distinct_argument_aggregate rules: plan shapes on hand-built plans,
// their rows against the coordinator's DISTINCT on values (NULL, -0, NaN, 1.0 and 1.00), and on
// a table above FRAGMENT_ROWS_MIN the inner aggregate planned in the data engines (EXPLAIN) with
// the answer the coordinator computes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Numeric, T, type ColumnType, type Value } from '../../../src/types/index.js';
import type { Store, TableSchema } from '../../../storage/index.js';
import type { Expr } from '../../../query/plan/expr.js';
import type { AggregateCall, Plan } from '../../../query/plan/logical.js';
import { exprKey } from '../../../query/bind/expr-key.js';
import { distinctAggregate } from '../../../query/optimize/distinct-aggregate.js';
import { distinctArgumentAggregate } from '../../../query/optimize/distinct-argument-aggregate.js';
import { drainSync } from '../../../query/execute/operators/drive.js';
import { ExecContext } from '../../../query/execute/context.js';
import { FRAGMENT_ROWS_MIN } from '../../../query/distribute/partition-fragments.js';
import { openTestEngine, textRows, type TestEngine } from '../../support/engine.js';

const table: TableSchema = {
  id: 1,
  name: 't',
  columns: [
    { name: 'a', type: T.int4, notNull: true },
    { name: 'g', type: T.int4, notNull: false },
    { name: 'x', type: T.int4, notNull: false },
    { name: 's', type: T.text, notNull: false },
  ],
  primaryKey: [0],
  distributionKey: [0],
};
const scan: Plan = { kind: 'scan', table, columns: table.columns.map((c) => ({ name: c.name, type: c.type })), filter: null, keyLookup: null };
const col = (index: number, type: ColumnType = T.int4): Expr => ({ kind: 'column', type, index, name: `c${index}` });
const outer = (index: number): Expr => ({ kind: 'outer', type: T.int4, depth: 1, index, name: `o${index}` });
const project = (input: Plan, exprs: Expr[]): Plan => ({ kind: 'project', input, exprs, columns: exprs.map((e, i) => ({ name: `p${i}`, type: e.type })) });
const distinct = (input: Plan, on: Expr[] | null = null): Plan => ({ kind: 'distinct', input, columns: input.columns, on });
const call = (name: AggregateCall['name'], arg: Expr, distinctArg: boolean, extra: Partial<AggregateCall> = {}): AggregateCall => ({
  name, args: [arg], distinct: distinctArg, filter: null, type: name === 'count' ? T.int8 : name === 'avg' ? T.numeric : name === 'sum' ? T.int8 : arg.type, orderBy: [], ...extra,
});
const aggregate = (input: Plan, groupBy: Expr[], calls: AggregateCall[]): Plan & { kind: 'aggregate' } => ({
  kind: 'aggregate', input, groupBy, aggregates: calls,
  columns: [...groupBy.map((g, i) => ({ name: `group${i}`, type: g.type })), ...calls.map((c, i) => ({ name: `agg${i}`, type: c.type }))],
});
const values = (types: ColumnType[], rows: Value[][]): Plan => ({
  kind: 'values', rows: rows.map((r) => r.map((v, i): Expr => ({ kind: 'const', type: types[i]!, value: v }))), columns: types.map((type, i) => ({ name: `v${i}`, type })),
});
const ctx = new ExecContext({ store: null as unknown as Store, params: [] });
/** Rows as sortable text, for comparing row sets whatever their order. */
const rowSet = (rows: Value[][]): string[] => rows.map((r) => JSON.stringify(r.map((v) => (v instanceof Numeric ? `n:${v.toString()}` : typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v)))).sort();

describe('distinct_aggregate rule', () => {
  it('groups by the select list, folded into the keys, over the projection\'s input', () => {
    const exprs = [col(1), col(3, T.text)];
    const p = distinctAggregate(distinct(project(scan, exprs)));
    expect(p.kind).toBe('aggregate');
    if (p.kind !== 'aggregate') return;
    expect(p.input).toBe(scan);
    expect(p.groupBy.map(exprKey)).toEqual(['#1', '#3']);
    expect(p.aggregates).toEqual([]);
    expect(p.columns).toEqual([{ name: 'p0', type: T.int4 }, { name: 'p1', type: T.text }]);
  });

  it('groups by every column of another input', () => {
    const p = distinctAggregate(distinct(scan));
    expect(p.kind === 'aggregate' && p.input === scan && p.groupBy.map(exprKey)).toEqual(['#0', '#1', '#2', '#3']);
  });

  it('keeps a projection holding a subquery, and groups by its columns', () => {
    const sub: Expr = { kind: 'subquery', type: T.int4, mode: 'scalar', plan: project(scan, [col(0)]), correlated: false, negate: false, key: 'k' };
    const below = project(scan, [col(1), sub]);
    const p = distinctAggregate(distinct(below));
    expect(p.kind === 'aggregate' && p.input === below && p.groupBy.map(exprKey)).toEqual(['#0', '#1']);
  });

  it('leaves DISTINCT ON, a DISTINCT of no columns and a correlated DISTINCT as they are', () => {
    const on = distinct(project(scan, [col(1), col(2)]), [col(0)]);
    expect(distinctAggregate(on)).toBe(on);
    const none = distinct(project(scan, []));
    expect(distinctAggregate(none)).toBe(none);
    const correlated = distinct(project(scan, [col(1), outer(0)]));
    expect(distinctAggregate(correlated)).toBe(correlated);
  });

  it('gives the rows DISTINCT gives: NULLs together, -0 with 0, NaN with NaN, 1.0 with 1.00', () => {
    const types = [T.float8, T.numeric, T.int4];
    const input = values(types, [
      [0, new Numeric(10n, 1), null], [-0, new Numeric(100n, 2), null], [NaN, new Numeric(1n, 0), 1], [NaN, new Numeric(1n, 0), 1],
      [null, null, 1], [null, null, 1], [1.5, new Numeric(25n, 1), 2], [1.5, new Numeric(250n, 2), 2],
    ]);
    const plain = distinct(input);
    const rewritten = distinctAggregate(plain);
    expect(rewritten.kind).toBe('aggregate');
    const got = drainSync(rewritten, ctx);
    expect(rowSet(got)).toEqual(rowSet(drainSync(plain, ctx)));
    expect(got.length).toBe(4);
  });
});

describe('distinct_argument_aggregate rule', () => {
  const x = col(2);
  it('groups by the keys and the argument first, then runs the calls without DISTINCT', () => {
    const plan = aggregate(scan, [col(1)], [call('count', x, true), call('sum', x, true), call('avg', x, true), call('max', x, false), call('min', x, true)]);
    const p = distinctArgumentAggregate(plan);
    expect(p.kind).toBe('aggregate');
    if (p.kind !== 'aggregate' || p.input.kind !== 'aggregate') throw new Error('expected two aggregates');
    const inner = p.input;
    expect(inner.input).toBe(scan);
    expect(inner.groupBy.map(exprKey)).toEqual(['#1', '#2']);
    expect(inner.aggregates).toEqual([]);
    expect(p.groupBy.map(exprKey)).toEqual(['#0']);
    expect(p.aggregates.map((a) => [a.name, a.distinct, a.args.map(exprKey)])).toEqual([
      ['count', false, ['#1']], ['sum', false, ['#1']], ['avg', false, ['#1']], ['max', false, ['#1']], ['min', false, ['#1']],
    ]);
    expect(p.columns).toBe(plan.columns);
  });

  it('makes the outer aggregate global when there is no GROUP BY', () => {
    const p = distinctArgumentAggregate(aggregate(scan, [], [call('count', x, true)]));
    expect(p.kind === 'aggregate' && p.groupBy.length === 0 && p.input.kind === 'aggregate' && p.input.groupBy.map(exprKey)).toEqual(['#2']);
  });

  it('only drops DISTINCT from min and max', () => {
    const plan = aggregate(scan, [col(1)], [call('min', x, true), call('max', col(3, T.text), true), { ...call('count', x, false), name: 'count_star', args: [] }]);
    const p = distinctArgumentAggregate(plan);
    expect(p.kind === 'aggregate' && p.input === scan && p.aggregates.map((a) => a.distinct)).toEqual([false, false, false]);
  });

  it('leaves other shapes as they are', () => {
    const filter: Expr = { kind: 'is_null', type: T.bool, arg: col(1), negate: true };
    const unchanged = [
      aggregate(scan, [], [call('count', x, true), call('count', x, false)]),
      aggregate(scan, [], [call('count', x, true), call('sum', col(1), true)]),
      aggregate(scan, [], [call('count', x, true), { ...call('count', x, false), name: 'count_star', args: [] }]),
      aggregate(scan, [], [call('count', x, true, { filter })]),
      aggregate(scan, [], [call('count', x, true, { orderBy: [{ expr: x, descending: false, nullsFirst: false }] })]),
      aggregate(scan, [], [{ ...call('string_agg', col(3, T.text), true), args: [col(3, T.text), { kind: 'const', type: T.text, value: ',' }] }]),
      aggregate(scan, [], [call('array_agg', x, true)]),
      aggregate(scan, [], [call('count', { kind: 'binary', type: T.int4, op: '+', left: x, right: outer(0), fn: () => null }, true)]),
      aggregate(scan, [], [call('count', { kind: 'call', type: T.float8, name: 'random', args: [], strict: false, volatile: true, fn: () => Math.random() }, true)]),
    ];
    for (const plan of unchanged) expect(distinctArgumentAggregate(plan)).toBe(plan);
  });

  const rows: Value[][] = [[1, 5], [1, 5], [1, null], [1, 7], [2, null], [2, null], [null, 3], [null, 3], [null, 4]];
  const input = values([T.int4, T.int4], rows);
  const calls = (arg: Expr): AggregateCall[] => [call('count', arg, true), call('sum', arg, true), call('avg', arg, true), call('min', arg, true), call('max', arg, false)];

  it('gives the original rows, a group of NULL arguments included', () => {
    const plan = aggregate(input, [col(0)], calls(col(1)));
    const rewritten = distinctArgumentAggregate(plan);
    expect(rewritten).not.toBe(plan);
    expect(rowSet(drainSync(rewritten, ctx))).toEqual(rowSet(drainSync(plan, ctx)));
    expect(rowSet(drainSync(rewritten, ctx))).toContain(JSON.stringify([2, '0n', null, null, null, null]));
  });

  it('gives one row over no input without GROUP BY (count 0, the others NULL), none with it', () => {
    const empty: Plan = { kind: 'filter', input, predicate: { kind: 'const', type: T.bool, value: false }, columns: input.columns };
    const global = aggregate(empty, [], calls(col(1)));
    expect(drainSync(distinctArgumentAggregate(global), ctx)).toEqual([[0n, null, null, null, null]]);
    expect(drainSync(distinctArgumentAggregate(aggregate(empty, [col(0)], calls(col(1)))), ctx)).toEqual([]);
  });
});

describe('DISTINCT as hash aggregates on a table large enough for the data engines', () => {
  const ROWS = FRAGMENT_ROWS_MIN + 1_000;
  let db: TestEngine;
  const rows = (sql: string): Promise<string[][]> => textRows(db.session, sql);
  const explain = async (sql: string): Promise<string> => (await rows(`EXPLAIN ${sql}`)).map((r) => r[0]).join('\n');

  beforeAll(async () => {
    db = openTestEngine({ name: 'distinct-aggregate', partitions: 4, threads: 2 });
    for (const t of ['big', 'small']) await rows(`CREATE TABLE ${t} (id int PRIMARY KEY, g int, k int, s text, m numeric(8,2))`);
    const fill = `SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 7 END, CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 31) % 4999 END, CASE WHEN i % 17 = 0 THEN NULL ELSE 's' || (i % 40) END, (i % 300) / 4.0 FROM (SELECT a * 10000 + b AS i FROM generate_series(0, 2) AS a, generate_series(1, 10000) AS b) AS s`;
    await rows(`INSERT INTO big ${fill} WHERE i <= ${ROWS}`);
    await rows(`INSERT INTO small ${fill} WHERE i <= 2000`);
  });

  afterAll(() => db?.close());

  it('runs SELECT DISTINCT as a partial aggregate in the data engines, a small table\'s on the coordinator', async () => {
    expect(await explain('SELECT DISTINCT g, s FROM big')).toMatch(/^Hash Aggregate \(final: merge partials\) group by g, s \[\]\n\s+->  Partial Aggregate\s+\[fragment × 4 partitions, data engines\]/);
    const small = await explain('SELECT DISTINCT g, s FROM small');
    expect(small).toMatch(/^Hash Aggregate group by g, s/);
    expect(small).not.toMatch(/fragment/);
    const sql = 'SELECT DISTINCT g, s FROM big ORDER BY g NULLS FIRST, s NULLS FIRST';
    const got = await rows(sql);
    expect(got).toEqual(await rows(sql.replace('FROM big', 'FROM (SELECT * FROM big OFFSET 0) AS b')));
    expect(got.length).toBe(8 * 41);
  });

  it('runs the inner aggregate of count(DISTINCT x) in the data engines', async () => {
    const sql = 'SELECT g, count(DISTINCT k) AS ck, sum(DISTINCT k) AS sk, avg(DISTINCT m) AS am FROM big GROUP BY g ORDER BY g NULLS FIRST';
    const two = 'SELECT g, count(DISTINCT k) AS ck, sum(DISTINCT k) AS sk, max(k) AS hi FROM big GROUP BY g ORDER BY g NULLS FIRST';
    expect(await explain(two)).toMatch(/Hash Aggregate group by g \[count\(k\), sum\(k\), max\(k\)\]\n\s+->  Hash Aggregate \(final: merge partials\) group by g, k \[\]\n\s+->  Partial Aggregate\s+\[fragment/);
    expect(await explain('SELECT count(DISTINCT k) FROM small')).toMatch(/Aggregate \[count\(k\)\]\n\s+->  Hash Aggregate group by k \[\]/);
    // Over different arguments the calls stay DISTINCT, on the coordinator.
    expect(await explain(sql)).toMatch(/count\(DISTINCT k\)/);
    expect(await rows(two)).toEqual(await rows(two.replace('FROM big', 'FROM (SELECT * FROM big OFFSET 0) AS b')));
    expect(await rows('SELECT count(DISTINCT k) AS ck, sum(DISTINCT k) AS sk FROM big WHERE id < 0')).toEqual([['0', 'NULL']]);
  });

  it('runs DISTINCT over a join as an aggregate over the join pipeline', async () => {
    for (const sql of [
      'SELECT DISTINCT s.g, b.s FROM big b JOIN small s ON s.id = b.id WHERE s.m > 10 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST',
      'SELECT s.g, count(DISTINCT b.k) AS ck, sum(DISTINCT b.k) AS sk FROM big b JOIN small s ON s.id = b.id GROUP BY s.g ORDER BY 1 NULLS FIRST',
    ]) {
      expect(await explain(sql), sql).toMatch(/Partial Aggregate over the joins below/);
      expect(await rows(sql), sql).toEqual(await rows(sql.replace('big b', '(SELECT * FROM big OFFSET 0) b')));
    }
  });
});
