// DISTINCT (and DISTINCT ON its key expressions): the first row of each key passes, in input
// order, as the input streams.

import type { Plan } from '../../plan/logical.js';
import { compileExpr } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { mapBatches, openInput } from './drive.js';
import { groupKey } from './group-key.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

export class Distinct implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'distinct' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const on = this.plan.on;
    let keyOf: (r: Row) => string;
    if (on === null) {
      const types = this.plan.columns.map((c) => c.type);
      keyOf = (r) => groupKey(r, types);
    } else {
      const fns = on.map(compileExpr);
      const types = on.map((e) => e.type);
      keyOf = (r) => groupKey(fns.map((f) => f(r, ctx)), types);
    }
    const seen = new Set<string>();
    const width = Math.max(1, this.plan.columns.length);
    yield* mapBatches(openInput(this.input, ctx), (batch) => {
      const out: Row[] = [];
      for (const r of batch) {
        const k = keyOf(r);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(r);
      }
      if (out.length > 0) ctx.charge(out.length * width);
      return out;
    });
  }
}
