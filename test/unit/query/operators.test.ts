// The physical operators' contract: they pull only what they need (a LIMIT stops its input, a
// hash join streams its probe side), keep PostgreSQL's answers (top-N equals sort + cut, ties in
// input order), and the Gather exchange issues tasks in bounded number, in order, and no more
// once its reader stops. The drivers share the event loop and stop at a cancel.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecContext } from '../../../query/execute/context.js';
import { Gather } from '../../../query/execute/exchange/gather.js';
import { drainAsync, drainSync } from '../../../query/execute/operators/drive.js';
import { BATCH_ROWS, type BatchStream, type PhysicalOperator, type Row } from '../../../query/execute/operators/operator.js';
import { HashJoin } from '../../../query/execute/operators/hash-join.js';
import { Limit } from '../../../query/execute/operators/limit.js';
import { Sort } from '../../../query/execute/operators/sort.js';
import { TopN } from '../../../query/execute/operators/top-n.js';
import type { Expr } from '../../../query/plan/expr.js';
import type { OutputColumn, Plan, SortKey } from '../../../query/plan/logical.js';
import { T, type Value } from '../../../src/types/index.js';
import type { FragmentTask, Store } from '../../../storage/index.js';

const col = (index: number): Expr => ({ kind: 'column', type: T.int4, index, name: `c${index}` });
const lit = (value: Value): Expr => ({ kind: 'const', type: T.int8, value });
const columns = (n: number): OutputColumn[] => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, type: T.int4 }));
const context = (signal?: AbortSignal): ExecContext => new ExecContext({ store: null as unknown as Store, params: [], ...(signal === undefined ? {} : { signal }) });

/** A source of `rows` in batches of `batch`, counting the batches pulled from it. */
function source(rows: Row[], batch: number, width = 2): PhysicalOperator & { pulled: number } {
  const plan: Plan = { kind: 'values', rows: [], columns: columns(width) };
  const op = {
    plan,
    pulled: 0,
    *run(): BatchStream {
      for (let i = 0; i < rows.length; i += batch) {
        op.pulled++;
        yield rows.slice(i, i + batch);
      }
    },
  };
  return op;
}

/** Runs an operator with the synchronous driver's rules (Waits are not expected). */
function run(op: PhysicalOperator, ctx = context()): Row[] {
  const out: Row[] = [];
  for (const item of op.run(ctx)) if (Array.isArray(item)) out.push(...item);
  return out;
}

const rowsOf = (n: number): Row[] => Array.from({ length: n }, (_, i) => [i, i % 7]);

describe('Limit', () => {
  it('stops pulling its input once it has its rows, and skips OFFSET rows', () => {
    const input = source(rowsOf(10_000), 100);
    const plan = { kind: 'limit', input: input.plan, limit: lit(5n), offset: lit(250n), columns: columns(2) } as const;
    expect(run(new Limit(plan, input))).toEqual(rowsOf(255).slice(250));
    expect(input.pulled).toBe(3);
  });

  it('LIMIT 0 reads nothing; a negative LIMIT fails with 2201W', () => {
    const input = source(rowsOf(10), 5);
    expect(run(new Limit({ kind: 'limit', input: input.plan, limit: lit(0n), offset: null, columns: columns(2) }, input))).toEqual([]);
    expect(input.pulled).toBe(0);
    expect(() => run(new Limit({ kind: 'limit', input: input.plan, limit: lit(-1n), offset: null, columns: columns(2) }, input))).toThrowError('LIMIT must not be negative');
  });
});

