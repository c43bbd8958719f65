// The planner and executor pieces TPC-H needs, one by one on hand-built plans: decorrelation into
// semi/anti/aggregate joins, filter pushdown, date bounds, OR factoring, join order, semi/anti
// execution and the substring(x FROM a FOR b) rewrite.
import { describe, expect, it } from 'vitest';
import { T, resolveBinaryOperator, type ColumnType, type Value } from '../../../src/types/index.js';
import type { Store, TableSchema } from '../../../storage/index.js';
import type { Expr } from '../../../query/plan/expr.js';
import type { AggregateCall, Plan } from '../../../query/plan/logical.js';
import { decorrelate } from '../../../query/optimize/decorrelate.js';
import { pushFilters } from '../../../query/optimize/filter-pushdown.js';
import { dateBounds } from '../../../query/optimize/date-bounds.js';
import { eagerAggregation } from '../../../query/optimize/eager-aggregation.js';
import { conjunctSelectivity, factorCommonConjuncts, impliedRestrictions, joinOrder } from '../../../query/bind/join-order.js';
import { exprKey } from '../../../query/bind/expr-key.js';
import { drainSync } from '../../../query/execute/operators/drive.js';
import { ExecContext } from '../../../query/execute/context.js';

function table(id: number, name: string, cols: [string, ColumnType][]): TableSchema {
  return { id, name, columns: cols.map(([n, type]) => ({ name: n, type, notNull: false })), primaryKey: [0], distributionKey: [0] };
}
const orders = table(1, 'o', [['o_key', T.int4], ['o_prio', T.text]]);
const lines = table(2, 'l', [['l_key', T.int4], ['l_supp', T.int4], ['l_qty', T.int4]]);

const scan = (t: TableSchema, filter: Expr | null = null): Plan & { kind: 'scan' } => ({
  kind: 'scan', table: t, columns: t.columns.map((c) => ({ name: c.name, type: c.type })), filter, keyLookup: null,
});
const col = (index: number, type: ColumnType = T.int4): Expr => ({ kind: 'column', type, index, name: `c${index}` });
const outer = (index: number, type: ColumnType = T.int4): Expr => ({ kind: 'outer', type, depth: 1, index, name: `o${index}` });
const lit = (type: ColumnType, value: Value): Expr => ({ kind: 'const', type, value });
const cmp = (op: string, l: Expr, r: Expr): Expr => ({ kind: 'binary', type: T.bool, op, left: l, right: r, fn: resolveBinaryOperator(op, l.type, r.type).fn });
const and = (...args: Expr[]): Expr => ({ kind: 'and', type: T.bool, args });
const or = (...args: Expr[]): Expr => ({ kind: 'or', type: T.bool, args });
const project = (input: Plan, exprs: Expr[]): Plan => ({ kind: 'project', input, exprs, columns: exprs.map((e, i) => ({ name: `p${i}`, type: e.type })) });
const exists = (plan: Plan, negate: boolean): Expr => ({ kind: 'subquery', type: T.bool, mode: 'exists', plan, correlated: true, negate, key: 'k' });
const filter = (input: Plan, predicate: Expr): Plan => ({ kind: 'filter', input, predicate, columns: input.columns });

function scalarAggregate(name: AggregateCall['name'], input: Plan): Plan {
  const call: AggregateCall = { name, args: name === 'count_star' ? [] : [col(2)], distinct: false, filter: null, type: name === 'count_star' ? T.int8 : T.int4, orderBy: [] };
  const agg: Plan = { kind: 'aggregate', input, groupBy: [], aggregates: [call], columns: [{ name: 'agg0', type: call.type }] };
  return project(agg, [col(0, call.type)]);
}

