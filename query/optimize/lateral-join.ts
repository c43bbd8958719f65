// Optimizer rule: a LATERAL item tied to the earlier FROM items only by conjuncts over scans,
// filters, inner joins and column-only projections (`LATERAL (SELECT … FROM b WHERE b.k = a.k)`,
// its select list on top) runs once as an ordinary join — a hash join on its equalities, the
// other conjuncts joined as a residual — instead of once per left row. LIMIT, ORDER BY,
// aggregates or DISTINCT above the correlation (top-N per group, one aggregate row per left row)
// keep the per-row loop.

import { andOf, mapExpr, shiftColumns, type Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';
import { exprRefsOuter, planRefsOuter, pullCorrelated, splitCorrelation } from './decorrelate.js';

export function lateralJoin(plan: Plan): Plan {
  if (plan.kind !== 'lateral') return plan;
  const lw = plan.left.columns.length;
  // The select list on top (which may drop the columns the correlation reads) is applied above the join.
  const top = plan.right.kind === 'project' && !plan.right.exprs.some((e) => exprRefsOuter(e, 1)) ? plan.right : null;
  const pulled = pullCorrelated(top === null ? plan.right : top.input);
  // What stays in the right side must read no outer row at all: it now runs once, at this level.
  if (pulled === null || planRefsOuter(pulled.plan, 1)) return plan;
  const split = splitCorrelation(pulled.preds, lw);
  // The lateral node's own condition reads the select list's outputs: over the join's row, those
  // are the select list's expressions.
  const overJoin = (e: Expr): Expr =>
    top === null ? e : mapExpr(e, (x) => (x.kind === 'column' && x.index >= lw ? shiftColumns(top.exprs[x.index - lw]!, lw) : null));
  const conds: Expr[] = [...split.residual, ...(plan.residual === null ? [] : [overJoin(plan.residual)])];
  const joined: Plan = {
    kind: 'join',
    joinType: plan.joinType,
    left: plan.left,
    right: pulled.plan,
    leftKeys: split.outerKeys,
    rightKeys: split.innerKeys,
    residual: andOf(conds),
    columns: [...plan.left.columns, ...pulled.plan.columns],
  };
  if (top === null) return joined;
  const exprs: Expr[] = [
    ...plan.left.columns.map((c, i): Expr => ({ kind: 'column', type: c.type, index: i, name: c.name })),
    ...top.exprs.map((e) => shiftColumns(e, lw)),
  ];
  return { kind: 'project', input: joined, exprs, columns: plan.columns };
}
