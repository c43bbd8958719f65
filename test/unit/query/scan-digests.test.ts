// Which tables a statement's digest reads cover: every table it scans, in subqueries and joins
// too, except those it only reads by a point lookup of constants (point reads ask R replicas).
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/types/index.js';
import { partitionOfKey, type Store, type TableSchema } from '../../../storage/index.js';
import { ExecContext } from '../../../query/execute/context.js';
import type { Expr } from '../../../query/plan/expr.js';
import type { Plan } from '../../../query/plan/logical.js';
import { scannedTables } from '../../../query/distribute/scan-digests.js';

const tableOf = (id: number, name: string): TableSchema => ({ id, name, columns: [{ name: 'id', type: T.int4, notNull: true }], primaryKey: [0], distributionKey: [0] });
const [t, u, w, x] = [tableOf(1, 't'), tableOf(2, 'u'), tableOf(3, 'w'), tableOf(4, 'x')];
const columns = [{ name: 'id', type: T.int4 }];
const scan = (table: TableSchema, keyLookup: Expr[] | null = null): Plan => ({ kind: 'scan', table, columns, filter: null, keyLookup });
const col: Expr = { kind: 'column', type: T.int4, index: 0, name: 'id' };
const PARTITIONS = 16;
const ctx = new ExecContext({ store: { partitions: PARTITIONS } as Store, params: [41] });
const names = (plan: Plan): string[] => [...scannedTables(plan, ctx).values()].map((s) => s.table.name).sort();

describe('scannedTables', () => {
  it('takes scans of joins and subqueries, not point lookups of constants', () => {
    const inSubquery: Expr = { kind: 'in_subquery', type: T.bool, arg: col, plan: scan(w), correlated: false, negate: false, eq: () => true };
    const plan: Plan = {
      kind: 'filter',
      predicate: inSubquery,
      columns,
      input: {
        kind: 'join',
        joinType: 'inner',
        left: scan(t),
        // A point lookup of a constant: read at R replicas by point reads, not by digests.
        right: scan(u, [{ kind: 'const', type: T.int4, value: 7 }]),
        leftKeys: [col],
        rightKeys: [col],
        residual: null,
        columns,
      },
    };
    expect(names(plan)).toEqual(['t', 'w']);
    // A lookup by a column of an outer row runs per row on this node's replica: covered.
    expect(names(scan(x, [col]))).toEqual(['x']);
    expect(scannedTables(scan(x, [col]), ctx).get(4)!.partitions).toBeNull();
  });

  it('keeps only the partitions a key range fixing the distribution key reads, across the scans of a table', () => {
    const param: Expr = { kind: 'param', type: T.int4, index: 0 };
    const ranged = (e: Expr): Plan => ({ ...scan(t), keyRange: { values: [e] } });
    const both: Plan = { kind: 'setop', op: 'union', all: true, left: ranged({ kind: 'const', type: T.int4, value: 7 }), right: ranged(param), columns };
    const found = scannedTables(both, ctx).get(1)!;
    expect([...found.partitions!].sort((a, b) => a - b)).toEqual([partitionOfKey(t, [7], PARTITIONS), partitionOfKey(t, [41], PARTITIONS)].sort((a, b) => a - b));
    // Another scan of the table without a range: every partition.
    const wide: Plan = { ...both, right: scan(t) };
    expect(scannedTables(wide, ctx).get(1)!.partitions).toBeNull();
  });
});
