// WITH RECURSIVE: PostgreSQL's working-table iteration. The anchor's rows start the result and
// the working table; each step runs the recursive term over the working table (its `worktable`
// scans read ctx.cteResults) and the rows it yields (under UNION only those not produced before)
// become the next working table. Each step's rows are handed on as soon as the step ends.

import { EonError } from '../../../src/errors/index.js';
import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';
import { batchesOf, collectRows, openInput } from './drive.js';
import { groupKey } from './group-key.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

/** Rows one recursive CTE may produce before it fails with 54000 (an unbounded recursion would never end). */
export const RECURSIVE_CTE_ROWS_MAX = 10_000_000;

export class RecursiveUnion implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'recursive_union' },
    private readonly anchor: PhysicalOperator,
    private readonly recursive: PhysicalOperator,
    private readonly rowsMax: number = RECURSIVE_CTE_ROWS_MAX,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const plan = this.plan;
    const types = plan.columns.map((c) => c.type);
    const width = Math.max(1, types.length);
    const seen = plan.all ? null : new Set<string>();
    const fresh = (rows: Row[]): Row[] => {
      if (seen === null) return rows;
      const out: Row[] = [];
      for (const r of rows) {
        const k = groupKey(r, types);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(r);
      }
      return out;
    };
    let produced = 0;
    let step: Row[] = [];
    yield* collectRows(openInput(this.anchor, ctx), step, ctx, width);
    let working = fresh(step);
    try {
      while (working.length > 0) {
        produced += working.length;
        if (produced > this.rowsMax) throw new EonError('program_limit_exceeded', `recursive query produced more than ${this.rowsMax} rows`);
        yield* batchesOf(working);
        ctx.cteResults.set(plan.worktable, working);
        step = [];
        yield* collectRows(openInput(this.recursive, ctx), step, ctx, width);
        working = fresh(step);
      }
    } finally {
      ctx.cteResults.delete(plan.worktable);
    }
  }
}
