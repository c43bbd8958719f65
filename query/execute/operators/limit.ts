// LIMIT / OFFSET: passes rows through until it has enough, then stops pulling its input, which
// closes every operator under it (a scan stops reading, a data-engine gather stops asking).

import { EonError } from '../../../src/errors/index.js';
import type { Value } from '../../../src/types/index.js';
import type { Expr } from '../../plan/expr.js';
import type { Plan } from '../../plan/logical.js';
import { compileExpr } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { openInput } from './drive.js';
import { Wait, type BatchStream, type PhysicalOperator } from './operator.js';

/** LIMIT's row count (-1: none) and OFFSET's, checked as PostgreSQL checks them. */
export function limitCounts(limit: Expr | null, offset: Expr | null, ctx: ExecContext): { limit: number; offset: number } {
  return {
    limit: limit === null ? -1 : countValue(compileExpr(limit)([], ctx), 'LIMIT'),
    offset: offset === null ? 0 : Math.max(0, countValue(compileExpr(offset)([], ctx), 'OFFSET')),
  };
}

function countValue(v: Value, what: 'LIMIT' | 'OFFSET'): number {
  if (v === null) return -1;
  const n = Number(v);
  if (n < 0) {
    throw new EonError(what === 'LIMIT' ? 'invalid_row_count_in_limit_clause' : 'invalid_row_count_in_result_offset_clause', `${what} must not be negative`);
  }
  return n;
}

export class Limit implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'limit' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const { limit, offset } = limitCounts(this.plan.limit, this.plan.offset, ctx);
    if (limit === 0) return;
    let skip = offset;
    let left = limit < 0 ? Infinity : limit;
    for (const item of openInput(this.input, ctx)) {
      if (item instanceof Wait) {
        yield item;
        continue;
      }
      let from = 0;
      if (skip > 0) {
        from = Math.min(skip, item.length);
        skip -= from;
      }
      const to = Math.min(item.length, from + left);
      left -= to - from;
      yield from === 0 && to === item.length ? item : item.slice(from, to);
      if (left === 0) return;
    }
  }
}
