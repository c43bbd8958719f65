// A WITH query's result, computed once per statement and shared by its references (CTEs with
// data-engine fragments were computed before the plan ran, see query/distribute).

import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';
import { batchesOf, collectRows, openInput } from './drive.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

export class CteScan implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'cte_ref' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    let rows = ctx.cteResults.get(this.plan.id);
    if (rows === undefined) {
      // Held whole before any row is handed on: a reader stopping early must not leave a partial result for the others.
      const all: Row[] = [];
      yield* collectRows(openInput(this.input, ctx), all, ctx, this.plan.columns.length);
      ctx.cteResults.set(this.plan.id, all);
      rows = all;
    }
    yield* batchesOf(rows);
  }
}

/** The working table of a recursive CTE's current step (set by RecursiveUnion). */
export class WorktableScan implements PhysicalOperator {
  constructor(readonly plan: Plan & { kind: 'worktable' }) {}

  *run(ctx: ExecContext): BatchStream {
    yield* batchesOf(ctx.cteResults.get(this.plan.id) ?? []);
  }
}
