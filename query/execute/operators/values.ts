// VALUES rows (and bulk INSERT's literal rows), evaluated when the operator runs.

import type { Plan } from '../../plan/logical.js';
import { compileExpr } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { batchesOf } from './drive.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

export class Values implements PhysicalOperator {
  constructor(readonly plan: Plan & { kind: 'values' }) {}

  *run(ctx: ExecContext): BatchStream {
    // Literal rows (bulk INSERTs) need no evaluator per value.
    const rows: Row[] = this.plan.rows.map((exprs) => exprs.map((e) => (e.kind === 'const' ? e.value : compileExpr(e)([], ctx))));
    yield* batchesOf(rows);
  }
}
