// GROUP BY and aggregates over rows: one hash table of groups, fed batch by batch, finished when
// the input ends. (Aggregates over large tables arrive as data-engine partials instead, merged in
// query/distribute.)

import type { Value } from '../../../src/types/index.js';
import type { AggregateCall, Plan } from '../../plan/logical.js';
import { newAccumulator, StringAggAccumulator } from '../aggregates.js';
import { compileExpr, compilePredicate } from '../compile-expr.js';
import type { ExecContext } from '../context.js';
import { JsonbObjectAggAccumulator } from '../jsonb-aggregates.js';
import { OrderedSetAccumulator } from '../ordered-aggregates.js';
import { batchesOf, EMPTY, openInput } from './drive.js';
import { groupKey, RAW_KEY_KINDS } from './group-key.js';
import { Wait, type BatchStream, type PhysicalOperator, type Row } from './operator.js';
import { rowComparator } from './sort.js';

/** Adds one input row to an aggregate (count(*) counts rows; string_agg takes its delimiter). */
type Feed = (row: Row, ctx: ExecContext) => void;

interface AggregateSlot {
  feed: Feed;
  result(): Value;
}

function newSlot(call: AggregateCall, ctx0: ExecContext): AggregateSlot {
  const args = call.args.map(compileExpr);
  const filter = call.filter === null ? null : compilePredicate(call.filter);
  let inner: AggregateSlot;
  if (call.name === 'jsonb_object_agg') {
    const acc = new JsonbObjectAggAccumulator(call.args[0]!.type, call.args[1]!.type);
    inner = { feed: (row, ctx) => acc.add(args[0]!(row, ctx), args[1]!(row, ctx)), result: () => acc.result() };
  } else if (call.name === 'string_agg') {
    const acc = new StringAggAccumulator(call.distinct);
    inner = { feed: (row, ctx) => acc.add(args[0]!(row, ctx), args[1]!(row, ctx)), result: () => acc.result() };
  } else if (call.name === 'percentile_cont' || call.name === 'percentile_disc') {
    // The fraction reads no column: evaluated once per group, after the values.
    const acc = new OrderedSetAccumulator(call.name, call.args[0]!.type);
    const fraction = args[1]!;
    inner = { feed: (row, ctx) => acc.add(args[0]!(row, ctx)), result: () => acc.result(fraction([], ctx0)) };
  } else if (call.name === 'count_star') {
    const acc = newAccumulator(call);
    inner = { feed: () => acc.add(true), result: () => acc.result() };
  } else {
    const acc = newAccumulator(call);
    const a0 = args[0]!;
    inner = { feed: (row, ctx) => acc.add(a0(row, ctx)), result: () => acc.result() };
  }
  const filtered: AggregateSlot = filter === null ? inner : { feed: (row, ctx) => filter(row, ctx) && inner.feed(row, ctx), result: () => inner.result() };
  if (call.orderBy.length === 0) return filtered;
  // Ordered aggregates see their input sorted: keep the rows, sort them once at the end.
  const rows: Row[] = [];
  const cmp = rowComparator(call.orderBy, ctx0);
  return {
    feed: (row) => void rows.push(row),
    result: () => {
      rows.sort(cmp);
      for (const r of rows) filtered.feed(r, ctx0);
      return filtered.result();
    },
  };
}

interface Group {
  keys: Value[];
  slots: AggregateSlot[];
}

export class HashAggregate implements PhysicalOperator {
  constructor(
    readonly plan: Plan & { kind: 'aggregate' },
    private readonly input: PhysicalOperator,
  ) {}

  *run(ctx: ExecContext): BatchStream {
    const plan = this.plan;
    const groupFns = plan.groupBy.map(compileExpr);
    const groupTypes = plan.groupBy.map((e) => e.type);
    const newGroup = (keys: Value[]): Group => ({ keys, slots: plan.aggregates.map((a) => newSlot(a, ctx)) });
    // Keys of kinds whose JavaScript value is their identity group by the values themselves: no
    // key string per row (Map's SameValueZero also puts NaNs together and 0 with -0, as PostgreSQL).
    // Several such keys group through one Map per key level: no key string per row either.
    const rawKeys = plan.groupBy.every((e) => RAW_KEY_KINDS.has(e.type.kind));
    const width = plan.groupBy.length;
    const groups = new Map<unknown, unknown>();
    const order: Group[] = [];
    const global = width === 0;
    if (global) order.push(newGroup([]));
    const keys: Value[] = new Array(width);
    const columns = Math.max(1, plan.columns.length);
    for (const item of openInput(this.input, ctx)) {
      if (item instanceof Wait) {
        yield item;
        continue;
      }
      const groupsBefore = order.length;
      for (let i = 0; i < item.length; i++) {
        const row = item[i]!;
        let g: Group | undefined;
        if (global) g = order[0]!;
        else {
          for (let k = 0; k < width; k++) keys[k] = groupFns[k]!(row, ctx);
          let level = groups;
          let last: unknown;
          if (rawKeys) {
            for (let k = 0; k < width - 1; k++) {
              let next = level.get(keys[k]) as Map<unknown, unknown> | undefined;
              if (next === undefined) level.set(keys[k], (next = new Map()));
              level = next;
            }
            last = keys[width - 1];
          } else last = groupKey(keys, groupTypes);
          g = level.get(last) as Group | undefined;
          if (g === undefined) {
            g = newGroup(keys.slice());
            level.set(last, g);
            order.push(g);
          }
        }
        const slots = g.slots;
        for (let s = 0; s < slots.length; s++) slots[s]!.feed(row, ctx);
      }
      if (order.length > groupsBefore) ctx.charge((order.length - groupsBefore) * columns);
      yield EMPTY;
    }
    yield* batchesOf(order.map((g) => [...g.keys, ...g.slots.map((s) => s.result())]));
  }
}
