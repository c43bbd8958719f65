// Computes the output expressions of each input row.

import type { Plan } from '../../plan/logical.js';
import { compileExpr } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { mapBatches, openInput } from './drive.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

export class Projection implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'project' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const fns = this.plan.exprs.map(compileExpr);
    const width = fns.length;
    yield* mapBatches(openInput(this.input, ctx), (batch) => {
      const out: Row[] = new Array(batch.length);
      for (let i = 0; i < batch.length; i++) {
        const r = batch[i]!;
        const o: Row = new Array(width);
        for (let j = 0; j < width; j++) o[j] = fns[j]!(r, ctx);
        out[i] = o;
      }
      return out;
    });
  }
}
