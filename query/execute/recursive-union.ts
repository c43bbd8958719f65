// WITH RECURSIVE execution: PostgreSQL's working-table iteration. The anchor's rows start the
// result and the working table; each step runs the recursive term over the working table and the
// rows it yields (under UNION only those not produced before) become the next working table.

import { EonError } from '../../src/errors/index.js';
import type { ColumnType, Value } from '../../src/types/index.js';
import type { Plan } from '../plan/logical.js';
import type { Row } from './compile-expr.js';
import type { ExecContext } from './context.js';

/** Rows one recursive CTE may produce before it fails with 54000 (an unbounded recursion would never end). */
export const RECURSIVE_CTE_ROWS_MAX = 10_000_000;

export function runRecursiveUnion(
  plan: Plan & { kind: 'recursive_union' },
  ctx: ExecContext,
  runPlan: (p: Plan, ctx: ExecContext) => Row[],
  keyOf: (values: readonly Value[], types: readonly ColumnType[]) => string,
  rowsMax: number = RECURSIVE_CTE_ROWS_MAX,
): Row[] {
  const types = plan.columns.map((c) => c.type);
  const width = Math.max(1, types.length);
  const seen = plan.all ? null : new Set<string>();
  const fresh = (rows: Row[]): Row[] => {
    if (seen === null) return rows;
    const out: Row[] = [];
    for (const r of rows) {
      const k = keyOf(r, types);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(r);
    }
    return out;
  };
  const result: Row[] = [];
  let working = fresh(runPlan(plan.anchor, ctx));
  while (working.length > 0) {
    ctx.checkCancel();
    for (const r of working) result.push(r);
    if (result.length > rowsMax) {
      throw new EonError('program_limit_exceeded', `recursive query produced more than ${rowsMax} rows`);
    }
    ctx.charge(working.length * width);
    ctx.cteResults.set(plan.worktable, working);
    working = fresh(runPlan(plan.recursive, ctx));
  }
  ctx.cteResults.delete(plan.worktable);
  return result;
}
