// A HAVING filter over groups that are complete in each task (grouped by the distribution key)
// runs in the aggregate kernel: groups it surely rejects are not sent. The coordinator still
// applies the whole predicate, so the kernel only has to never drop a group that passes.
import { describe, expect, it } from 'vitest';
import { Numeric, T, resolveBinaryOperator, type Value } from '../../../src/types/index.js';
import type { TableSchema } from '../../../storage/index.js';
import type { Expr } from '../../../query/plan/expr.js';
import type { AggregateCall, Plan } from '../../../query/plan/logical.js';
import { compileAggregateKernel } from '../../../query/distribute/aggregate-fragment.js';

const NUM = { kind: 'numeric', precision: 12, scale: 2 } as const;
const table: TableSchema = {
  id: 1, name: 'lines', primaryKey: [0, 1], distributionKey: [0],
  columns: [{ name: 'o', type: T.int4, notNull: true }, { name: 'n', type: T.int4, notNull: true }, { name: 'q', type: NUM, notNull: false }],
};
const col = (index: number, type = T.int4 as Expr['type']): Expr => ({ kind: 'column', type, index, name: `c${index}` });
const lit = (type: Expr['type'], value: Value): Expr => ({ kind: 'const', type, value });
const cmp = (op: string, l: Expr, r: Expr): Expr => ({ kind: 'binary', type: T.bool, op, left: l, right: r, fn: resolveBinaryOperator(op, l.type, r.type).fn });
const call = (name: AggregateCall['name'], args: Expr[], type: Expr['type']): AggregateCall => ({ name, args, distinct: false, filter: null, type, orderBy: [] });

/** Runs the kernel of `SELECT o, sum(q), count(*) FROM lines GROUP BY o HAVING …` over rows (o, n, q in hundredths). */
function groupsSent(having: Expr, rows: [number, number, number | null][]): number[] {
  const scan: Plan & { kind: 'scan' } = { kind: 'scan', table, columns: table.columns.map((c) => ({ name: c.name, type: c.type })), filter: null, keyLookup: null };
  const plan: Plan & { kind: 'aggregate' } = {
    kind: 'aggregate', input: scan, groupBy: [col(0)], aggregates: [call('sum', [col(2, NUM)], NUM), call('count_star', [], T.int8)],
    columns: [{ name: 'o', type: T.int4 }, { name: 'sum', type: NUM }, { name: 'count', type: T.int8 }],
  };
  const kernel = compileAggregateKernel({ kind: 'aggregate', plan, scan }, [], undefined, having)!;
  const all = [Int32Array.from(rows.map((r) => r[0])), Int32Array.from(rows.map((r) => r[1])), Float64Array.from(rows.map((r) => r[2] ?? 0))];
  const validity = Uint8Array.from({ length: Math.ceil(rows.length / 8) }, (_, byte) => rows.slice(byte * 8, byte * 8 + 8).reduce((m, r, bit) => (r[2] === null ? m : m | (1 << bit)), 0));
  const batch = {
    length: rows.length,
    selection: null,
    columns: kernel.columns.map((c) => ({ type: table.columns[c]!.type, values: all[c]!, validity: c === 2 ? validity : null })),
  };
  const lib = { packPartial: (p: { keys: number[][] }) => p.keys[0] };
  return new Function('batches', 'args', 'lib', kernel.source)([batch], kernel.args, lib) as number[];
}

describe('HAVING in aggregate kernels', () => {
  // Group 1 sums 3.00, group 2 sums 3.01, group 3 has only NULLs, group 4 sums -7.50 over 2 rows.
  const rows: [number, number, number | null][] = [[1, 1, 100], [1, 2, 200], [2, 1, 301], [3, 1, null], [4, 1, -1000], [4, 2, 250]];
  const sum = col(1, NUM);

  it('drops the groups an aggregate-versus-constant conjunct rejects, keeping those on the bound', () => {
    // Group 1 sits on the strict bound: the margin sends it, and the coordinator drops it.
    expect(groupsSent(cmp('>', sum, lit(NUM, new Numeric(300n, 2))), rows)).toEqual([1, 2]);
    expect(groupsSent(cmp('>', sum, lit(NUM, new Numeric(3005n, 3))), rows)).toEqual([2]);
    expect(groupsSent(cmp('>=', sum, lit(NUM, new Numeric(3n, 0))), rows)).toEqual([1, 2]);
    expect(groupsSent(cmp('>', lit(NUM, new Numeric(0n, 0)), sum), rows)).toEqual([4]);
    // A group without inputs has a NULL sum: no comparison passes.
    expect(groupsSent(cmp('<', sum, lit(T.int4, 1_000_000)), rows)).toEqual([1, 2, 4]);
    expect(groupsSent(cmp('>=', col(2, T.int8), lit(T.int8, 2n)), rows)).toEqual([1, 4]);
  });

  it('keeps every group when no conjunct has that shape', () => {
    expect(groupsSent({ kind: 'or', type: T.bool, args: [cmp('>', sum, lit(T.int4, 5)), cmp('<', col(2, T.int8), lit(T.int8, 2n))] }, rows)).toEqual([1, 2, 3, 4]);
    expect(groupsSent(cmp('>', sum, col(0)), rows)).toEqual([1, 2, 3, 4]);
  });
});