describe('TopN', () => {
  const keys = (descending: boolean): SortKey[] => [{ expr: col(1), descending, nullsFirst: descending }];

  it('gives exactly what a full sort then LIMIT/OFFSET gives, ties in input order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }), { maxLength: 3000 }),
        fc.nat({ max: 40 }),
        fc.nat({ max: 5 }),
        fc.boolean(),
        (values, limit, offset, descending) => {
          const rows: Row[] = values.map((v, i) => [i, v]);
          const sort = { kind: 'sort', input: source(rows, 97).plan, keys: keys(descending), columns: columns(2) } as const;
          const limitPlan = { kind: 'limit', input: sort, limit: lit(BigInt(limit)), offset: lit(BigInt(offset)), columns: columns(2) } as const;
          const expected = run(new Sort(sort, source(rows, 97))).slice(offset, offset + limit);
          expect(run(new TopN(limitPlan, sort, source(rows, 97)))).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('HashJoin', () => {
  it('streams its larger left side through the right side it holds: a LIMIT above stops the left early', () => {
    const left = source(rowsOf(100_000), 1000);
    const right = source([[0, 'a'], [3, 'b'], [5, 'c']] as Row[], 10);
    const join = { kind: 'join', joinType: 'inner', left: left.plan, right: right.plan, leftKeys: [col(1)], rightKeys: [col(0)], residual: null, columns: columns(4) } as const;
    const limit = { kind: 'limit', input: join, limit: lit(10n), offset: null, columns: columns(4) } as const;
    const out = run(new Limit(limit, new HashJoin(join, left, right)));
    expect(out).toHaveLength(10);
    expect(out.every((r) => r[1] === r[2])).toBe(true);
    expect(left.pulled).toBeLessThanOrEqual(2);
  });

  it('builds on a smaller left side and gives the same rows, in the right side order', () => {
    const left = source([[1, 'x'], [2, 'y']] as Row[], 1);
    const right = source([[2], [1], [2], [9]] as Row[], 2, 1);
    const join = { kind: 'join', joinType: 'inner', left: left.plan, right: right.plan, leftKeys: [col(0)], rightKeys: [col(0)], residual: null, columns: columns(3) } as const;
    expect(run(new HashJoin(join, left, right))).toEqual([[2, 'y', 2], [1, 'x', 1], [2, 'y', 2]]);
  });
});

describe('join output batches', () => {
  it('a fan-out larger than a batch goes up in BATCH_ROWS pieces', () => {
    // 10 left rows each matching 500 right rows: one left batch makes 5,000 joined rows.
    const left = source(Array.from({ length: 10 }, () => [1, 'l']) as Row[], 10);
    const right = source(Array.from({ length: 500 }, (_, i) => [1, i]) as Row[], 500);
    const join = { kind: 'join', joinType: 'inner', left: left.plan, right: right.plan, leftKeys: [col(0)], rightKeys: [col(0)], residual: null, columns: columns(4) } as const;
    const sizes: number[] = [];
    for (const item of new HashJoin(join, left, right).run(context())) if (Array.isArray(item) && item.length > 0) sizes.push(item.length);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(BATCH_ROWS);
  });
});

describe('Gather', () => {
  const plan: Plan = { kind: 'values', rows: [], columns: columns(1) };
  const task = (i: number): FragmentTask => ({ tableId: i, partitions: [i], columns: [], kernel: '', args: [] });

  /** A transport answering task i with the one result i after a delay that makes later tasks finish first. */
  function transport(fail?: number) {
    const started: number[] = [];
    let inFlight = 0;
    let inFlightMax = 0;
    return {
      started,
      inFlightMax: () => inFlightMax,
      parallelism: 2,
      run(t: FragmentTask): Promise<readonly unknown[]> {
        started.push(t.tableId);
        inFlightMax = Math.max(inFlightMax, ++inFlight);
        return new Promise((resolve, reject) =>
          setTimeout(() => {
            inFlight--;
            if (t.tableId === fail) reject(new Error(`task ${t.tableId} failed`));
            else resolve([t.tableId]);
          }, 20 - t.tableId),
        );
      },
    };
  }

  it('hands on every task in task order with at most inFlightMax running', async () => {
    const net = transport();
    const gather = new Gather(plan, net, [0, 1, 2, 3, 4, 5, 6, 7].map(task), (r) => [[r as number]], 3);
    const ctx = context();
    ctx.sources.set(plan, gather);
    expect(await drainAsync(plan, ctx)).toEqual([[0], [1], [2], [3], [4], [5], [6], [7]]);
    expect(net.inFlightMax()).toBe(3);
  });

  it('issues no further task once its reader stops, and reports a failed task', async () => {
    const net = transport();
    const gather = new Gather(plan, net, [0, 1, 2, 3, 4, 5, 6, 7].map(task), (r) => [[r as number]], 2);
    const limited = { kind: 'limit', input: plan, limit: lit(1n), offset: null, columns: columns(1) } as const;
    const ctx = context();
    ctx.sources.set(plan, gather);
    expect(await drainAsync(limited, ctx)).toEqual([[0]]);
    // Task 0's slot is refilled (task 2) before its rows are handed on; nothing after that.
    expect(net.started).toEqual([0, 1, 2]);
    const failing = new Gather(plan, transport(2), [0, 1, 2, 3].map(task), (r) => [[r as number]], 2);
    const ctx2 = context();
    ctx2.sources.set(plan, failing);
    await expect(drainAsync(plan, ctx2)).rejects.toThrowError('task 2 failed');
  });

  it('hands on every result of a task that came back in pieces (a failover split it), in order', async () => {
    const pieces = { parallelism: 1, run: async (t: FragmentTask): Promise<readonly unknown[]> => [t.tableId, t.tableId + 10] };
    const ctx = context();
    ctx.sources.set(plan, new Gather(plan, pieces, [0, 1].map(task), (r) => [[r as number]], 1));
    expect(await drainAsync(plan, ctx)).toEqual([[0], [10], [1], [11]]);
  });

  it('cannot run inside an expression: the synchronous driver refuses to wait', () => {
    const ctx = context();
    ctx.sources.set(plan, new Gather(plan, transport(), [task(0)], (r) => [[r as number]], 1));
    expect(() => drainSync(plan, ctx)).toThrowError(/waited for a data engine/);
  });
});

describe('drivers', () => {
  it('give the event loop to other work while a long plan runs, and stop at a cancel', async () => {
    const rows = rowsOf(300_000);
    const sort = { kind: 'sort', input: source(rows, 1024).plan, keys: [{ expr: col(1), descending: false, nullsFirst: false }], columns: columns(2) } as const;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const ctx = context();
      const op = new Sort(sort, source(rows, 1024));
      ctx.sources.set(sort, op);
      expect(await drainAsync(sort, ctx)).toHaveLength(rows.length);
      expect(ticks).toBeGreaterThan(0);
      const abort = new AbortController();
      const cancelled = context(abort.signal);
      cancelled.sources.set(sort, new Sort(sort, source(rows, 1024)));
      setTimeout(() => abort.abort(), 5);
      await expect(drainAsync(sort, cancelled)).rejects.toThrowError('canceling statement due to user request');
    } finally {
      clearInterval(timer);
    }
  });
});
