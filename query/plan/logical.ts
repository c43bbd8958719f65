// Logical plan nodes: what to compute, independent of where it runs.

import type { ColumnType, Value } from '../../src/types/index.js';
import type { IndexSchema, TableSchema } from '../../storage/index.js';
import { columnsUsed, exprChildren, type Expr } from './expr.js';

export interface OutputColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface SortKey {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export type AggregateName =
  | 'count' | 'count_star' | 'sum' | 'avg' | 'min' | 'max' | 'bool_and' | 'bool_or' | 'string_agg' | 'array_agg'
  /** jsonb_agg(x); jsonb_object_agg(key, value) takes two arguments. */
  | 'jsonb_agg' | 'jsonb_object_agg'
  /** Ordered-set aggregates: args [sorted value, fraction] (mode: [sorted value]); orderBy holds the WITHIN GROUP key. */
  | 'percentile_cont' | 'percentile_disc' | 'mode'
  /** grouping(keys…) while binding only: the select binder replaces it by each grouping set's constant. */
  | 'grouping';

export interface AggregateCall {
  readonly name: AggregateName;
  readonly args: Expr[];
  readonly distinct: boolean;
  readonly filter: Expr | null;
  readonly type: ColumnType;
  /** ORDER BY inside the call (string_agg(x, ',' ORDER BY x)); empty when none. */
  readonly orderBy: readonly SortKey[];
}

export type WindowFunctionName =
  | 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile'
  | 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value' | 'aggregate';

/** One frame bound: an offset of rows before (negative) or after (positive) the current row. */
export type FrameBound =
  | { readonly kind: 'unbounded_preceding' }
  | { readonly kind: 'unbounded_following' }
  | { readonly kind: 'current_row' }
  | { readonly kind: 'offset'; readonly rows: number };

export interface WindowFrame {
  /** 'range' frames end at the last peer of the current row; 'rows' frames count rows. */
  readonly mode: 'rows' | 'range';
  readonly start: FrameBound;
  readonly end: FrameBound;
}

export interface WindowCall {
  readonly fn: WindowFunctionName;
  readonly args: Expr[];
  /** For fn 'aggregate': the aggregate computed over the frame. */
  readonly aggregate: AggregateCall | null;
  readonly partitionBy: Expr[];
  readonly orderBy: SortKey[];
  readonly frame: WindowFrame;
  readonly type: ColumnType;
}

/** 'semi' and 'anti' output the left rows that have (have no) match; only the optimizer makes them. */
export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross' | 'semi' | 'anti';

/**
 * A scan narrowed by a secondary index (query/optimize/index-lookup.ts): only rows whose leading
 * index columns equal `values` are read; the scan's filter, which still holds those equalities,
 * is applied to them as to any scan.
 */
export interface IndexLookup {
  readonly index: IndexSchema;
  readonly values: Expr[];
  /** Bounds on the index column after `values` (constants or parameters). */
  readonly lower?: { readonly expr: Expr; readonly inclusive: boolean };
  readonly upper?: { readonly expr: Expr; readonly inclusive: boolean };
}

/**
 * A scan narrowed to a primary-key range (query/optimize/key-range.ts): only rows whose leading
 * key columns equal `values`, the next key column within `lower`/`upper`, are read (storage's
 * Store.rowsInKeyRange); the scan's filter, which still holds those conditions, is applied to them.
 */
export interface KeyRangeLookup {
  readonly values: Expr[];
  /** Bounds on the key column after `values` (constants or parameters). */
  readonly lower?: { readonly expr: Expr; readonly inclusive: boolean };
  readonly upper?: { readonly expr: Expr; readonly inclusive: boolean };
}

export type Plan =
  /**
   * The live rows of a table. `filter` and `keyLookup` address table columns by ordinal; the
   * output is every column in table order, or with `project` only those ordinals (`columns`
   * then lists just them), set by the column-pruning rule.
   */
  | { kind: 'scan'; table: TableSchema; columns: OutputColumn[]; filter: Expr | null; keyLookup: Expr[] | null; project?: readonly number[]; indexLookup?: IndexLookup; keyRange?: KeyRangeLookup }
  | { kind: 'values'; rows: Expr[][]; columns: OutputColumn[] }
  | { kind: 'filter'; input: Plan; predicate: Expr; columns: OutputColumn[] }
  | { kind: 'project'; input: Plan; exprs: Expr[]; columns: OutputColumn[] }
  | { kind: 'aggregate'; input: Plan; groupBy: Expr[]; aggregates: AggregateCall[]; columns: OutputColumn[] }
  /** Appends one column per window function call to each input row. */
  | { kind: 'window'; input: Plan; windows: WindowCall[]; columns: OutputColumn[] }
  | { kind: 'join'; joinType: JoinType; left: Plan; right: Plan; leftKeys: Expr[]; rightKeys: Expr[]; residual: Expr | null; columns: OutputColumn[] }
  | { kind: 'sort'; input: Plan; keys: SortKey[]; columns: OutputColumn[] }
  | { kind: 'limit'; input: Plan; limit: Expr | null; offset: Expr | null; columns: OutputColumn[] }
  /** DISTINCT, or DISTINCT ON when `on` lists the key expressions (first row per key wins). */
  | { kind: 'distinct'; input: Plan; columns: OutputColumn[]; on: Expr[] | null }
  | { kind: 'setop'; op: 'union' | 'intersect' | 'except'; all: boolean; left: Plan; right: Plan; columns: OutputColumn[] }
  /** Named CTE result shared by references (evaluated once per query). */
  | { kind: 'cte_ref'; id: number; input: Plan; columns: OutputColumn[] }
  /**
   * WITH RECURSIVE (query/execute/operators/recursive-union.ts): `anchor`, then `recursive` run over the
   * previous step's rows (its `worktable` nodes with id `worktable`) until a step adds no row.
   */
  | { kind: 'recursive_union'; worktable: number; all: boolean; anchor: Plan; recursive: Plan; columns: OutputColumn[] }
  | { kind: 'worktable'; id: number; columns: OutputColumn[] }
  /**
   * LATERAL (query/execute/operators/lateral-join.ts): `right` runs once per `left` row, which its depth-1 outer
   * references read; rows are left ++ right, kept when `residual` holds ('left': a left row without
   * any is NULL-extended). `right` is not among planChildren: it is a per-row plan like a
   * correlated subquery's, which rules and fragments that walk children must not treat as once-run.
   */
  | { kind: 'lateral'; joinType: 'inner' | 'left'; left: Plan; right: Plan; residual: Expr | null; columns: OutputColumn[] }
  /**
   * A set-returning function over arguments known only when it runs (an enclosing row's or, in
   * a LATERAL right side, an earlier FROM item's columns; query/bind/table-function.ts): one
   * column, the values `values(args)` gives, streamed in batches.
   */
  | { kind: 'function_rows'; name: string; args: Expr[]; values: (args: readonly Value[]) => Iterable<Value>; columns: OutputColumn[] };

export type PlanKind = Plan['kind'];

export function planChildren(p: Plan): Plan[] {
  switch (p.kind) {
    case 'scan':
    case 'values':
    case 'worktable':
    case 'function_rows':
      return [];
    case 'recursive_union':
      return [p.anchor, p.recursive];
    case 'filter':
    case 'project':
    case 'aggregate':
    case 'window':
    case 'sort':
    case 'limit':
    case 'distinct':
    case 'cte_ref':
      return [p.input];
    case 'lateral':
      return [p.left];
    case 'join':
    case 'setop':
      return [p.left, p.right];
  }
}

/**
 * The columns of the row `e` is evaluated on that it reads: its own column references and, inside
 * its correlated subqueries at any depth, their references to that row (outer references whose
 * depth reaches back to it).
 */
export function rowColumnsRead(e: Expr, into: Set<number> = new Set()): Set<number> {
  columnsUsed(e, into);
  const inPlan = (p: Plan, depth: number): void => {
    for (const x of planExprs(p)) inExpr(x, depth);
    for (const c of planChildren(p)) inPlan(c, depth);
    // A LATERAL right side runs one level in.
    if (p.kind === 'lateral') inPlan(p.right, depth + 1);
  };
  const inExpr = (x: Expr, depth: number): void => {
    if (x.kind === 'outer' && x.depth === depth) into.add(x.index);
    if (x.kind === 'subquery' || x.kind === 'in_subquery' || x.kind === 'quantified') inPlan(x.plan, depth + 1);
    for (const c of exprChildren(x)) inExpr(c, depth);
  };
  inExpr(e, 0);
  return into;
}

/** Every expression a plan node evaluates itself (not its children's). */
export function planExprs(p: Plan): Expr[] {
  switch (p.kind) {
    case 'scan':
      return [...(p.filter === null ? [] : [p.filter]), ...(p.keyLookup ?? []), ...(p.indexLookup?.values ?? []), ...(p.indexLookup?.lower === undefined ? [] : [p.indexLookup.lower.expr]), ...(p.indexLookup?.upper === undefined ? [] : [p.indexLookup.upper.expr]), ...keyRangeExprs(p.keyRange)];
    case 'values':
      return p.rows.flat();
    case 'filter':
      return [p.predicate];
    case 'project':
      return p.exprs;
    case 'aggregate':
      return [...p.groupBy, ...p.aggregates.flatMap((a) => [...a.args, ...(a.filter === null ? [] : [a.filter]), ...a.orderBy.map((k) => k.expr)])];
    case 'window':
      return p.windows.flatMap((w) => [...w.args, ...w.partitionBy, ...w.orderBy.map((k) => k.expr), ...(w.aggregate === null ? [] : w.aggregate.args)]);
    case 'join':
      return [...p.leftKeys, ...p.rightKeys, ...(p.residual === null ? [] : [p.residual])];
    case 'lateral':
      return p.residual === null ? [] : [p.residual];
    case 'function_rows':
      return p.args;
    case 'sort':
      return p.keys.map((k) => k.expr);
    case 'limit':
      return [...(p.limit === null ? [] : [p.limit]), ...(p.offset === null ? [] : [p.offset])];
    case 'distinct':
      return p.on ?? [];
    case 'setop':
    case 'cte_ref':
    case 'recursive_union':
    case 'worktable':
      return [];
  }
}

/**
 * `aggregates` of `input` grouped by `keys`, the keys output first as key0, key1, …: the
 * per-key aggregate that decorrelation and eager aggregation join back by those keys.
 */
export function perKeyAggregate(input: Plan, keys: Expr[], aggregates: AggregateCall[], aggregateColumns: OutputColumn[]): Plan & { kind: 'aggregate' } {
  const keyColumns = keys.map((k, i): OutputColumn => ({ name: `key${i}`, type: k.type }));
  return { kind: 'aggregate', input, groupBy: keys, aggregates, columns: [...keyColumns, ...aggregateColumns] };
}

/**
 * The distinct plans of the uncorrelated subqueries in a node's own expressions: each runs once
 * per statement, before the node (PostgreSQL's InitPlans).
 */
export function subqueryPlans(p: Plan): Plan[] {
  const out: Plan[] = [];
  const visit = (e: Expr): void => {
    if ((e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') && !e.correlated && !out.includes(e.plan)) out.push(e.plan);
    for (const c of exprChildren(e)) visit(c);
  };
  for (const e of planExprs(p)) visit(e);
  return out;
}

function keyRangeExprs(r: KeyRangeLookup | undefined): Expr[] {
  if (r === undefined) return [];
  return [...r.values, ...(r.lower === undefined ? [] : [r.lower.expr]), ...(r.upper === undefined ? [] : [r.upper.expr])];
}
