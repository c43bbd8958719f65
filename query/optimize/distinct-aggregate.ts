// Optimizer rule distinct_aggregate: a plain DISTINCT becomes an aggregate grouped by every column
// of its input, with no aggregate calls. The aggregate groups its keys as DISTINCT compares rows
// (NULLs together, -0 with 0, NaN with NaN, 1.0 with 1.00; groupKey in query/execute/operators/group-key.ts
// and the kernels' keys), and over a large table it runs in the data engines as a partial
// aggregate, where DISTINCT would gather every row to the coordinator first (query/distribute/
// partition-fragments.ts takes an aggregate directly over a scan).
//
// A projection right under the DISTINCT (the select list) is folded into the group keys, so that
// the aggregate sits on the scan. DISTINCT ON keeps the first row per key in its input's order,
// which an aggregate does not: it stays as it is. So does a DISTINCT reading an enclosing row
// (a correlated subquery): decorrelation looks through a DISTINCT, not through an aggregate.

import { exprChildren, type Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';
import { planRefsOuter } from './decorrelate.js';

export function distinctAggregate(plan: Plan): Plan {
  if (plan.kind !== 'distinct' || plan.on !== null) return plan;
  // SELECT DISTINCT with no columns gives no row from no input; a global aggregate would give one.
  if (plan.columns.length === 0 || planRefsOuter(plan, 1)) return plan;
  const input = plan.input;
  if (input.kind === 'project' && input.exprs.length === plan.columns.length && input.exprs.every(isRowLocal)) {
    return { kind: 'aggregate', input: input.input, groupBy: input.exprs, aggregates: [], columns: plan.columns };
  }
  const groupBy = input.columns.map((c, i): Expr => ({ kind: 'column', type: c.type, index: i, name: c.name }));
  return { kind: 'aggregate', input, groupBy, aggregates: [], columns: plan.columns };
}

/**
 * Whether an expression holds no subquery: a select list with one keeps its projection (the
 * aggregate then groups by its output columns), so subqueries stay where the projection ran them.
 */
function isRowLocal(e: Expr): boolean {
  if (e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') return false;
  return exprChildren(e).every(isRowLocal);
}
