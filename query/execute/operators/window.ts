// Window functions: hold the input, compute each call over its partitions (../window.ts), and
// hand the rows on with one column per call appended.

import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';
import { runWindow } from '../window.js';
import { batchesOf, collectRows, openInput } from './drive.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';
import { rowComparator } from './sort.js';

export class Window implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'window' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const rows: Row[] = [];
    yield* collectRows(openInput(this.input, ctx), rows, ctx, this.plan.input.columns.length);
    yield* batchesOf(runWindow(this.plan, rows, ctx, rowComparator));
  }
}