describe('decorrelate rule', () => {
  it('turns EXISTS with an equality to the outer row into a hash semi join', () => {
    const sub = project(scan(lines, and(cmp('=', col(0), outer(0)), cmp('>', col(2), lit(T.int4, 5)))), [lit(T.int4, 1)]);
    const p = decorrelate(filter(scan(orders), exists(sub, false)));
    expect(p.kind).toBe('join');
    if (p.kind !== 'join') return;
    expect(p.joinType).toBe('semi');
    expect(p.columns).toEqual(scan(orders).columns);
    expect(p.leftKeys.map(exprKey)).toEqual(['#0']);
    expect(p.rightKeys.map(exprKey)).toEqual(['#0']);
    // The inner filter that does not read the outer row stays on the inner scan.
    expect(p.right.kind === 'scan' && p.right.filter !== null && exprKey(p.right.filter)).toBe('(#2 > c(int4:number:5))');
  });

  it('keeps non-equality correlation as the residual of an anti join', () => {
    const sub = project(scan(lines, and(cmp('=', col(0), outer(0)), cmp('<>', col(1), outer(1)))), [lit(T.int4, 1)]);
    const wide = table(3, 'w', [['w_key', T.int4], ['w_supp', T.int4]]);
    const p = decorrelate(filter(scan(wide), exists(sub, true)));
    expect(p.kind === 'join' && p.joinType).toBe('anti');
    // Residual over left ++ right: the outer w_supp is column 1, the inner l_supp column 2 + 1.
    expect(p.kind === 'join' && p.residual !== null && exprKey(p.residual)).toBe('(#3 <> #1)');
  });

  it('turns a correlated scalar aggregate into a per-key aggregate joined back', () => {
    const sub: Expr = { kind: 'subquery', type: T.int4, mode: 'scalar', plan: scalarAggregate('min', scan(lines, cmp('=', col(0), outer(0)))), correlated: true, negate: false, key: 'k' };
    const p = decorrelate(filter(scan(orders), cmp('=', col(0), sub)));
    // project(filter(left join(orders, project(aggregate by l_key)))) keeps the input's columns.
    expect(p.kind).toBe('project');
    expect(p.columns).toEqual(scan(orders).columns);
    const f = p.kind === 'project' ? p.input : p;
    expect(f.kind === 'filter' && exprKey(f.predicate)).toBe('(#0 = #3)');
    const j = f.kind === 'filter' ? f.input : f;
    expect(j.kind === 'join' && j.joinType).toBe('left');
    const agg = j.kind === 'join' && j.right.kind === 'project' ? j.right.input : null;
    expect(agg?.kind === 'aggregate' && agg.groupBy.map(exprKey)).toEqual(['#0']);
  });

  it('leaves count subqueries alone (count over no rows is 0, not NULL)', () => {
    const sub: Expr = { kind: 'subquery', type: T.int8, mode: 'scalar', plan: scalarAggregate('count_star', scan(lines, cmp('=', col(0), outer(0)))), correlated: true, negate: false, key: 'k' };
    const plan = filter(scan(orders), cmp('>', sub, lit(T.int8, 1n)));
    expect(decorrelate(plan)).toBe(plan);
  });

  it('leaves subqueries correlated other than by equality alone', () => {
    const sub = project(scan(lines, cmp('<', col(0), outer(0))), [lit(T.int4, 1)]);
    const plan = filter(scan(orders), exists(sub, false));
    expect(decorrelate(plan)).toBe(plan);
  });
});

