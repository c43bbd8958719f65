// Equi-joins by a hash table. An inner, semi or anti join whose left side the planner's estimate
// makes the smaller builds on the left and streams the right side through it, so a large right
// side is never held (and an ORDER BY … LIMIT above can bound its scan as it streams). Otherwise
// the right side is built first and held, and the left side streams through it — except that an
// inner, semi or anti join whose left side turns out smaller builds on the left instead: the left
// rows are read up to the right side's count to find out, so a large left side still streams.

import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';
import { batchesOf, collectRows, EMPTY, mapBatches, openInput } from './drive.js';
import { buildJoinHashTable } from './join-hash-table.js';
import { JoinRows } from './join-rows.js';
import { estimateRows } from '../../optimize/cardinality.js';
import { BATCH_ROWS, Wait, type BatchStream, type PhysicalOperator, type Row } from './operator.js';

export class HashJoin implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'join' },
    private readonly left: PhysicalOperator,
    private readonly right: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const plan = this.plan;
    const rows = new JoinRows(plan);
    const mayBuildLeft = plan.joinType === 'inner' || rows.semi || rows.anti;
    if (mayBuildLeft && this.leftEstimatedSmaller(ctx)) {
      const left: Row[] = [];
      yield* collectRows(openInput(this.left, ctx), left, ctx, rows.lw);
      const rightStream = openInput(this.right, ctx);
      try {
        yield* this.buildLeft(left, rightStream, rows, ctx);
      } finally {
        rightStream.return(undefined);
      }
      return;
    }
    const right: Row[] = [];
    yield* collectRows(openInput(this.right, ctx), right, ctx, rows.rw);
    const leftStream = openInput(this.left, ctx);
    try {
      const head: Row[] = [];
      let leftEnded = false;
      while (mayBuildLeft && head.length < right.length) {
        const next = leftStream.next();
        if (next.done === true) {
          leftEnded = true;
          break;
        }
        const item = next.value;
        if (item instanceof Wait) {
          yield item;
          continue;
        }
        for (const r of item) head.push(r);
        if (item.length > 0) ctx.charge(item.length * Math.max(1, rows.lw));
        yield EMPTY;
      }
      if (leftEnded && head.length < right.length) {
        yield* this.buildLeft(head, batchesOf(right), rows, ctx);
        return;
      }
      const table = buildJoinHashTable(plan.rightKeys, plan.leftKeys, right, ctx);
      const rightMatched = rows.keepRight ? new Uint8Array(right.length) : null;
      const probe = (batch: readonly Row[]): Row[] => {
        const out: Row[] = [];
        for (let i = 0; i < batch.length; i++) rows.probe(batch[i]!, table.candidates(batch[i]!), right, rightMatched, out, ctx);
        return out;
      };
      for (let i = 0; i < head.length; i += BATCH_ROWS) yield probe(head.slice(i, i + BATCH_ROWS));
      head.length = 0;
      yield* mapBatches(leftStream, probe);
      if (rightMatched !== null) yield* batchesOf(rows.unmatchedRight(right, rightMatched));
    } finally {
      leftStream.return(undefined);
    }
  }

  /** Whether the estimated rows of the left side are fewer than the right's (tables' row counts, statistics' selectivities). */
  private leftEstimatedSmaller(ctx: ExecContext): boolean {
    const known = ctx.buildsLeft.get(this.plan);
    if (known !== undefined) return known;
    const rowsOf = (s: Plan & { kind: 'scan' }): number => ctx.store.estimatedRows(s.table);
    const statsOf = (s: Plan & { kind: 'scan' }) => ctx.store.tableStatistics(s.table);
    const smaller = estimateRows(this.plan.left, rowsOf, statsOf) < estimateRows(this.plan.right, rowsOf, statsOf);
    ctx.buildsLeft.set(this.plan, smaller);
    return smaller;
  }

  /** An inner, semi or anti join whose left side is the smaller: hashed on the left, probed by the right side's batches as they come. */
  private *buildLeft(left: readonly Row[], right: BatchStream, rows: JoinRows, ctx: ExecContext): BatchStream {
    const plan = this.plan;
    const table = buildJoinHashTable(plan.leftKeys, plan.rightKeys, left, ctx);
    const residual = rows.residual;
    if (rows.semi || rows.anti) {
      // Marks the left rows some right row matches; emits them (or the others) in left order.
      const matched = new Uint8Array(left.length);
      for (const batch of right) {
        if (batch instanceof Wait) {
          yield batch;
          continue;
        }
        for (let k = 0; k < batch.length; k++) {
          const r = batch[k]!;
          const candidates = table.candidates(r);
          if (candidates === undefined) continue;
          for (const i of candidates) {
            if (matched[i] === 0 && (residual === null || residual(rows.joined(left[i]!, r), ctx))) matched[i] = 1;
          }
        }
        yield EMPTY;
      }
      const out: Row[] = [];
      for (let i = 0; i < left.length; i++) if ((matched[i] === 1) === rows.semi) out.push(left[i]!);
      yield* batchesOf(out);
      return;
    }
    // Rows still come out as left ++ right, in right order.
    yield* mapBatches(right, (batch) => {
      const out: Row[] = [];
      for (let k = 0; k < batch.length; k++) {
        const r = batch[k]!;
        const candidates = table.candidates(r);
        if (candidates === undefined) continue;
        for (const i of candidates) {
          const combined = rows.joined(left[i]!, r);
          if (residual === null || residual(combined, ctx)) out.push(combined);
        }
      }
      return out;
    });
  }
}
