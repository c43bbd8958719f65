// A set-returning function's rows for its arguments evaluated now (per outer or left row).

import type { Plan } from '../../plan/logical.js';
import { compileExpr } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { BATCH_ROWS, type BatchStream, type PhysicalOperator, type Row } from './operator.js';

export class FunctionRows implements PhysicalOperator {
  constructor(readonly plan: Plan & { kind: 'function_rows' }) {}

  *run(ctx: ExecContext): BatchStream {
    const plan = this.plan;
    const args = plan.args.map((a) => compileExpr(a)([], ctx));
    let batch: Row[] = [];
    for (const v of plan.values(args)) {
      batch.push([v]);
      if (batch.length === BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}
