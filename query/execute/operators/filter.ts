// Keeps the rows of each input batch for which the predicate is TRUE.

import type { Plan } from '../../plan/logical.js';
import { compilePredicate } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { openInput } from './drive.js';
import { Wait, type BatchStream, type PhysicalOperator, type Row } from './operator.js';

export class Filter implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'filter' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const pred = compilePredicate(this.plan.predicate);
    for (const item of openInput(this.input, ctx)) {
      if (item instanceof Wait) {
        yield item;
        continue;
      }
      const out: Row[] = [];
      for (let i = 0; i < item.length; i++) if (pred(item[i]!, ctx)) out.push(item[i]!);
      yield out;
    }
  }
}
