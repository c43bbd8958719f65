// LATERAL joins: the right side runs once per left row, with that row as its nearest outer row
// (as a correlated subquery does), and its rows are appended to it. Inner and LEFT only, as
// PostgreSQL allows for a LATERAL reference; LEFT NULL-extends a left row the right side (after
// the ON condition) gives nothing for.

import type { Value } from '../../../src/types/index.js';
import { planRefsOuter } from '../../optimize/decorrelate.js';
import { planChildren, type Plan } from '../../plan/logical.js';
import { compilePredicate } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { mapBatches, openInput } from './drive.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

export class LateralJoin implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'lateral' },
    private readonly left: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const plan = this.plan;
    const lw = plan.left.columns.length;
    const rw = plan.right.columns.length;
    const residual = plan.residual === null ? null : compilePredicate(plan.residual);
    const rightNulls: Value[] = new Array(rw).fill(null);
    const joined = (l: Row, r: Row): Row => {
      const row: Row = new Array(lw + rw);
      for (let k = 0; k < lw; k++) row[k] = l[k]!;
      for (let k = 0; k < rw; k++) row[lw + k] = r[k]!;
      return row;
    };
    const perRowCtes = correlatedCtes(plan.right, new Set());
    yield* mapBatches(openInput(this.left, ctx), (batch) => {
      const out: Row[] = [];
      for (const l of batch) {
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
      }
      return out;
    });
  }
}

/** CTEs of a LATERAL right side that read the left row: computed again for each left row, not cached once. */
function correlatedCtes(p: Plan, out: Set<number>): Set<number> {
  if (p.kind === 'cte_ref' && planRefsOuter(p.input, 1)) out.add(p.id);
  for (const c of planChildren(p)) correlatedCtes(c, out);
  if (p.kind === 'lateral') correlatedCtes(p.right, out);
  return out;
}