describe('eager_aggregation rule', () => {
  const leftJoin = (left: Plan, right: Plan): Plan & { kind: 'join' } => ({
    kind: 'join', joinType: 'left', left, right, leftKeys: [col(0)], rightKeys: [col(0)], residual: null, columns: [...left.columns, ...right.columns],
  });
  const call = (name: AggregateCall['name'], args: Expr[]): AggregateCall => ({ name, args, distinct: false, filter: null, type: name.startsWith('count') ? T.int8 : T.int4, orderBy: [] });
  const aggregate = (input: Plan, groupBy: Expr[], calls: AggregateCall[]): Plan => ({
    kind: 'aggregate', input, groupBy, aggregates: calls, columns: [...groupBy.map((g, i) => ({ name: `g${i}`, type: g.type })), ...calls.map((c, i) => ({ name: `a${i}`, type: c.type }))],
  });

  it('aggregates the other side per join key when groups are the preserved side\'s keys', () => {
    // orders LEFT JOIN lines ON o_key = l_key GROUP BY o_key, o_prio: count(l_supp), count(*), sum(l_qty).
    const plan = aggregate(leftJoin(scan(orders), scan(lines)), [col(0), col(1, T.text)], [call('count', [col(3)]), call('count_star', []), call('sum', [col(4)])]);
    const p = eagerAggregation(plan);
    expect(p.kind).toBe('project');
    if (p.kind !== 'project') return;
    expect(p.columns).toEqual(plan.columns);
    // Unmatched orders: count 0, count(*) 1, sum NULL.
    expect(p.exprs.map(exprKey)).toEqual(['#0', '#1', 'coalesce(#3,c(int8:bigint:0))', 'coalesce(#4,c(int8:bigint:1))', '#5']);
    const j = p.input;
    expect(j.kind === 'join' && j.joinType).toBe('left');
    const perKey = j.kind === 'join' ? j.right : null;
    expect(perKey?.kind === 'aggregate' && perKey.groupBy.map(exprKey)).toEqual(['#0']);
    expect(perKey?.kind === 'aggregate' && perKey.aggregates.map((a) => a.args.map(exprKey))).toEqual([['#1'], [], ['#2']]);
  });

  it('leaves plans whose groups are not one preserved row, or whose aggregates read it', () => {
    const joined = leftJoin(scan(orders), scan(lines));
    for (const plan of [
      aggregate(joined, [col(1, T.text)], [call('count', [col(3)])]), // o_prio is no key
      aggregate(joined, [col(0)], [call('max', [col(0)])]), // reads the preserved side
      aggregate({ ...joined, joinType: 'inner' }, [col(0)], [call('count', [col(3)])]),
    ]) expect(eagerAggregation(plan)).toBe(plan);
  });
});

describe('filter_pushdown rule', () => {
  it('moves one-sided conjuncts, subqueries included, below an inner join', () => {
    const inSub: Expr = { kind: 'in_subquery', type: T.bool, arg: col(2), plan: project(scan(lines), [col(0)]), correlated: false, negate: false, eq: resolveBinaryOperator('=', T.int4, T.int4).fn };
    const join: Plan = { kind: 'join', joinType: 'inner', left: scan(lines), right: scan(orders), leftKeys: [col(0)], rightKeys: [col(0)], residual: null, columns: [...scan(lines).columns, ...scan(orders).columns] };
    const p = pushFilters(filter(join, and(inSub, cmp('=', col(4, T.text), lit(T.text, 'x')), cmp('<', col(2), col(3)))), decorrelate);
    expect(p.kind === 'filter' && exprKey(p.predicate)).toBe('(#2 < #3)');
    const j = p.kind === 'filter' ? p.input : p;
    // The IN conjunct landed on the left input, where it became a semi join.
    expect(j.kind === 'join' && j.left.kind === 'join' && j.left.joinType).toBe('semi');
    expect(j.kind === 'join' && j.right.kind === 'filter' && exprKey(j.right.predicate)).toBe('(#1 = c(text:string:x))');
  });
});

describe('date_bounds rule', () => {
  const d = table(4, 'd', [['day', T.date]]);
  const asTs: Expr = { kind: 'cast', type: T.timestamp, arg: col(0, T.date), fn: (v) => (v === null ? null : (v as number) * 86_400_000_000) };
  const ts = (days: number): Expr => lit(T.timestamp, days * 86_400_000_000);
  const bound = (op: string, right: Expr): string => {
    const p = dateBounds(scan(d, cmp(op, asTs, right)));
    return p.kind === 'scan' && p.filter !== null ? exprKey(p.filter) : '';
  };
  it('compares day numbers, rounding a time of day the right way', () => {
    expect(bound('<', ts(100))).toBe('(#0 < c(date:number:100))');
    expect(bound('<', ts(100.5))).toBe('(#0 < c(date:number:101))');
    expect(bound('<=', ts(100.5))).toBe('(#0 <= c(date:number:100))');
    expect(bound('>', ts(100.5))).toBe('(#0 > c(date:number:100))');
    expect(bound('>=', ts(100.5))).toBe('(#0 >= c(date:number:101))');
    expect(bound('=', ts(100))).toBe('(#0 = c(date:number:100))');
    expect(bound('=', ts(100.5))).toContain('cast');
  });
});

