// UNION, INTERSECT and EXCEPT, with or without ALL. UNION ALL streams both inputs; the others
// count the right side's rows by value first and stream the left side against the counts.

import type { Plan } from '../../plan/logical.js';
import type { ExecContext } from '../context.js';
import { collectRows, openInput } from './drive.js';
import { groupKey } from './group-key.js';
import { Wait, type BatchStream, type PhysicalOperator, type Row } from './operator.js';

export class SetOperation implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'setop' },
    private readonly left: PhysicalOperator,
    private readonly right: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const plan = this.plan;
    const types = plan.columns.map((c) => c.type);
    const width = Math.max(1, types.length);
    if (plan.op === 'union') {
      const seen = plan.all ? null : new Set<string>();
      for (const side of [this.left, this.right]) {
        for (const item of openInput(side, ctx)) {
          if (item instanceof Wait || seen === null) {
            yield item;
            continue;
          }
          const out: Row[] = [];
          for (const r of item) {
            const k = groupKey(r, types);
            if (seen.has(k)) continue;
            seen.add(k);
            out.push(r);
          }
          if (out.length > 0) ctx.charge(out.length * width);
          yield out;
        }
      }
      return;
    }
    const right: Row[] = [];
    yield* collectRows(openInput(this.right, ctx), right, ctx, width);
    const counts = new Map<string, number>();
    for (const r of right) {
      const k = groupKey(r, types);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    right.length = 0;
    const emitted = new Set<string>();
    for (const item of openInput(this.left, ctx)) {
      if (item instanceof Wait) {
        yield item;
        continue;
      }
      const out: Row[] = [];
      for (const r of item) {
        const k = groupKey(r, types);
        const c = counts.get(k) ?? 0;
        if (plan.op === 'intersect') {
          if (c === 0) continue;
          if (plan.all) {
            counts.set(k, c - 1);
            out.push(r);
          } else if (!emitted.has(k)) {
            emitted.add(k);
            out.push(r);
          }
        } else if (plan.all) {
          if (c > 0) counts.set(k, c - 1);
          else out.push(r);
        } else if (c === 0 && !emitted.has(k)) {
          emitted.add(k);
          out.push(r);
        }
      }
      yield out;
    }
  }
}
