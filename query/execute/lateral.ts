// LATERAL joins: the right side runs once per left row, with that row as its nearest outer row
// (as a correlated subquery does), and its rows are appended to it. Inner and LEFT only, as
// PostgreSQL allows for a LATERAL reference; LEFT NULL-extends a left row the right side (after
// the ON condition) gives nothing for.

import type { Value } from '../../src/types/index.js';
import { planChildren, type Plan } from '../plan/logical.js';
import { planRefsOuter } from '../optimize/decorrelate.js';
import { compileExpr, compilePredicate, type Row } from './compile-expr.js';
import { CANCEL_CHECK_ROWS, type ExecContext, type PlanRunner } from './context.js';

export function runLateral(plan: Plan & { kind: 'lateral' }, ctx: ExecContext, runPlan: PlanRunner): Row[] {
  const left = runPlan(plan.left, ctx);
  const lw = plan.left.columns.length;
  const rw = plan.right.columns.length;
  const residual = plan.residual === null ? null : compilePredicate(plan.residual);
  const rightNulls: Value[] = new Array(rw).fill(null);
  const out: Row[] = [];
  const joined = (l: Row, r: Row): Row => {
    const row: Row = new Array(lw + rw);
    for (let k = 0; k < lw; k++) row[k] = l[k]!;
    for (let k = 0; k < rw; k++) row[lw + k] = r[k]!;
    return row;
  };
  let charged = 0;
  const perRowCtes = correlatedCtes(plan.right, new Set());
  for (const l of left) {
    // Each left row runs a whole plan: the cancel check runs per left row.
    ctx.checkCancel();
    for (const id of perRowCtes) ctx.cteResults.delete(id);
    const rights = ctx.runSubquery(plan.right, l, Infinity);
    let matched = false;
    for (const r of rights) {
      const row = joined(l, r);
      if (residual !== null && !residual(row, ctx)) continue;
      matched = true;
      out.push(row);
    }
    if (!matched && plan.joinType === 'left') out.push(joined(l, rightNulls));
    if (out.length - charged >= CANCEL_CHECK_ROWS) {
      ctx.charge((out.length - charged) * (lw + rw));
      charged = out.length;
    }
  }
  ctx.charge((out.length - charged) * (lw + rw));
  return out;
}

/** CTEs of a LATERAL right side that read the left row: computed again for each left row, not cached once. */
function correlatedCtes(p: Plan, out: Set<number>): Set<number> {
  if (p.kind === 'cte_ref' && planRefsOuter(p.input, 1)) out.add(p.id);
  for (const c of planChildren(p)) correlatedCtes(c, out);
  if (p.kind === 'lateral') correlatedCtes(p.right, out);
  return out;
}

/** A set-returning function's rows for its arguments evaluated now (per outer or left row). */
export function runFunctionRows(plan: Plan & { kind: 'function_rows' }, ctx: ExecContext): Row[] {
  const args = plan.args.map((a) => compileExpr(a)([], ctx));
  const out: Row[] = [];
  for (let k = 0; ; k++) {
    const v = plan.at(args, k, plan.rowsMax);
    if (v === undefined) break;
    out.push([v]);
    if ((k & (CANCEL_CHECK_ROWS - 1)) === CANCEL_CHECK_ROWS - 1) {
      ctx.checkCancel();
      ctx.charge(CANCEL_CHECK_ROWS);
    }
  }
  ctx.charge(out.length % CANCEL_CHECK_ROWS);
  return out;
}
