// The state a binder carries: per statement (parameters, CTEs, catalog) and per
// query level (the visible scope, the enclosing level, aggregation in progress).

import { EonError } from '../../src/errors/index.js';
import type { ColumnType } from '../../src/types/index.js';
import type { TableSchema, TableStatistics, ViewSchema } from '../../storage/index.js';
import type { Expr } from '../plan/expr.js';
import type { AggregateCall, OutputColumn, Plan, WindowCall } from '../plan/logical.js';
import type { Scope } from './scope.js';

/** Window results are referenced as columns from this index until the window node's input width is known. */
export const WINDOW_COLUMN_BASE = 1_000_000;

/** Nesting limit for expressions and subqueries, so deep SQL cannot exhaust the stack. */
export const BIND_DEPTH_MAX = 200;
/** PostgreSQL's limit on $n parameters. */
export const PARAMS_MAX = 65_535;

export interface Catalog {
  getTable(name: string): TableSchema | undefined;
  /** A view by name (query/bind/view-ref.ts binds it as a subquery of its definition). */
  getView?(name: string): ViewSchema | undefined;
  /** Rows a table holds about now, for choosing a join order (absent: sizes unknown). */
  estimatedRows?(table: TableSchema): number;
  /** What ANALYZE learned of a table (query/optimize/cardinality.ts estimates from it); absent or undefined: nothing. */
  tableStatistics?(table: TableSchema): TableStatistics | undefined;
}

/** A relation a statement reads or writes: checked against the role when the statement runs (query/session/privileges.ts). */
export interface RelationAccess {
  readonly id: number;
  readonly name: string;
  readonly view: boolean;
  readonly privilege: 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
  /** Reached through this view's query: the view owner's privileges count, as in PostgreSQL. */
  readonly viaView: number | null;
}

export interface CteDef {
  readonly id: number;
  readonly plan: Plan;
  readonly columns: readonly OutputColumn[];
  /** A recursive CTE's own name inside its recursive term: references read the working table. */
  readonly worktable?: true;
}

export class StatementContext {
  readonly catalog: Catalog;
  /** Types of $1..$n: declared by the client, or inferred from use. */
  readonly params: (ColumnType | undefined)[];
  private readonly cteStack: Map<string, CteDef>[] = [];
  private nextCteId = 0;
  depth = 0;
  /** Relations the statement touches, in PostgreSQL's range-table order (targets first). */
  readonly accesses: RelationAccess[] = [];
  /** The view whose query is being bound (its owner's privileges apply), null at the top. */
  viewBeingBound: number | null = null;

  noteAccess(rel: { readonly id: number; readonly name: string }, view: boolean, privilege: RelationAccess['privilege']): void {
    this.accesses.push({ id: rel.id, name: rel.name, view, privilege, viaView: this.viewBeingBound });
  }

  constructor(catalog: Catalog, params: readonly (ColumnType | undefined)[]) {
    this.catalog = catalog;
    this.params = [...params];
  }

  enter(): void {
    if (++this.depth > BIND_DEPTH_MAX) {
      throw new EonError('statement_too_complex', `statement nesting exceeds ${BIND_DEPTH_MAX} levels`);
    }
  }

  leave(): void {
    this.depth--;
  }

  pushCtes(): Map<string, CteDef> {
    const m = new Map<string, CteDef>();
    this.cteStack.push(m);
    return m;
  }

  popCtes(): void {
    this.cteStack.pop();
  }

  newCteId(): number {
    return this.nextCteId++;
  }

  /** Runs `fn` with no CTE visible: a view's query sees only what existed where it was defined. */
  withoutCtes<R>(fn: () => R): R {
    const saved = this.cteStack.splice(0);
    try {
      return fn();
    } finally {
      this.cteStack.splice(0, this.cteStack.length, ...saved);
    }
  }

  findCte(name: string): CteDef | undefined {
    for (let i = this.cteStack.length - 1; i >= 0; i--) {
      const d = this.cteStack[i]!.get(name);
      if (d !== undefined) return d;
    }
    return undefined;
  }
}

/** Aggregation in progress at a level: group keys and the aggregate calls found so far. */
export interface AggregateScope {
  readonly groupExprs: Expr[];
  readonly groupKeys: string[];
  readonly calls: AggregateCall[];
  readonly callKeys: string[];
}

export class LevelContext {
  readonly stmt: StatementContext;
  readonly scope: Scope;
  readonly parent: LevelContext | null;
  /** Set when this level reads a column of an enclosing level. */
  correlated = false;
  /** When set, expressions are bound above an aggregation. */
  agg: AggregateScope | null = null;
  /** Where aggregates may not appear (WHERE, GROUP BY, JOIN ON): the clause name for the error. */
  noAggregates: string | null = null;
  /** Window function calls found in the select list and ORDER BY, in order. */
  readonly windows: WindowCall[] = [];
  /** Named windows (WINDOW w AS (...)) of this SELECT. */
  namedWindows: ReadonlyMap<string, unknown> = new Map();
  /** Where window functions may not appear (WHERE, HAVING, …): the clause name for the error. */
  noWindows: string | null = null;

  constructor(stmt: StatementContext, scope: Scope, parent: LevelContext | null) {
    this.stmt = stmt;
    this.scope = scope;
    this.parent = parent;
  }
}
