// Which tables a statement's digest reads cover: every table it scans, in subqueries and joins
// too, except those it only reads by a point lookup of constants (point reads ask R replicas).
import { describe, expect, it } from 'vitest';
import { T } from '../../../src/types/index.js';
import type { TableSchema } from '../../../storage/index.js';
import type { Expr } from '../../../query/plan/expr.js';
import type { Plan } from '../../../query/plan/logical.js';
import { scannedTables } from '../../../query/distribute/scan-digests.js';

const tableOf = (id: number, name: string): TableSchema => ({ id, name, columns: [{ name: 'id', type: T.int4, notNull: true }], primaryKey: [0], distributionKey: [0] });
const [t, u, w, x] = [tableOf(1, 't'), tableOf(2, 'u'), tableOf(3, 'w'), tableOf(4, 'x')];
const columns = [{ name: 'id', type: T.int4 }];
const scan = (table: TableSchema, keyLookup: Expr[] | null = null): Plan => ({ kind: 'scan', table, columns, filter: null, keyLookup });
const col: Expr = { kind: 'column', type: T.int4, index: 0, name: 'id' };

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
    expect([...scannedTables(plan).values()].map((s) => s.name).sort()).toEqual(['t', 'w']);
    // A lookup by a column of an outer row runs per row on this node's replica: covered.
    expect([...scannedTables(scan(x, [col])).keys()]).toEqual([4]);
  });
});
