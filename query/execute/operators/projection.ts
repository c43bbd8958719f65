// Computes the output expressions of each input row.

import type { Plan } from '../../plan/logical.js';
import { compileExpr } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { openInput } from './drive.js';
import { Wait, type BatchStream, type PhysicalOperator, type Row } from './operator.js';

export class Projection implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'project' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const fns = this.plan.exprs.map(compileExpr);
    const width = fns.length;
    for (const item of openInput(this.input, ctx)) {
      if (item instanceof Wait) {
        yield item;
        continue;
      }
      const out: Row[] = new Array(item.length);
      for (let i = 0; i < item.length; i++) {
        const r = item[i]!;
        const o: Row = new Array(width);
        for (let j = 0; j < width; j++) o[j] = fns[j]!(r, ctx);
        out[i] = o;
      }
      yield out;
    }
  }
}
