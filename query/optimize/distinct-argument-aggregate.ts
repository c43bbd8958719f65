// Optimizer rule distinct_argument_aggregate: an aggregate whose calls are all count, sum or avg
// of DISTINCT x (min and max of x ride along, DISTINCT or not: it does not change them) becomes
// two aggregates: the inner groups by the group keys and x, which removes the duplicates (and
// over a large table runs in the data engines as a partial aggregate, where a DISTINCT call
// gathers every row to the coordinator), the outer groups by the keys alone and runs the same
// calls without DISTINCT over one row per distinct x.
//
// NULL x forms an inner group of its own that the outer calls skip, as DISTINCT calls skip NULL;
// a group whose x are all NULL still comes out (count 0, sum NULL). With no GROUP BY the outer
// aggregate is global: no input row still gives its one row. The inner groups x as a DISTINCT
// call compares them (keyString: -0 with 0, NaN with NaN, 1.0 with 1.00).
//
// Left as they are: calls over different arguments, DISTINCT mixed with plain calls, FILTER or
// ORDER BY inside a call, other aggregates (string_agg, array_agg, jsonb_agg keep their own
// DISTINCT), a volatile argument (each call evaluates its own), and an aggregate reading an
// enclosing row (a correlated subquery), which decorrelation turns into a per-key aggregate.

import { exprKey } from '../bind/expr-key.js';
import { exprChildren, type Expr } from '../plan/expr.js';
import type { AggregateCall, AggregateName, Plan } from '../plan/logical.js';
import { planRefsOuter } from './decorrelate.js';

/** Calls that become plain calls over the distinct values. */
const DISTINCT_NAMES: ReadonlySet<AggregateName> = new Set<AggregateName>(['count', 'sum', 'avg']);
/** Calls whose result DISTINCT does not change. */
const RIDE_ALONG_NAMES: ReadonlySet<AggregateName> = new Set<AggregateName>(['min', 'max']);

export function distinctArgumentAggregate(plan: Plan): Plan {
  if (plan.kind !== 'aggregate' || !plan.aggregates.some((c) => c.distinct)) return plan;
  // min and max of DISTINCT x are min and max of x.
  const calls = plan.aggregates.map((c) => (c.distinct && RIDE_ALONG_NAMES.has(c.name) ? { ...c, distinct: false } : c));
  if (!calls.some((c) => c.distinct)) return { ...plan, aggregates: calls };
  const arg = calls[0]!.args[0];
  if (arg === undefined || hasVolatile(arg) || planRefsOuter(plan, 1)) return plan;
  const key = exprKey(arg);
  for (const c of calls) {
    if (c.filter !== null || c.orderBy.length > 0 || c.args.length !== 1 || exprKey(c.args[0]!) !== key) return plan;
    if (!(c.distinct ? DISTINCT_NAMES.has(c.name) : RIDE_ALONG_NAMES.has(c.name))) return plan;
  }
  const keyCount = plan.groupBy.length;
  // Named after what they carry, for EXPLAIN.
  const names = [...plan.groupBy, arg].map((g, i) => (g.kind === 'column' ? g.name : i < keyCount ? plan.columns[i]!.name : 'distinct0'));
  const inner: Plan = {
    kind: 'aggregate',
    input: plan.input,
    groupBy: [...plan.groupBy, arg],
    aggregates: [],
    columns: [...plan.groupBy, arg].map((g, i) => ({ name: names[i]!, type: g.type })),
  };
  const value: Expr = { kind: 'column', type: arg.type, index: keyCount, name: names[keyCount]! };
  return {
    kind: 'aggregate',
    input: inner,
    groupBy: plan.groupBy.map((g, i): Expr => ({ kind: 'column', type: g.type, index: i, name: names[i]! })),
    aggregates: calls.map((c): AggregateCall => ({ ...c, args: [value], distinct: false })),
    columns: plan.columns,
  };
}

function hasVolatile(e: Expr): boolean {
  if (e.kind === 'call' && e.volatile) return true;
  return exprChildren(e).some(hasVolatile);
}