describe('join planning', () => {
  const a = cmp('=', col(0), col(3));
  const b = cmp('>', col(1), lit(T.int4, 1));
  const c = cmp('<', col(4), lit(T.int4, 9));
  it('factors conjuncts every OR branch shares', () => {
    expect(factorCommonConjuncts(or(and(a, b), and(c, a))).map(exprKey)).toEqual([exprKey(a), exprKey(or(b, c))]);
    expect(factorCommonConjuncts(or(a, and(a, b))).map(exprKey)).toEqual([exprKey(a)]);
    expect(factorCommonConjuncts(or(b, c)).map(exprKey)).toEqual([exprKey(or(b, c))]);
  });

  it('derives the restriction an OR implies on each relation', () => {
    // Relation 0 owns columns 0–2, relation 1 columns 3–5.
    const rel = (i: number): number => (i < 3 ? 0 : 1);
    const e = or(and(b, c), and(cmp('=', col(1), lit(T.int4, 7)), cmp('=', col(4), lit(T.int4, 8))));
    expect(impliedRestrictions(e, rel).map(exprKey)).toEqual([
      exprKey(or(b, cmp('=', col(1), lit(T.int4, 7)))),
      exprKey(or(c, cmp('=', col(4), lit(T.int4, 8)))),
    ]);
    expect(impliedRestrictions(or(b, c), rel)).toEqual([]);
  });

  it('joins each relation to one it has an equality with, not a cross product', () => {
    const rel = (rows: number, filteredRows = rows, key = [0]) => ({ width: 2, rows, filteredRows, key });
    // part(2), supplier(2), lineitem(2): part–lineitem and supplier–lineitem equalities only.
    const eqs = [cmp('=', col(0), col(4)), cmp('=', col(2), col(5))];
    expect(joinOrder([rel(10), rel(20), rel(100)], eqs)).toEqual([0, 2, 1]);
    expect(joinOrder([rel(10), rel(10), rel(10)], [cmp('=', col(0), col(2)), cmp('=', col(2), col(4))])).toEqual([0, 1, 2]);
  });

  it('starts from the smallest relation and prefers joins estimated to keep fewer rows', () => {
    // customer(0: key, 1: nation), orders(2: key, 3: customer), supplier(4: key, 5: nation).
    const customer = { width: 2, rows: 100, filteredRows: 100, key: [0] };
    const orders = { width: 2, rows: 15000, filteredRows: 1000, key: [0] };
    const supplier = { width: 2, rows: 2000, filteredRows: 2000, key: [0] };
    // The filtered orders first, then customer by its key, then supplier by the nation.
    expect(joinOrder([customer, supplier, orders], [cmp('=', col(0), col(5)), cmp('=', col(1), col(3))])).toEqual([2, 0, 1]);
    // Unfiltered: from customer, orders by the customer key beats supplier by the (non-key) nation.
    const all = { ...orders, filteredRows: orders.rows };
    const big = { ...supplier, rows: 20000, filteredRows: 20000 };
    expect(joinOrder([customer, all, big], [cmp('=', col(0), col(3)), cmp('=', col(1), col(5))])).toEqual([0, 1, 2]);
    expect(joinOrder([customer, supplier, { ...orders, rows: 150, filteredRows: 150 }], [cmp('=', col(0), col(5)), cmp('=', col(1), col(3))])).toEqual([0, 2, 1]);
    // A filtered nation goes first, then its suppliers by the nation key, then their lines.
    const nation = { width: 2, rows: 25, filteredRows: 2, key: [0] };
    const lineitem = { width: 2, rows: 60000, filteredRows: 15000, key: [] };
    // supplier(0: key, 1: nation), lineitem(2: supp), nation(4: key).
    expect(joinOrder([supplier, lineitem, nation], [cmp('=', col(0), col(2)), cmp('=', col(1), col(4))])).toEqual([2, 0, 1]);
  });

  it('starts from the filtered relation whose order carries the fewest rows, not merely the smallest (TPC-H Q2)', () => {
    // region(0: key), nation(1: key, 2: region), supplier(3: key, 4: nation), partsupp(5: part, 6: supp), part(7: key).
    const region = { width: 1, rows: 5, filteredRows: 0.5, key: [0] };
    const nation = { width: 2, rows: 25, filteredRows: 25, key: [0] };
    const supplier = { width: 2, rows: 10_000, filteredRows: 10_000, key: [0] };
    const partsupp = { width: 2, rows: 800_000, filteredRows: 800_000, key: [0, 1] };
    const part = { width: 1, rows: 200_000, filteredRows: 2_000, key: [0] };
    const on = [cmp('=', col(0), col(2)), cmp('=', col(1), col(4)), cmp('=', col(3), col(6)), cmp('=', col(5), col(7))];
    // From region the suppliers of a region meet a fifth of partsupp; from part, a hundredth.
    expect(joinOrder([region, nation, supplier, partsupp, part], on)).toEqual([4, 3, 2, 1, 0]);
  });

  it('estimates filter conjuncts by their shape', () => {
    expect(conjunctSelectivity(cmp('=', col(0), lit(T.int4, 15)))).toBe(0.1);
    expect(conjunctSelectivity(cmp('<', col(0), lit(T.int4, 15)))).toBeCloseTo(1 / 3);
    expect(conjunctSelectivity({ kind: 'like', type: T.bool, arg: col(0, T.text), pattern: lit(T.text, '%BRASS'), caseInsensitive: false, negate: false })).toBe(0.1);
    expect(conjunctSelectivity(cmp('<', col(0), col(1)))).toBe(0.25);
  });
});

