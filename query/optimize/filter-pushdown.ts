// Rule: conjuncts of a filter above an inner join (or the left side of a semi/anti join) that
// read one side only move below the join, so fewer rows are joined. The binder already places
// plain WHERE conjuncts this way; this catches the ones it leaves on top: uncorrelated
// subqueries (`o_orderkey IN (SELECT …)`, which then become semi joins where they landed) and
// filters that decorrelation produced.

import { andOf, columnsUsed, conjunctsOf, exprChildren, renumberColumns, type Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';

/** `then` runs on each filter pushed below a join (decorrelation, to turn IN subqueries there into semi joins). */
export function pushFilters(plan: Plan, then: (p: Plan) => Plan = (p) => p): Plan {
  if (plan.kind !== 'filter') return plan;
  const join = plan.input;
  if (join.kind !== 'join') return plan;
  const both = join.joinType === 'inner' || join.joinType === 'cross';
  const leftOnly = join.joinType === 'semi' || join.joinType === 'anti';
  if (!both && !leftOnly) return plan;
  const lw = join.left.columns.length;
  const left: Expr[] = [];
  const right: Expr[] = [];
  const stay: Expr[] = [];
  for (const c of conjunctsOf(plan.predicate)) {
    const used = [...columnsUsed(c)];
    if (used.length === 0 || readsRowInSubquery(c) || isVolatile(c)) stay.push(c);
    else if (used.every((i) => i < lw)) left.push(c);
    else if (both && used.every((i) => i >= lw)) right.push(renumberColumns(c, (i) => i - lw));
    else stay.push(c);
  }
  if (left.length === 0 && right.length === 0) return plan;
  const moved: Plan = {
    ...join,
    left: left.length === 0 ? join.left : then(pushFilters(filterOf(join.left, left), then)),
    right: right.length === 0 ? join.right : then(pushFilters(filterOf(join.right, right), then)),
  };
  return stay.length === 0 ? moved : { kind: 'filter', input: moved, predicate: andOf(stay)!, columns: plan.columns };
}

function filterOf(input: Plan, preds: Expr[]): Plan {
  if (input.kind === 'filter') return { ...input, predicate: andOf([...conjunctsOf(input.predicate), ...preds])! };
  return { kind: 'filter', input, predicate: andOf(preds)!, columns: input.columns };
}

/** Correlated subqueries read the row they are evaluated on by position: they stay where bound. */
function readsRowInSubquery(e: Expr): boolean {
  if ((e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') && e.correlated) return true;
  return exprChildren(e).some(readsRowInSubquery);
}

function isVolatile(e: Expr): boolean {
  if (e.kind === 'call' && e.volatile) return true;
  return exprChildren(e).some(isVolatile);
}

