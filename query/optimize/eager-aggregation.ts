// Optimizer rule: an aggregate grouped by a unique key of a left join's preserved side, whose
// aggregates read only the other side, is computed on that other side first, grouped by the join
// key, and the per-key results are joined back (eager aggregation; TPC-H Q13's customers LEFT
// JOIN orders, counting orders). Each group then stands for one preserved row and its matches,
// so the per-key aggregate is exactly the group's; the join carries one row per key instead of
// one per match, and the per-key aggregate runs in the data engines like any other.
//
// A preserved row without matches had one NULL-extended row in its group: count(x) over it is 0
// and count(*) is 1, every other aggregate is NULL (which is what the outer join supplies).

import { T } from '../../src/types/index.js';
import { columnsUsed, shiftColumns, type Expr } from '../plan/expr.js';
import { perKeyAggregate, type AggregateCall, type Plan } from '../plan/logical.js';

export function eagerAggregation(plan: Plan): Plan {
  if (plan.kind !== 'aggregate' || plan.input.kind !== 'join') return plan;
  const join = plan.input;
  if (join.joinType !== 'left' || join.residual !== null || join.leftKeys.length === 0 || plan.aggregates.length === 0) return plan;
  const leftWidth = join.left.columns.length;
  const readsLeftOnly = (e: Expr): boolean => [...columnsUsed(e)].every((i) => i < leftWidth);
  const readsRightOnly = (e: Expr): boolean => [...columnsUsed(e)].every((i) => i >= leftWidth);
  if (!plan.groupBy.every(readsLeftOnly)) return plan;
  if (!plan.aggregates.every((a) => aggregateExprs(a).every(readsRightOnly))) return plan;
  // array_agg over the NULL-extended row is {NULL}, not the NULL a missing per-key row gives.
  if (plan.aggregates.some((a) => a.name === 'array_agg' || a.name === 'jsonb_agg' || a.name === 'jsonb_object_agg')) return plan;
  // Each group must be one left row: the group keys hold a unique key of the left side.
  const grouped = new Set(plan.groupBy.flatMap((g) => (g.kind === 'column' ? [g.index] : [])));
  const unique = uniqueKeyOf(join.left);
  if (unique === null || !unique.every((c) => grouped.has(c))) return plan;

  const keyCount = join.rightKeys.length;
  const aggregates = plan.aggregates.map((a) => shiftAggregate(a, -leftWidth));
  const perKey = perKeyAggregate(join.right, join.rightKeys, aggregates, plan.aggregates.map((a, i) => ({ name: `agg${i}`, type: a.type })));
  const keyColumns = perKey.columns.slice(0, keyCount);
  const joined: Plan = {
    kind: 'join',
    joinType: 'left',
    left: join.left,
    right: perKey,
    leftKeys: join.leftKeys,
    rightKeys: keyColumns.map((c, i) => ({ kind: 'column', type: c.type, index: i, name: c.name })),
    residual: null,
    columns: [...join.left.columns, ...perKey.columns],
  };
  const results = plan.aggregates.map((a, i): Expr => {
    const value: Expr = { kind: 'column', type: a.type, index: leftWidth + keyCount + i, name: `agg${i}` };
    if (a.name === 'count') return { kind: 'coalesce', type: a.type, args: [value, { kind: 'const', type: T.int8, value: 0n }] };
    if (a.name === 'count_star') return { kind: 'coalesce', type: a.type, args: [value, { kind: 'const', type: T.int8, value: 1n }] };
    return value;
  });
  return { kind: 'project', input: joined, exprs: [...plan.groupBy, ...results], columns: plan.columns };
}

function aggregateExprs(a: AggregateCall): Expr[] {
  return [...a.args, ...(a.filter === null ? [] : [a.filter]), ...a.orderBy.map((k) => k.expr)];
}

function shiftAggregate(a: AggregateCall, delta: number): AggregateCall {
  const shift = (e: Expr): Expr => shiftColumns(e, delta);
  return {
    ...a,
    args: a.args.map(shift),
    filter: a.filter === null ? null : shift(a.filter),
    orderBy: a.orderBy.map((k) => ({ ...k, expr: shift(k.expr) })),
  };
}

/**
 * Output columns of `p` that together are unique per row (a table's primary key, through filters
 * and column projections), or null when none is known.
 */
function uniqueKeyOf(p: Plan): number[] | null {
  switch (p.kind) {
    case 'scan': {
      if (p.table.primaryKey.length === 0) return null;
      const out = p.project ?? p.table.columns.map((_, i) => i);
      const key = p.table.primaryKey.map((k) => out.indexOf(k));
      return key.every((k) => k >= 0) ? key : null;
    }
    case 'filter':
      return uniqueKeyOf(p.input);
    case 'project': {
      const below = uniqueKeyOf(p.input);
      if (below === null) return null;
      const key = below.map((k) => p.exprs.findIndex((e) => e.kind === 'column' && e.index === k));
      return key.every((k) => k >= 0) ? key : null;
    }
    default:
      return null;
  }
}