describe('semi and anti joins', () => {
  const values = (rows: Value[][]): Plan => ({ kind: 'values', rows: rows.map((r) => r.map((v) => lit(T.int4, v))), columns: rows[0]!.map((_, i) => ({ name: `v${i}`, type: T.int4 })) });
  const ctx = new ExecContext({ store: null as unknown as Store, params: [] });
  /** `extra` unmatched right rows make the right side the larger one (the join then builds on the left). */
  const join = (joinType: 'semi' | 'anti', residual: Expr | null, extra: Value[][] = []): Value[][] =>
    drainSync({
      kind: 'join', joinType, residual,
      left: values([[1, 10], [2, 20], [null, 30], [3, 40]]),
      right: values([[1, 11], [1, 12], [3, 40], [null, 30], ...extra]),
      leftKeys: [col(0)], rightKeys: [col(0)], columns: [{ name: 'a', type: T.int4 }, { name: 'b', type: T.int4 }],
    }, ctx);

  it('emits each left row once, by whether a right row matches (NULL keys never match)', () => {
    expect(join('semi', null)).toEqual([[1, 10], [3, 40]]);
    expect(join('anti', null)).toEqual([[2, 20], [null, 30]]);
  });

  it('gives the same rows when it builds on the smaller left side', () => {
    const extra = [[9, 90], [8, 80], [1, 10]];
    expect(join('semi', null, extra)).toEqual([[1, 10], [3, 40]]);
    expect(join('anti', null, extra)).toEqual([[2, 20], [null, 30]]);
    const residual = cmp('<>', col(1), col(3));
    expect(join('semi', residual, extra)).toEqual([[1, 10]]);
    expect(join('anti', residual, extra)).toEqual([[2, 20], [null, 30], [3, 40]]);
  });

  it('applies the residual to each candidate pair', () => {
    // b <> right.b: order 1 has other rows, order 3's only row has the same b.
    const residual = cmp('<>', col(1), col(3));
    expect(join('semi', residual)).toEqual([[1, 10]]);
    expect(join('anti', residual)).toEqual([[2, 20], [null, 30], [3, 40]]);
  });
});
