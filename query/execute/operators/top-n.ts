// ORDER BY … LIMIT n: keeps only the best offset + n rows while its input streams by, instead of
// holding and sorting all of it. Rows gather in a buffer that is sorted and cut back to the kept
// count whenever it doubles (n log n per kept row, amortized); once the kept set is full, a row
// no better than its worst is dropped at one comparison.

import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';
import { batchesOf, EMPTY, openInput } from './drive.js';
import { limitCounts } from './limit.js';
import { Wait, type BatchStream, type PhysicalOperator, type Row } from './operator.js';
import { rowComparator } from './sort.js';

/** Smallest buffer a top-N sorts and cuts back (so that LIMIT 1 does not sort every few rows). */
export const TOP_N_BUFFER_ROWS_MIN = 1024;

export class TopN implements PhysicalOperator {
  /** `plan` is the LIMIT; `sort` the ORDER BY under it, whose input this operator reads. */
  constructor(
    readonly plan: Plan & { kind: 'limit' },
    private readonly sort: Plan & { kind: 'sort' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const { limit, offset } = limitCounts(this.plan.limit, this.plan.offset, ctx);
    if (limit === 0) return;
    const cmp = rowComparator(this.sort.keys, ctx);
    const keep = limit < 0 ? Infinity : offset + limit;
    const width = Math.max(1, this.plan.columns.length);
    let rows: Row[] = [];
    let worst: Row | null = null;
    /** Rows charged to the memory budget: the buffer's largest size so far. */
    let charged = 0;
    const report = ctx.topNBounds.get(this.plan);
    const cut = (): void => {
      // Stable: kept rows precede later ones in the buffer, so ties keep input order.
      rows.sort(cmp);
      if (rows.length > keep) rows.length = keep;
      worst = rows.length === keep ? rows[rows.length - 1]! : null;
      if (worst !== null) report?.(worst);
    };
    const bufferMax = Math.max(TOP_N_BUFFER_ROWS_MIN, 2 * keep);
    for (const item of openInput(this.input, ctx)) {
      if (item instanceof Wait) {
        yield item;
        continue;
      }
      for (let i = 0; i < item.length; i++) {
        const r = item[i]!;
        if (worst !== null && cmp(r, worst) >= 0) continue;
        rows.push(r);
        if (rows.length >= bufferMax) cut();
      }
      if (rows.length > charged) {
        ctx.charge((rows.length - charged) * width);
        charged = rows.length;
      }
      // A scan is bounded by what is reported: with one, every batch that fills the kept set or adds
      // to a full one is cut at once (not when the buffer next doubles), so tasks issued next start
      // from the tightest bound. (A cut leaves exactly `keep` rows once the set is full.)
      if (report !== undefined && rows.length >= keep && (worst === null || rows.length > keep)) cut();
      yield EMPTY;
    }
    cut();
    rows = rows.slice(offset);
    yield* batchesOf(rows);
  }
}
