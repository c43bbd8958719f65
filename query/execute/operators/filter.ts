// Keeps the rows of each input batch for which the predicate is TRUE.

import type { Plan } from '../../plan/logical.js';
import { compilePredicate } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { mapBatches, openInput } from './drive.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

export class Filter implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'filter' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const pred = compilePredicate(this.plan.predicate);
    yield* mapBatches(openInput(this.input, ctx), (batch) => {
      const out: Row[] = [];
      for (let i = 0; i < batch.length; i++) if (pred(batch[i]!, ctx)) out.push(batch[i]!);
      return out;
    });
  }
}
