// Joins without equality keys (cross joins, inequality conditions): the right side is held and
// every left row, as the left side streams, is tried against every right row.

import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';
import { batchesOf, collectRows, mapBatches, openInput } from './drive.js';
import { JoinRows } from './join-rows.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

export class NestedLoopJoin implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'join' },
    private readonly left: PhysicalOperator,
    private readonly right: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const rows = new JoinRows(this.plan);
    const right: Row[] = [];
    yield* collectRows(openInput(this.right, ctx), right, ctx, rows.rw);
    const everyRow = right.map((_, j) => j);
    const rightMatched = rows.keepRight ? new Uint8Array(right.length) : null;
    yield* mapBatches(openInput(this.left, ctx), (batch) => {
      const out: Row[] = [];
      for (const l of batch) {
        // Each left row costs a pass over all right rows, so the cancel check runs per left row.
        ctx.checkCancel();
        rows.probe(l, everyRow, right, rightMatched, out, ctx);
      }
      return out;
    });
    if (rightMatched !== null) yield* batchesOf(rows.unmatchedRight(right, rightMatched));
  }
}
