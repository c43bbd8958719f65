// ORDER BY: holds its whole input, sorts it (stably, as PostgreSQL's output for ties usually
// looks) and hands it on in batches.

import { compareValues } from '../../../src/types/index.js';
import type { Plan, SortKey } from '../../plan/logical.js';
import { compileExpr } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { batchesOf, collectRows, openInput } from './drive.js';
import type { BatchStream, PhysicalOperator, Row } from './operator.js';

export type RowComparator = (a: Row, b: Row) => number;

/** Compares rows by sort keys with PostgreSQL's NULL placement (NULLS LAST ascending by default). */
export function rowComparator(keys: readonly SortKey[], ctx: ExecContext): RowComparator {
  const fns = keys.map((k) => compileExpr(k.expr));
  const types = keys.map((k) => k.expr.type);
  return (a, b) => {
    for (let i = 0; i < fns.length; i++) {
      const key = keys[i]!;
      const x = fns[i]!(a, ctx);
      const y = fns[i]!(b, ctx);
      if (x === null || y === null) {
        if (x === y) continue;
        return x === null ? (key.nullsFirst ? -1 : 1) : key.nullsFirst ? 1 : -1;
      }
      const c = compareValues(types[i]!, x, y);
      if (c !== 0) return key.descending ? -c : c;
    }
    return 0;
  };
}

export class Sort implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'sort' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const rows: Row[] = [];
    yield* collectRows(openInput(this.input, ctx), rows, ctx, this.plan.columns.length);
    rows.sort(rowComparator(this.plan.keys, ctx));
    yield* batchesOf(rows);
  }
}
