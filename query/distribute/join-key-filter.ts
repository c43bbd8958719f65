// Join key filters (semi-join reduction): when one side of a hash join is a large table scan run
// by the data engines, the other side runs first and the scan's kernel keeps only rows whose join
// key is among that side's keys, so rows that cannot join never leave the workers.

import type { Value } from '../../src/types/index.js';
import type { Expr } from '../plan/expr.js';
import { estimateRows, type ScanStatistics } from '../optimize/cardinality.js';
import { columnSource, type ColumnSource } from '../plan/column-source.js';
import { planChildren, type Plan } from '../plan/logical.js';

type ScanPlan = Plan & { kind: 'scan' };

/** Build sides with more distinct keys than this do not filter (the set would cost more than it saves). */
export const KEY_FILTER_VALUES_MAX = 2_000_000;

/** Column kinds whose vector value in a kernel is the SQL value itself (a Set lookup is exact). */
const FILTERABLE_KINDS = new Set(['int2', 'int4', 'int8', 'date', 'text', 'varchar']);

/** Whether a key column of this type can filter a scan in its kernel. */
export function isFilterableKey(type: { readonly kind: string }): boolean {
  return FILTERABLE_KINDS.has(type.kind);
}

/** Which scan a join filters, on which table column, by the values of which expression on which side. */
export interface KeyFilterPlan {
  /** The join's side that shrinks: the scan itself, or a plan above it that passes the key through. */
  readonly probeSide: Plan;
  readonly probe: ScanPlan;
  /** Table ordinal of the probe scan's key column. */
  readonly ordinal: number;
  readonly build: Plan;
  /** The build side's key, evaluated over its rows. */
  readonly buildKey: Expr;
}

/** The key filter a kernel applies: the table column and the keys it may hold. */
export interface KeyFilter {
  readonly ordinal: number;
  readonly values: ReadonlySet<Value>;
}

/**
 * The key filters worth applying in `plan`: per join, at most one, its probe a large scan (one of
 * `fragmentScans`) under the join (see keyColumnScan), on a side the join type lets shrink, and
 * its build the side estimated smaller. `rowsOf` estimates a table's rows; joins in `skipJoins` get none.
 */
export function planKeyFilters(plan: Plan, fragmentScans: ReadonlySet<Plan>, rowsOf: (scan: ScanPlan) => number, skipJoins: ReadonlySet<Plan> = new Set(), statsOf?: ScanStatistics): KeyFilterPlan[] {
  const out: KeyFilterPlan[] = [];
  const largest = (p: Plan): number => estimateRows(p, rowsOf, statsOf);
  const visit = (p: Plan): void => {
    // A recursive term's joins run once per step over rows that change: no filter built once fits them.
    if (p.kind === 'recursive_union') return visit(p.anchor);
    for (const c of planChildren(p)) visit(c);
    if (p.kind !== 'join' || p.leftKeys.length === 0 || skipJoins.has(p)) return;
    // Which sides may lose rows without changing the result.
    const leftMayShrink = p.joinType === 'inner' || p.joinType === 'right' || p.joinType === 'semi';
    const rightMayShrink = p.joinType === 'inner' || p.joinType === 'left' || p.joinType === 'semi' || p.joinType === 'anti';
    const candidates: KeyFilterPlan[] = [];
    const consider = (probeSide: Plan, probeKeys: readonly Expr[], build: Plan, buildKeys: readonly Expr[]): void => {
      if (!mayOmitKeys(build)) return;
      probeKeys.forEach((k, i) => {
        const b = buildKeys[i]!;
        if (k.kind !== 'column' || !FILTERABLE_KINDS.has(k.type.kind) || b.type.kind !== k.type.kind) return;
        const target = keyColumnScan(probeSide, k.index, fragmentScans);
        if (target === null || target.scan.table.columns[target.ordinal]?.type.kind !== k.type.kind) return;
        if (candidates.length === 0) candidates.push({ probeSide, probe: target.scan, ordinal: target.ordinal, build, buildKey: b });
      });
    };
    // The probe is the side estimated larger; the other runs first.
    if (leftMayShrink && largest(p.left) > largest(p.right)) consider(p.left, p.leftKeys, p.right, p.rightKeys);
    // A grouped aggregate on the side that may shrink (a decorrelated subquery's per-key values)
    // is filtered whatever the estimates say: it then computes only the groups the join can use.
    if (rightMayShrink && candidates.length === 0 && (largest(p.right) > largest(p.left) || isGroupedAggregate(p.right))) consider(p.right, p.rightKeys, p.left, p.leftKeys);
    if (candidates.length > 0) out.push(candidates[0]!);
  };
  visit(plan);
  return out;
}

/** A grouped aggregate, possibly under projections and filters. */
function isGroupedAggregate(p: Plan): boolean {
  if (p.kind === 'project' || p.kind === 'filter') return isGroupedAggregate(p.input);
  return p.kind === 'aggregate' && p.groupBy.length > 0;
}

/**
 * Whether `p` may lack some of its tables' keys: something in it filters rows. A table read
 * whole holds every key the other side refers to (a foreign key's target), so filtering by its
 * keys would cost a set of every key and drop nothing.
 */
export function mayOmitKeys(p: Plan): boolean {
  if (p.kind === 'scan') return p.filter !== null || p.keyLookup !== null || p.indexLookup !== undefined;
  if (p.kind === 'filter' || p.kind === 'limit' || p.kind === 'values') return true;
  if (p.kind === 'join' && (p.joinType === 'semi' || p.joinType === 'anti' || p.residual !== null)) return true;
  return planChildren(p).some(mayOmitKeys);
}

/**
 * The fragment scan and table column that output column `col` of `p` comes from unchanged (see
 * columnSource): dropping that scan's rows whose column is not a join key drops exactly the rows
 * (or groups) of `p` whose column is not one, and nothing else.
 */
function keyColumnScan(p: Plan, col: number, fragmentScans: ReadonlySet<Plan>): ColumnSource | null {
  const source = columnSource(p, col);
  return source !== null && fragmentScans.has(source.scan) ? source : null;
}

