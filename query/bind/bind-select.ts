// SELECT (with WITH, FROM/JOIN, WHERE, GROUP BY/HAVING, WINDOW, DISTINCT [ON], set operations,
// VALUES, ORDER BY, LIMIT/OFFSET) → logical plan, read from PostgreSQL's parse tree (SelectStmt).

import type {
  A_Const,
  Alias,
  ColumnRef,
  CommonTableExpr,
  JoinExpr,
  RangeSubselect,
  RangeVar,
  ResTarget,
  SelectStmt,
  SortBy,
  WindowDef,
  WithClause,
} from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { T, resolveBinaryOperator, type ColumnType } from '../../src/types/index.js';
import { asNode, baseName, nameList, nodeTag, wrap, type Node } from '../parse/ast.js';
import { columnsUsed, exprChildren, renumberColumns, shiftColumns, type Expr } from '../plan/expr.js';
import type { JoinType, OutputColumn, Plan, SortKey } from '../plan/logical.js';
import { LevelContext, StatementContext, WINDOW_COLUMN_BASE, type AggregateScope } from './context.js';
import { bindExpr, containsAggregate } from './bind-expr.js';
import { bindTableFunction } from './table-function.js';
import { exprKey } from './expr-key.js';
import { expandGroupingSets, groupingSetsPlan, needsGroupingSetsPlan } from './grouping-sets.js';
import { UNKNOWN_RELATION_ROWS, conjunctSelectivity, distinctFrom, factorCommonConjuncts, impliedRestrictions, joinOrder, relationStatistics } from './join-order.js';
import { filterSelectivity } from '../optimize/cardinality.js';
import { Scope, type ScopeColumn } from './scope.js';
import { isSystemSchema, resolveSystemTable } from '../catalog/index.js';
import { coerce, requireBoolean, unify } from './typing.js';
import { bindViewReference } from './view-ref.js';
import { bindRecursiveCte, refersTo } from './bind-recursive.js';
import { bindFromEntry } from './lateral.js';

export interface BoundQuery {
  readonly plan: Plan;
  readonly correlated: boolean;
}

/** Binds a top-level query (a wrapped SelectStmt). */
export function bindQuery(node: Node, stmt: StatementContext): Plan {
  return bindSelectChain(selectOf(node), stmt, null, false).plan;
}

/** Binds a subquery (a wrapped SelectStmt) inside an expression or FROM item of `outer`. */
export function bindSubquery(node: Node, outer: LevelContext): BoundQuery {
  return bindSelectChain(selectOf(node), outer.stmt, outer, false);
}

function selectOf(node: Node): SelectStmt {
  const s = asNode(node, 'SelectStmt');
  if (s === undefined) throw new EonError('feature_not_supported', `${nodeTag(node)} is not supported here`);
  return s;
}

/**
 * One SelectStmt with its WITH clause: a plain SELECT, a VALUES list or a set operation. `arm`:
 * it is an operand of a set operation, whose untyped literal columns take their type from the
 * other operands.
 */
function bindSelectChain(s: SelectStmt, stmt: StatementContext, outer: LevelContext | null, arm: boolean): BoundQuery {
  stmt.enter();
  const withClause = s.withClause;
  const hasWith = withClause !== undefined && (withClause.ctes ?? []).length > 0;
  try {
    if (hasWith) bindWith(withClause, stmt, outer);
    refuseUnsupportedClauses(s);
    const op = s.op ?? 'SETOP_NONE';
    if (op !== 'SETOP_NONE') return bindSetOperation(s, stmt, outer);
    if ((s.valuesLists ?? []).length > 0) return bindValuesQuery(s, stmt, outer);
    return bindSelect(s, stmt, outer, arm);
  } finally {
    if (hasWith) stmt.popCtes();
    stmt.leave();
  }
}

function refuseUnsupportedClauses(s: SelectStmt): void {
  if (s.intoClause !== undefined) throw new EonError('feature_not_supported', 'SELECT INTO is not supported');
  const locking = asNode(s.lockingClause?.[0], 'LockingClause');
  if (locking !== undefined) {
    const strength: Record<string, string> = {
      LCS_FORKEYSHARE: 'FOR KEY SHARE',
      LCS_FORSHARE: 'FOR SHARE',
      LCS_FORNOKEYUPDATE: 'FOR NO KEY UPDATE',
      LCS_FORUPDATE: 'FOR UPDATE',
    };
    throw new EonError('feature_not_supported', `SELECT … ${strength[locking.strength ?? ''] ?? 'FOR UPDATE'} is not supported`);
  }
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') throw new EonError('feature_not_supported', 'FETCH FIRST … WITH TIES is not supported yet');
}

function bindWith(w: WithClause, stmt: StatementContext, outer: LevelContext | null): void {
  const ctes = stmt.pushCtes();
  for (const n of w.ctes ?? []) {
    const item = asNode(n, 'CommonTableExpr') as CommonTableExpr;
    const name = item.ctename ?? '';
    if (ctes.has(name)) throw new EonError('duplicate_alias', `WITH query name "${name}" specified more than once`);
    if (item.search_clause !== undefined || item.cycle_clause !== undefined) {
      throw new EonError('feature_not_supported', 'SEARCH and CYCLE clauses of WITH queries are not supported');
    }
    const query = item.ctequery === undefined ? undefined : asNode(item.ctequery, 'SelectStmt');
    if (query === undefined) {
      throw new EonError('feature_not_supported', `data-modifying statements in WITH are not supported (WITH query "${name}")`);
    }
    if (w.recursive === true && refersTo(query, name)) {
      const bind = (q: SelectStmt, arm: boolean): Plan => bindSelectChain(q, stmt, outer, arm).plan;
      ctes.set(name, bindRecursiveCte(item, query, stmt, ctes, bind, (l, r) => combine('union', query.all === true, l, r, stmt)));
      continue;
    }
    const bound = bindSelectChain(query, stmt, outer, false);
    const names = nameList(item.aliascolnames);
    if (names.length > bound.plan.columns.length) {
      throw new EonError('invalid_column_reference', `WITH query "${name}" has ${bound.plan.columns.length} columns available but ${names.length} columns specified`);
    }
    const columns = bound.plan.columns.map((c, i) => ({ name: names[i] ?? c.name, type: c.type }));
    ctes.set(name, { id: stmt.newCteId(), plan: bound.plan, columns });
  }
}

// ---------------------------------------------------------------------------------------------
// Set operations and VALUES

function bindSetOperation(s: SelectStmt, stmt: StatementContext, outer: LevelContext | null): BoundQuery {
  // The tree already nests by precedence (INTERSECT binds tighter); larg/rarg are bare SelectStmts.
  if (s.larg === undefined || s.rarg === undefined) throw new EonError('syntax_error', 'set operation without operands');
  const left = bindSelectChain(s.larg, stmt, outer, true);
  const right = bindSelectChain(s.rarg, stmt, outer, true);
  const op = s.op === 'SETOP_INTERSECT' ? 'intersect' : s.op === 'SETOP_EXCEPT' ? 'except' : 'union';
  let plan = combine(op, s.all === true, left.plan, right.plan, stmt);
  const level = new LevelContext(stmt, new Scope(plan.columns.map((c) => ({ table: null, name: c.name, type: c.type }))), outer);
  plan = applyOrderLimit(plan, s.sortClause ?? [], s, level, null, []);
  return { plan, correlated: left.correlated || right.correlated || level.correlated };
}

function combine(op: 'union' | 'intersect' | 'except', all: boolean, left: Plan, right: Plan, stmt: StatementContext): Plan {
  if (left.columns.length !== right.columns.length) {
    throw new EonError('syntax_error', `each ${op.toUpperCase()} query must have the same number of columns`);
  }
  const types: ColumnType[] = [];
  for (let i = 0; i < left.columns.length; i++) {
    const l: Expr = { kind: 'column', type: left.columns[i]!.type, index: i, name: left.columns[i]!.name };
    const r: Expr = { kind: 'column', type: right.columns[i]!.type, index: i, name: right.columns[i]!.name };
    types.push(unify([l, r], op.toUpperCase(), stmt.params).type);
  }
  const castTo = (p: Plan): Plan => {
    if (p.columns.every((c, i) => c.type.kind === types[i]!.kind && c.type.kind !== 'unknown')) return p;
    const exprs = p.columns.map((c, i) => coerce({ kind: 'column', type: c.type, index: i, name: c.name }, types[i]!, 'implicit'));
    return { kind: 'project', input: p, exprs, columns: p.columns.map((c, i) => ({ name: c.name, type: types[i]! })) };
  };
  const columns = left.columns.map((c, i) => ({ name: c.name, type: types[i]! }));
  return { kind: 'setop', op, all, left: castTo(left), right: castTo(right), columns };
}

/** VALUES (…), (…) as a query, with its own ORDER BY and LIMIT. */
function bindValuesQuery(s: SelectStmt, stmt: StatementContext, outer: LevelContext | null): BoundQuery {
  const rowsLevel = new LevelContext(stmt, Scope.empty(), outer);
  let plan: Plan = bindValuesList(s.valuesLists ?? [], rowsLevel);
  const level = new LevelContext(stmt, new Scope(plan.columns.map((c) => ({ table: null, name: c.name, type: c.type }))), outer);
  plan = applyOrderLimit(plan, s.sortClause ?? [], s, level, null, []);
  return { plan, correlated: rowsLevel.correlated || level.correlated };
}

/** VALUES (…), (…) (`rows`: the List nodes of SelectStmt.valuesLists): each column takes the common type of its rows. */
export function bindValuesList(rows: readonly Node[], level: LevelContext): Plan & { kind: 'values' } {
  const bound = rows.map((r) =>
    (asNode(r, 'List')?.items ?? []).map((v) => {
      // DEFAULT means something only in INSERT … VALUES (which the INSERT binder handles itself).
      if (asNode(v, 'SetToDefault') !== undefined) throw new EonError('syntax_error', 'DEFAULT is not allowed in this context');
      return bindExpr(v, level);
    }),
  );
  const width = bound[0]?.length ?? 0;
  if (bound.some((r) => r.length !== width)) throw new EonError('syntax_error', 'VALUES lists must all be the same length');
  const columns: OutputColumn[] = [];
  for (let c = 0; c < width; c++) {
    const { type, exprs } = unify(bound.map((r) => r[c]!), 'VALUES', level.stmt.params);
    bound.forEach((r, i) => (r[c] = exprs[i]!));
    columns.push({ name: `column${c + 1}`, type });
  }
  return { kind: 'values', rows: bound, columns };
}

// ---------------------------------------------------------------------------------------------
// One SELECT

interface SelectItem {
  readonly expr: Expr;
  readonly name: string;
}

/** An ORDER BY or DISTINCT ON key as written. */
interface SortItem {
  readonly node: Node;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** `keepUnknown`: leave untyped literal columns untyped (set-operation arms take their type from the other arms). */
function bindSelect(s: SelectStmt, stmt: StatementContext, outer: LevelContext | null, keepUnknown: boolean): BoundQuery {
  // FROM
  const fromLevel = new LevelContext(stmt, Scope.empty(), outer);
  let plan: Plan;
  let scope: Scope;
  const fromItems = s.fromClause ?? [];
  const whereConjuncts: Node[] = s.whereClause === undefined ? [] : splitAnd(s.whereClause);
  if (fromItems.length === 0) {
    plan = { kind: 'values', rows: [[]], columns: [] };
    scope = Scope.empty();
  } else {
    ({ plan, scope } = bindFrom(fromItems, whereConjuncts, fromLevel));
  }
  const level = new LevelContext(stmt, scope, outer);
  level.correlated = fromLevel.correlated;
  // Remaining WHERE conjuncts (those not pushed into joins).
  if (whereConjuncts.length > 0) {
    level.noAggregates = 'WHERE';
    const preds = whereConjuncts.map((c) => requireBoolean(bindExpr(c, level), 'WHERE', stmt.params));
    level.noAggregates = null;
    plan = addFilter(plan, preds);
  }

  const namedWindows = new Map<string, WindowDef>();
  for (const w of s.windowClause ?? []) {
    const def = asNode(w, 'WindowDef');
    if (def === undefined) continue;
    const name = def.name ?? '';
    if (namedWindows.has(name)) throw new EonError('windowing_error', `window "${name}" is already defined`);
    namedWindows.set(name, def);
  }
  level.namedWindows = namedWindows;
  const targets = (s.targetList ?? []).map((t) => asNode(t, 'ResTarget') ?? {});
  const groupClause = s.groupClause ?? [];
  const sortItems = sortItemsOf(s.sortClause ?? []);
  const needsAggregate =
    groupClause.length > 0 ||
    s.havingClause !== undefined ||
    targets.some((t) => containsAggregate(t.val)) ||
    sortItems.some((o) => containsAggregate(o.node));

  let groupingSets: number[][] = [[]];
  if (needsAggregate) {
    const agg: AggregateScope = { groupExprs: [], groupKeys: [], calls: [], callKeys: [] };
    level.noAggregates = 'GROUP BY';
    // Each key node is bound once; equal expressions share one group column.
    const keyIndex = new Map<Node, number>();
    const keyOf = (g: Node): number => {
      let i = keyIndex.get(g);
      if (i === undefined) {
        const e = bindGroupItem(g, targets, level);
        const k = exprKey(e);
        i = agg.groupKeys.indexOf(k);
        if (i < 0) {
          i = agg.groupExprs.push(e) - 1;
          agg.groupKeys.push(k);
        }
        keyIndex.set(g, i);
      }
      return i;
    };
    for (const g of groupClause) if (asNode(g, 'GroupingSet') === undefined && asNode(g, 'RowExpr') === undefined) keyOf(g);
    groupingSets = expandGroupingSets(groupClause, s.groupDistinct === true, keyOf);
    level.noAggregates = null;
    level.agg = agg;
  }
  const items = bindSelectList(targets, level);
  let having: Expr | null = null;
  if (s.havingClause !== undefined) {
    level.noWindows = 'HAVING';
    having = requireBoolean(bindExpr(s.havingClause, level), 'HAVING', stmt.params);
    level.noWindows = null;
  }

  // Sort keys can add hidden columns to the projection. A distinctClause of one empty node is
  // plain DISTINCT; expressions there are DISTINCT ON.
  const distinctClause = s.distinctClause ?? [];
  const distinct = distinctClause.length === 1 && Object.keys(distinctClause[0]!).length === 0;
  const distinctOnNodes = distinctClause.length > 0 && !distinct ? distinctClause : null;
  const extra: Expr[] = [];
  const sortKeys = bindOrderBy(sortItems, items, level, extra, distinct, 'ORDER BY');
  // DISTINCT ON (exprs): keep the first row of each group in ORDER BY order; its expressions must
  // lead the ORDER BY, as PostgreSQL requires.
  const distinctOn =
    distinctOnNodes === null
      ? null
      : bindOrderBy(distinctOnNodes.map((node) => ({ node, descending: false, nullsFirst: false })), items, level, extra, false, 'DISTINCT ON');
  if (distinctOn !== null) {
    distinctOn.forEach((d, i) => {
      const k = sortKeys[i];
      if (k !== undefined && k.expr.kind === 'column' && d.expr.kind === 'column' && k.expr.index !== d.expr.index) {
        throw new EonError('invalid_column_reference', 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions');
      }
    });
  }

  if (level.agg !== null) {
    const agg = level.agg;
    const aggColumns: OutputColumn[] = [
      ...agg.groupExprs.map((e, i) => ({ name: `group${i}`, type: e.type })),
      ...agg.calls.map((c, i) => ({ name: `agg${i}`, type: c.type })),
    ];
    if (needsGroupingSetsPlan(groupingSets, agg.calls)) {
      // A correlated input differs per outer row: it is recomputed per set rather than shared.
      const share = (p: Plan): Plan => (level.correlated ? p : { kind: 'cte_ref', id: stmt.newCteId(), input: p, columns: [...p.columns] });
      plan = groupingSetsPlan(plan, agg.groupExprs, agg.calls, groupingSets, share);
    } else plan = { kind: 'aggregate', input: plan, groupBy: agg.groupExprs, aggregates: agg.calls, columns: aggColumns };
    if (having !== null) plan = { kind: 'filter', input: plan, predicate: having, columns: plan.columns };
  }
  if (level.windows.length > 0) {
    // Window results were bound as columns past WINDOW_COLUMN_BASE; they follow the input's columns.
    const width = plan.columns.length;
    const rebase = (e: Expr): Expr => renumberColumns(e, (i) => (i >= WINDOW_COLUMN_BASE ? width + i - WINDOW_COLUMN_BASE : i));
    items.forEach((it, i) => (items[i] = { expr: rebase(it.expr), name: it.name }));
    extra.forEach((e, i) => (extra[i] = rebase(e)));
    plan = {
      kind: 'window',
      input: plan,
      windows: level.windows,
      columns: [...plan.columns, ...level.windows.map((w, i) => ({ name: `window${i}`, type: w.type }))],
    };
  }
  const resolveUnknown = (e: Expr): Expr => (e.type.kind === 'unknown' && !keepUnknown ? coerce(e, T.text, 'implicit', stmt.params) : e);
  const outputColumns: OutputColumn[] = items.map((it) => ({ name: it.name, type: resolveUnknown(it.expr).type }));
  const projectExprs = [...items.map((it) => resolveUnknown(it.expr)), ...extra];
  plan = {
    kind: 'project',
    input: plan,
    exprs: projectExprs,
    columns: [...outputColumns, ...extra.map((e, i) => ({ name: `sort${i}`, type: e.type }))],
  };
  if (distinct) plan = { kind: 'distinct', input: plan, columns: plan.columns, on: null };
  if (distinctOn !== null) {
    if (sortKeys.length > 0) plan = { kind: 'sort', input: plan, keys: sortKeys, columns: plan.columns };
    plan = { kind: 'distinct', input: plan, columns: plan.columns, on: distinctOn.map((d) => d.expr) };
    plan = applyOrderLimit(plan, [], s, level, [], []);
  } else {
    plan = applyOrderLimit(plan, [], s, level, sortKeys, []);
  }
  if (extra.length > 0) {
    plan = {
      kind: 'project',
      input: plan,
      exprs: outputColumns.map((c, i) => ({ kind: 'column', type: c.type, index: i, name: c.name })),
      columns: outputColumns,
    };
  }
  return { plan, correlated: level.correlated };
}

/** The position a bare integer constant names (GROUP BY 1, ORDER BY 2); other constants are refused as PostgreSQL does. */
function positionOf(node: Node, clause: string): number | null {
  const c: A_Const | undefined = asNode(node, 'A_Const');
  if (c === undefined) return null;
  if (c.ival !== undefined && c.isnull !== true) return c.ival.ival ?? 0;
  throw new EonError('syntax_error', `non-integer constant in ${clause}`);
}

/** A ColumnRef of one unqualified name (`x`, not `t.x` or `*`), else null. */
function bareName(node: Node): string | null {
  const ref: ColumnRef | undefined = asNode(node, 'ColumnRef');
  const fields = ref?.fields ?? [];
  if (fields.length !== 1) return null;
  return asNode(fields[0], 'String')?.sval ?? null;
}

function bindGroupItem(g: Node, targets: readonly ResTarget[], level: LevelContext): Expr {
  // GROUP BY 1 refers to the first select item; GROUP BY name to a FROM column, else to a select item's name.
  const position = positionOf(g, 'GROUP BY');
  if (position !== null) {
    const item = targets[position - 1];
    if (item?.val === undefined) throw new EonError('invalid_column_reference', `GROUP BY position ${position} is not in select list`);
    return bindExpr(item.val, level);
  }
  const name = bareName(g);
  if (name !== null) {
    try {
      return bindExpr(g, level);
    } catch (e) {
      if (!(e instanceof EonError) || e.code !== 'undefined_column') throw e;
      const item = targets.find((t) => t.val !== undefined && (t.name ?? figureName(t.val).name) === name);
      if (item?.val === undefined) throw e;
      return bindExpr(item.val, level);
    }
  }
  return bindExpr(g, level);
}

/** The range variable `t` of `t.*` (schema dropped), null for `*`; undefined when not a star. */
function starTable(node: Node | undefined): string | null | undefined {
  const ref = asNode(node, 'ColumnRef');
  const fields = ref?.fields ?? [];
  if (fields.length === 0 || asNode(fields[fields.length - 1], 'A_Star') === undefined) return undefined;
  if (fields.length === 1) return null;
  return asNode(fields[fields.length - 2], 'String')?.sval ?? null;
}

function bindSelectList(targets: readonly ResTarget[], level: LevelContext): SelectItem[] {
  const items: SelectItem[] = [];
  for (const t of targets) {
    if (t.val === undefined) continue;
    const table = starTable(t.val);
    if (table !== undefined) {
      if (table !== null && !level.scope.hasTable(table)) {
        throw new EonError('undefined_table', `missing FROM-clause entry for table "${table}"`);
      }
      if (level.agg !== null && level.scope.columns.length > 0) {
        for (const col of level.scope.columns) {
          if (col.hidden || (table !== null && col.table !== table)) continue;
          const fields: Node[] = [...(col.table === null ? [] : [wrap('String', { sval: col.table })]), wrap('String', { sval: col.name })];
          items.push({ expr: bindExpr(wrap('ColumnRef', { fields }), level), name: col.name });
        }
        continue;
      }
      level.scope.columns.forEach((col, i) => {
        if (col.hidden || (table !== null && col.table !== table)) return;
        items.push({ expr: { kind: 'column', type: col.type, index: i, name: col.name }, name: col.name });
      });
      if (table === null && level.scope.columns.length === 0) {
        throw new EonError('syntax_error', 'SELECT * with no tables specified is not valid');
      }
      continue;
    }
    const expr = bindExpr(t.val, level);
    items.push({ expr, name: t.name ?? defaultName(t.val, expr) });
  }
  return items;
}

/** PostgreSQL's column name for an unaliased select item (FigureColname). */
function defaultName(node: Node, expr: Expr): string {
  // A scalar subquery is named by its first output column, which binding has resolved (`*` too).
  const sub = asNode(node, 'SubLink');
  if (sub !== undefined && (sub.subLinkType ?? 'EXISTS_SUBLINK') === 'EXPR_SUBLINK' && expr.kind === 'subquery') {
    const first = expr.plan.columns[0];
    if (first !== undefined) return first.name;
  }
  return figureName(node).name;
}

const SQL_VALUE_FUNCTION_NAMES: Readonly<Record<string, string>> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

/** No name PostgreSQL would choose. */
const NO_NAME = { name: '?column?', strength: 0 } as const;

/**
 * FigureColnameInternal of PostgreSQL's parse_target.c: a name and how good it is (2: a column,
 * function or keyword name; 1: second best, a cast's type name or `case`; 0: none, `?column?`).
 */
function figureName(node: Node | undefined): { name: string; strength: number } {
  if (node === undefined) return NO_NAME;
  switch (nodeTag(node)) {
    case 'ColumnRef': {
      const names = (asNode(node, 'ColumnRef')!.fields ?? []).map((f) => asNode(f, 'String')?.sval).filter((s) => s !== undefined);
      const last = names[names.length - 1];
      return last === undefined ? NO_NAME : { name: last, strength: 2 };
    }
    case 'A_Indirection': {
      const ind = asNode(node, 'A_Indirection')!;
      const names = (ind.indirection ?? []).map((f) => asNode(f, 'String')?.sval).filter((s) => s !== undefined);
      const last = names[names.length - 1];
      return last === undefined ? figureName(ind.arg) : { name: last, strength: 2 };
    }
    case 'FuncCall':
      return { name: baseName(asNode(node, 'FuncCall')!.funcname), strength: 2 };
    case 'A_Expr':
      return asNode(node, 'A_Expr')!.kind === 'AEXPR_NULLIF' ? { name: 'nullif', strength: 2 } : NO_NAME;
    case 'NullIfExpr':
      return { name: 'nullif', strength: 2 };
    case 'TypeCast': {
      const cast = asNode(node, 'TypeCast')!;
      const inner = figureName(cast.arg);
      if (inner.strength <= 1 && cast.typeName !== undefined) return { name: baseName(cast.typeName.names), strength: 1 };
      return inner;
    }
    case 'CollateClause':
      return figureName(asNode(node, 'CollateClause')!.arg);
    case 'GroupingFunc':
      return { name: 'grouping', strength: 2 };
    case 'SubLink': {
      const link = asNode(node, 'SubLink')!;
      switch (link.subLinkType ?? 'EXISTS_SUBLINK') {
        case 'EXISTS_SUBLINK':
          return { name: 'exists', strength: 2 };
        case 'ARRAY_SUBLINK':
          return { name: 'array', strength: 2 };
        case 'EXPR_SUBLINK': {
          const name = firstOutputName(link.subselect);
          return name === null ? NO_NAME : { name, strength: 2 };
        }
        default:
          return NO_NAME;
      }
    }
    case 'CaseExpr': {
      const inner = figureName(asNode(node, 'CaseExpr')!.defresult);
      return inner.strength <= 1 ? { name: 'case', strength: 1 } : inner;
    }
    case 'A_ArrayExpr':
      return { name: 'array', strength: 2 };
    case 'RowExpr':
      return { name: 'row', strength: 2 };
    case 'CoalesceExpr':
      return { name: 'coalesce', strength: 2 };
    case 'MinMaxExpr':
      return { name: asNode(node, 'MinMaxExpr')!.op === 'IS_LEAST' ? 'least' : 'greatest', strength: 2 };
    case 'SQLValueFunction': {
      const name = SQL_VALUE_FUNCTION_NAMES[asNode(node, 'SQLValueFunction')!.op ?? 'SVFOP_CURRENT_DATE'];
      return name === undefined ? NO_NAME : { name, strength: 2 };
    }
    default:
      return NO_NAME;
  }
}

/** The name of a subquery's first output column as far as the tree tells it (not through `*`), else null. */
function firstOutputName(node: Node | undefined): string | null {
  let s = asNode(node, 'SelectStmt');
  while (s !== undefined && (s.op ?? 'SETOP_NONE') !== 'SETOP_NONE') s = s.larg;
  if (s === undefined) return null;
  if ((s.valuesLists ?? []).length > 0) return 'column1';
  const first = asNode(s.targetList?.[0], 'ResTarget');
  if (first === undefined) return null;
  if (first.name !== undefined) return first.name;
  if (starTable(first.val) !== undefined) return null;
  return figureName(first.val).name;
}

function sortItemsOf(sortClause: readonly Node[]): SortItem[] {
  return sortClause.map((n) => {
    const o: SortBy | undefined = asNode(n, 'SortBy');
    if (o?.node === undefined) throw new EonError('syntax_error', 'ORDER BY item without an expression');
    if (o.sortby_dir === 'SORTBY_USING') throw new EonError('feature_not_supported', 'ORDER BY … USING is not supported');
    const descending = o.sortby_dir === 'SORTBY_DESC';
    // PostgreSQL: NULLs sort as larger than any value by default.
    const nullsFirst = o.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : o.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : descending;
    return { node: o.node, descending, nullsFirst };
  });
}

function bindOrderBy(sortItems: readonly SortItem[], items: SelectItem[], level: LevelContext, extra: Expr[], distinct: boolean, clause: string): SortKey[] {
  const keys: SortKey[] = [];
  for (const o of sortItems) {
    const e = o.node;
    let index = -1;
    const position = positionOf(e, clause);
    const name = bareName(e);
    if (position !== null) {
      index = position - 1;
      if (index < 0 || index >= items.length) {
        throw new EonError('invalid_column_reference', `${clause} position ${position} is not in select list`);
      }
    } else if (name !== null) {
      const matches = items.map((it, i) => (it.name === name ? i : -1)).filter((i) => i >= 0);
      if (matches.length > 1) {
        // Several items share the name: fine only if they are the same expression.
        const k = exprKey(items[matches[0]!]!.expr);
        if (!matches.every((m) => exprKey(items[m]!.expr) === k)) {
          throw new EonError('ambiguous_column', `${clause} "${name}" is ambiguous`);
        }
      }
      if (matches.length > 0) index = matches[0]!;
    }
    if (index < 0) {
      const bound = bindExpr(e, level);
      const k = exprKey(bound);
      index = items.findIndex((it) => exprKey(it.expr) === k);
      if (index < 0) {
        if (distinct) {
          throw new EonError('invalid_column_reference', 'for SELECT DISTINCT, ORDER BY expressions must appear in select list');
        }
        const ek = extra.findIndex((x) => exprKey(x) === k);
        index = items.length + (ek >= 0 ? ek : extra.push(bound) - 1);
      }
    }
    const type = index < items.length ? items[index]!.expr.type : extra[index - items.length]!.type;
    keys.push({ expr: { kind: 'column', type: type.kind === 'unknown' ? T.text : type, index, name: `sort${index}` }, descending: o.descending, nullsFirst: o.nullsFirst });
  }
  return keys;
}

/**
 * ORDER BY (`sortClause`, bound against the plan's output columns, unless `keysIn` has the keys
 * already) and LIMIT/OFFSET of `s` over `plan`.
 */
function applyOrderLimit(plan: Plan, sortClause: readonly Node[], s: SelectStmt, level: LevelContext, keysIn: SortKey[] | null, extra: Expr[]): Plan {
  let keys = keysIn;
  if (keys === null && sortClause.length > 0) {
    const items: SelectItem[] = plan.columns.map((c, i) => ({ expr: { kind: 'column', type: c.type, index: i, name: c.name }, name: c.name }));
    keys = bindOrderBy(sortItemsOf(sortClause), items, level, extra, true, 'ORDER BY');
  }
  let out = plan;
  if (keys !== null && keys.length > 0) out = { kind: 'sort', input: out, keys, columns: out.columns };
  // LIMIT ALL and LIMIT NULL (an A_Const NULL in the tree) mean no limit.
  const bindCount = (n: Node | undefined): Expr | null => {
    if (n === undefined || asNode(n, 'A_Const')?.isnull === true) return null;
    // It may read an enclosing query's row (a LATERAL item's limit per left row), not its own.
    const countLevel = new LevelContext(level.stmt, Scope.empty(), level.parent);
    const e = bindExpr(n, countLevel);
    if (countLevel.correlated) level.correlated = true;
    return coerce(e, T.int8, 'assignment', level.stmt.params);
  };
  const limit = bindCount(s.limitCount);
  const offset = bindCount(s.limitOffset);
  if (limit !== null || offset !== null) out = { kind: 'limit', input: out, limit, offset, columns: out.columns };
  return out;
}

// ---------------------------------------------------------------------------------------------
// FROM and joins

/** The conjuncts of an AND (nested ANDs flattened). */
function splitAnd(node: Node): Node[] {
  const b = asNode(node, 'BoolExpr');
  if (b !== undefined && b.boolop === 'AND_EXPR') return (b.args ?? []).flatMap(splitAnd);
  return [node];
}

function addFilter(plan: Plan, preds: Expr[]): Plan {
  if (preds.length === 0) return plan;
  const predicate: Expr = preds.length === 1 ? preds[0]! : { kind: 'and', type: T.bool, args: preds };
  if (plan.kind === 'scan' && plan.filter === null) return { ...plan, filter: predicate };
  if (plan.kind === 'scan' && plan.keyLookup === null) return { ...plan, filter: { kind: 'and', type: T.bool, args: [plan.filter!, ...preds] } };
  return { kind: 'filter', input: plan, predicate, columns: plan.columns };
}

export interface Relation {
  plan: Plan;
  scope: Scope;
  /** Reads earlier FROM items (LATERAL): its plan runs once per row of the items before it. */
  lateral?: true;
}

/** The range name and column names an Alias gives. */
function aliasOf(alias: Alias | undefined): { alias: string | null; columnAliases: string[] } {
  if (alias === undefined) return { alias: null, columnAliases: [] };
  return { alias: alias.aliasname ?? null, columnAliases: nameList(alias.colnames) };
}

function checkColumnAliases(name: string, available: number, columnAliases: readonly string[]): void {
  if (columnAliases.length > available) {
    throw new EonError('invalid_column_reference', `table "${name}" has ${available} columns available but ${columnAliases.length} columns specified`);
  }
}

/** `lateral`: the level a LATERAL subquery or a table function sees the earlier FROM items through. */
export function bindRelation(item: Node, level: LevelContext, lateral: LevelContext | null = null): Relation {
  const stmt = level.stmt;
  const sub: RangeSubselect | undefined = asNode(item, 'RangeSubselect');
  if (sub !== undefined) {
    // Derived table: (SELECT ...) AS alias(col, ...), or (VALUES ...) AS alias(col, ...).
    const isValues = (asNode(sub.subquery, 'SelectStmt')?.valuesLists ?? []).length > 0;
    const { alias, columnAliases } = aliasOf(sub.alias);
    if (alias === null) throw new EonError('syntax_error', `${isValues ? 'VALUES' : 'subquery'} in FROM must have an alias`);
    if (sub.subquery === undefined) throw new EonError('syntax_error', 'subquery in FROM without a query');
    // Its nearest enclosing row is the enclosing query's (or, LATERAL, the earlier items'): the
    // plan runs inline, so its depth-1 references must name that row.
    const bound = bindSelectChain(selectOf(sub.subquery), stmt, lateral ?? level.parent, false);
    if (bound.correlated && lateral === null) level.correlated = true;
    checkColumnAliases(alias, bound.plan.columns.length, columnAliases);
    const cols = bound.plan.columns.map((c, i) => ({ table: alias, name: columnAliases[i] ?? c.name, type: c.type }));
    return { plan: bound.plan, scope: new Scope(cols) };
  }
  const fn = asNode(item, 'RangeFunction');
  if (fn !== undefined) return bindTableFunction(fn, level, lateral);
  const join: JoinExpr | undefined = asNode(item, 'JoinExpr');
  if (join !== undefined) {
    // A parenthesized join on the right of another join, or one that must not be flattened.
    if (join.alias !== undefined || join.join_using_alias !== undefined) {
      throw new EonError('feature_not_supported', 'aliases of joins ((a JOIN b) AS j, USING (…) AS j) are not supported yet');
    }
    return bindFrom([item], [], level);
  }
  const rv: RangeVar | undefined = asNode(item, 'RangeVar');
  if (rv === undefined) throw new EonError('feature_not_supported', 'this kind of FROM item is not supported yet');
  const name = rv.relname ?? '';
  if (rv.catalogname !== undefined) {
    throw new EonError('feature_not_supported', `cross-database references are not implemented: "${rv.catalogname}.${rv.schemaname ?? ''}.${name}"`);
  }
  const { alias, columnAliases } = aliasOf(rv.alias);
  const rangeName = alias ?? name;
  const schemaName = rv.schemaname ?? null;
  const cte = schemaName === null ? stmt.findCte(name) : undefined;
  if (cte !== undefined) {
    checkColumnAliases(rangeName, cte.columns.length, columnAliases);
    const cols = cte.columns.map((c, i) => ({ table: rangeName, name: columnAliases[i] ?? c.name, type: c.type }));
    if (cte.worktable === true) return { plan: { kind: 'worktable', id: cte.id, columns: [...cte.columns] }, scope: new Scope(cols) };
    return { plan: { kind: 'cte_ref', id: cte.id, input: cte.plan, columns: [...cte.columns] }, scope: new Scope(cols) };
  }
  // pg_catalog comes first on PostgreSQL's search path, then public (user tables).
  const system = schemaName === null || isSystemSchema(schemaName) ? resolveSystemTable(schemaName, name) : undefined;
  if (system === undefined && schemaName !== null && schemaName !== 'public') {
    throw new EonError('undefined_table', `relation "${schemaName}.${name}" does not exist`);
  }
  const view = system === undefined ? stmt.catalog.getView?.(name) : undefined;
  if (view !== undefined) return bindViewReference(view, stmt, rangeName, columnAliases, (subselect) => bindRelation(subselect, level));
  const table = system ?? stmt.catalog.getTable(name);
  if (table === undefined) throw new EonError('undefined_table', `relation "${name}" does not exist`);
  if (system === undefined) stmt.noteAccess(table, false, 'SELECT');
  checkColumnAliases(rangeName, table.columns.length, columnAliases);
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type }));
  const scopeCols: ScopeColumn[] = table.columns.map((c, i) => ({ table: rangeName, name: columnAliases[i] ?? c.name, type: c.type }));
  return { plan: { kind: 'scan', table, columns, filter: null, keyLookup: null }, scope: new Scope(scopeCols) };
}

/** How a FROM entry joins the entries before it. */
export interface JoinSpec {
  readonly type: JoinType;
  readonly natural: boolean;
  readonly using: readonly string[];
  readonly quals: Node | undefined;
}

/** One relation of a FROM list laid out left-deep in FROM order. */
export interface FromEntry {
  readonly node: Node;
  /** null: a comma (or the first entry), a cross join. */
  readonly join: JoinSpec | null;
  /** The first entry of its comma-separated FROM item: a join's left side starts there. */
  readonly groupStart: number;
}

function joinSpecOf(j: JoinExpr): JoinSpec {
  const using = nameList(j.usingClause);
  const natural = j.isNatural === true;
  const quals = j.quals;
  let type: JoinType;
  switch (j.jointype ?? 'JOIN_INNER') {
    case 'JOIN_INNER':
      type = natural || using.length > 0 || quals !== undefined ? 'inner' : 'cross';
      break;
    case 'JOIN_LEFT':
      type = 'left';
      break;
    case 'JOIN_RIGHT':
      type = 'right';
      break;
    case 'JOIN_FULL':
      type = 'full';
      break;
    default:
      throw new EonError('feature_not_supported', `${j.jointype} is not supported`);
  }
  return { type, natural, using, quals };
}

/** A join tree of only inner, cross and left joins (which can be laid out after earlier FROM items). */
function flattenable(node: Node): boolean {
  const j = asNode(node, 'JoinExpr');
  if (j === undefined) return true;
  const t = j.jointype ?? 'JOIN_INNER';
  return (t === 'JOIN_INNER' || t === 'JOIN_LEFT') && j.larg !== undefined && j.rarg !== undefined && flattenable(j.larg) && flattenable(j.rarg);
}

function flattenJoin(node: Node, groupStart: number, out: FromEntry[]): void {
  const j = asNode(node, 'JoinExpr');
  if (j === undefined || j.alias !== undefined || j.join_using_alias !== undefined || j.larg === undefined || j.rarg === undefined) {
    out.push({ node, join: null, groupStart });
    return;
  }
  flattenJoin(j.larg, groupStart, out);
  out.push({ node: j.rarg, join: joinSpecOf(j), groupStart });
}

/**
 * The FROM list as one left-deep sequence. A JOIN's left operands come first; a JOIN on the right
 * of another (a JOIN b ON … written as a JOIN (b JOIN c ON …)) stays one nested relation, and so
 * does a later FROM item with RIGHT or FULL joins (t, u RIGHT JOIN v is not (t, u) RIGHT JOIN v).
 */
function flattenFrom(fromItems: readonly Node[]): FromEntry[] {
  const out: FromEntry[] = [];
  fromItems.forEach((item, k) => {
    const groupStart = out.length;
    if (k === 0 || flattenable(item)) flattenJoin(item, groupStart, out);
    else out.push({ node: item, join: null, groupStart });
  });
  return out;
}

/**
 * Builds a left-deep join tree in FROM order. WHERE conjuncts are pushed into inner and cross
 * joins as soon as every column they read is available (equalities become hash-join keys); the
 * conjuncts left in `whereConjuncts` are applied above the joins.
 */
function bindFrom(fromItems: readonly Node[], whereConjuncts: Node[], level: LevelContext): Relation {
  let entries = flattenFrom(fromItems);
  const stmt = level.stmt;
  // In FROM order: a LATERAL item (or a table function) sees the items before it.
  const relations: Relation[] = [];
  for (let i = 0; i < entries.length; i++) relations.push(bindFromEntry(entries, i, relations, level));
  const rangeNames = new Set<string>();
  for (const r of relations) {
    const names = new Set(r.scope.columns.map((c) => c.table).filter((t) => t !== null));
    for (const name of names) {
      if (rangeNames.has(name)) throw new EonError('duplicate_alias', `table name "${name}" specified more than once`);
      rangeNames.add(name);
    }
  }
  const types = entries.map((it, i): JoinType => (i === 0 || it.join === null ? 'cross' : it.join.type));
  const canPushWhere = !types.some((t) => t === 'right' || t === 'full');
  // Bind each WHERE conjunct against the full scope once, to learn which columns it reads.
  const fullScope = relations.reduce((s, r) => s.concat(r.scope), Scope.empty());
  const pending: { expr: Expr; maxColumn: number }[] = [];
  if (canPushWhere) {
    const probe = new LevelContext(stmt, fullScope, level.parent);
    probe.noAggregates = 'WHERE';
    for (let i = whereConjuncts.length - 1; i >= 0; i--) {
      const c = whereConjuncts[i]!;
      if (containsTag(c, 'SubLink') || containsAggregate(c)) continue;
      const expr = requireBoolean(bindExpr(c, probe), 'WHERE', stmt.params);
      pending.push({ expr, maxColumn: maxColumnOf(expr) });
      whereConjuncts.splice(i, 1);
    }
    if (probe.correlated) level.correlated = true;
    const factored = pending.flatMap((p) => factorCommonConjuncts(p.expr).map((expr) => ({ expr, maxColumn: maxColumnOf(expr) })));
    pending.splice(0, pending.length, ...factored);
  }
  const widths = relations.map((r) => r.scope.columns.length);
  const starts = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  const relationOf = (column: number): number => starts.findLastIndex((s) => s <= column);
  for (const p of [...pending]) {
    for (const expr of impliedRestrictions(p.expr, relationOf)) pending.push({ expr, maxColumn: maxColumnOf(expr) });
  }
  const reorderable = relations.length >= 3 && canPushWhere && types.every((t) => t === 'cross') && !relations.some((r) => r.lateral === true);
  // Table sizes only matter (and are only read) when the join order is ours to choose.
  const rows = relations.map((r) => (!reorderable ? 0 : r.plan.kind === 'scan' ? stmt.catalog.estimatedRows?.(r.plan.table) ?? UNKNOWN_RELATION_ROWS : UNKNOWN_RELATION_ROWS));
  const filteredRows = [...rows];
  // Analyzed tables' conjuncts are estimated together (range pairs), in their own column numbers.
  const statistics = relations.map((r, i) => (reorderable ? relationStatistics(stmt.catalog, r.plan, rows[i]!) : undefined));
  const analyzedConjuncts: Expr[][] = relations.map(() => []);
  // A conjunct on one relation filters it before any join (not the null-extended side of a LEFT JOIN).
  for (let i = pending.length - 1; i >= 0; i--) {
    const used = [...columnsUsed(pending[i]!.expr)];
    const r = used.length === 0 ? 0 : relationOf(used[0]!);
    // A LATERAL item's plan runs in its own per-row context: conjuncts stay above it.
    if (used.length === 0 || types[r] === 'left' || relations[r]!.lateral === true || used.some((c) => relationOf(c) !== r)) continue;
    relations[r] = { ...relations[r]!, plan: addFilter(relations[r]!.plan, [shiftColumns(pending[i]!.expr, -starts[r]!)]) };
    if (statistics[r] === undefined) filteredRows[r]! *= conjunctSelectivity(pending[i]!.expr);
    else analyzedConjuncts[r]!.push(shiftColumns(pending[i]!.expr, -starts[r]!));
    pending.splice(i, 1);
  }
  analyzedConjuncts.forEach((cs, r) => {
    if (cs.length > 0) filteredRows[r]! *= filterSelectivity(cs, statistics[r]);
  });
  // Comma-separated relations join in an order where each meets the earlier ones by an equality.
  const joinRelations = relations.map((r, i) => ({
    width: widths[i]!,
    rows: rows[i]!,
    filteredRows: filteredRows[i]!,
    key: r.plan.kind === 'scan' ? r.plan.table.primaryKey : [],
    ...distinctFrom(statistics[i]),
  }));
  const order = reorderable ? joinOrder(joinRelations, pending.map((p) => p.expr)) : relations.map((_, i) => i);
  const reordered = order.some((r, i) => r !== i);
  const placed: number[] = [];
  order.reduce((at, r) => ((placed[r] = at), at + widths[r]!), 0);
  const remap = (column: number): number => {
    const r = relationOf(column);
    return placed[r]! + column - starts[r]!;
  };
  if (reordered) {
    for (const p of pending) {
      p.expr = renumberColumns(p.expr, remap);
      p.maxColumn = maxColumnOf(p.expr);
    }
    const [rs, its] = [order.map((r) => relations[r]!), order.map((r) => entries[r]!)];
    relations.splice(0, relations.length, ...rs);
    entries = its;
  }
  let plan = relations[0]!.plan;
  let scope = relations[0]!.scope;
  const takeReady = (width: number): Expr[] => {
    const ready: Expr[] = [];
    for (let i = pending.length - 1; i >= 0; i--) {
      if (pending[i]!.maxColumn < width) {
        ready.push(pending[i]!.expr);
        pending.splice(i, 1);
      }
    }
    return ready.reverse();
  };
  plan = addFilter(plan, takeReady(scope.columns.length));
  for (let r = 1; r < relations.length; r++) {
    const right = relations[r]!;
    const entry = entries[r]!;
    const spec = entry.join;
    const joinType = types[r]!;
    const leftWidth = scope.columns.length;
    // The join's left side: the relations of its own FROM item (not earlier comma-separated ones).
    const leftStart = reordered ? 0 : starts[entry.groupStart]!;
    const leftScope = new Scope(scope.columns.slice(leftStart));
    let joined = scope.concat(right.scope);
    const on: Expr[] = [];
    const using = spec === null ? [] : spec.natural ? naturalColumns(leftScope, right.scope) : spec.using;
    if (spec !== null && (using.length > 0 || spec.natural)) {
      const hiddenRight = new Set<number>();
      for (const name of using) {
        const found = leftScope.find(null, name);
        const li = found < 0 ? -1 : leftStart + found;
        const ri = right.scope.find(null, name);
        if (li < 0 || ri < 0) throw new EonError('undefined_column', `column "${name}" specified in USING clause does not exist in ${li < 0 ? 'left' : 'right'} table`);
        const l: Expr = { kind: 'column', type: scope.columns[li]!.type, index: li, name };
        const rr: Expr = { kind: 'column', type: right.scope.columns[ri]!.type, index: leftWidth + ri, name };
        on.push(bindEquality(l, rr, stmt));
        hiddenRight.add(ri);
      }
      // NATURAL JOIN without common columns joins every pair of rows.
      if (using.length === 0) on.push({ kind: 'const', type: T.bool, value: true });
      // USING merges the columns: `*` shows the left one (or the right one for RIGHT JOIN).
      joined = new Scope([
        ...scope.columns.map((c) => (joinType === 'right' && [...hiddenRight].some((ri) => right.scope.columns[ri]!.name === c.name) ? { ...c, hidden: true } : c)),
        ...right.scope.columns.map((c, i) => (hiddenRight.has(i) && joinType !== 'right' ? { ...c, hidden: true } : c)),
      ]);
    } else if (spec?.quals !== undefined) {
      // ON sees the join's own operands; with earlier comma-separated items before them, it is
      // bound against those columns alone and shifted into place (unless it holds a subquery,
      // whose plan could not be shifted).
      const narrow = leftStart > 0 && !containsTag(spec.quals, 'SubLink');
      const onLevel = new LevelContext(stmt, narrow ? new Scope(joined.columns.slice(leftStart)) : joined, level.parent);
      onLevel.noAggregates = 'JOIN conditions';
      for (const c of splitAnd(spec.quals)) {
        const bound = requireBoolean(bindExpr(c, onLevel), 'JOIN/ON', stmt.params);
        on.push(narrow ? shiftColumns(bound, leftStart) : bound);
      }
      if (onLevel.correlated) level.correlated = true;
    } else if (joinType !== 'cross') {
      throw new EonError('syntax_error', 'syntax error: JOIN requires ON or USING');
    }
    const width = joined.columns.length;
    const conds = joinType === 'inner' || joinType === 'cross' ? [...on, ...takeReady(width)] : on;
    if (right.lateral === true) {
      // Right and full joins never reach here: bindFromEntry refuses their LATERAL references.
      const residual = conds.length === 0 ? null : conds.length === 1 ? conds[0]! : ({ kind: 'and', type: T.bool, args: conds } as Expr);
      const columns = joined.columns.map((c) => ({ name: c.name, type: c.type }));
      plan = { kind: 'lateral', joinType: joinType === 'left' ? 'left' : 'inner', left: plan, right: right.plan, residual, columns };
      scope = joined;
      if (joinType === 'left') plan = addFilter(plan, takeReady(width));
      continue;
    }
    // Conditions on the right side alone filter it before the join (for LEFT JOIN too: a right
    // row failing them matches nothing either way).
    const rightOnly = joinType === 'inner' || joinType === 'cross' || joinType === 'left' ? conds.filter((c) => isRightOnly(c, leftWidth)) : [];
    const { leftKeys, rightKeys, residual } = splitJoinCondition(conds.filter((c) => !rightOnly.includes(c)), leftWidth);
    const effectiveType: JoinType = joinType === 'cross' && conds.length > 0 ? 'inner' : joinType;
    plan = {
      kind: 'join',
      joinType: effectiveType,
      left: plan,
      right: addFilter(right.plan, rightOnly.map((c) => shiftColumns(c, -leftWidth))),
      leftKeys,
      rightKeys,
      residual,
      columns: joined.columns.map((c) => ({ name: c.name, type: c.type })),
    };
    scope = joined;
    if (joinType === 'left') plan = addFilter(plan, takeReady(width));
  }
  plan = addFilter(plan, takeReady(scope.columns.length));
  // Anything still pending could not be placed (should not happen): apply it on top.
  plan = addFilter(plan, pending.map((p) => p.expr));
  if (reordered) {
    // Back to FROM order, which the scope (and `*`) follow.
    const exprs: Expr[] = fullScope.columns.map((c, i) => ({ kind: 'column', type: c.type, index: remap(i), name: c.name }));
    plan = { kind: 'project', input: plan, exprs, columns: fullScope.columns.map((c) => ({ name: c.name, type: c.type })) };
    scope = fullScope;
  }
  return { plan, scope };
}

/** NATURAL JOIN's columns: the names both sides show, in the left side's order. */
export function naturalColumns(left: Scope, right: Scope): string[] {
  const rightNames = new Set(right.columns.filter((c) => !c.hidden).map((c) => c.name));
  const out: string[] = [];
  for (const c of left.columns) {
    if (!c.hidden && rightNames.has(c.name) && !out.includes(c.name)) out.push(c.name);
  }
  return out;
}

function maxColumnOf(e: Expr): number {
  const used = columnsUsed(e);
  return used.size === 0 ? -1 : Math.max(...used);
}

/** Whether a node tagged `tag` occurs anywhere in the tree under `node`. */
function containsTag(node: unknown, tag: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => containsTag(n, tag));
  for (const [k, v] of Object.entries(node)) {
    if (k === tag || containsTag(v, tag)) return true;
  }
  return false;
}

function bindEquality(l: Expr, r: Expr, stmt: StatementContext): Expr {
  const { exprs } = unify([l, r], 'JOIN/USING', stmt.params);
  return { kind: 'binary', type: T.bool, op: '=', left: exprs[0]!, right: exprs[1]!, fn: equalityFn(exprs[0]!.type) };
}

function equalityFn(t: ColumnType) {
  return resolveBinaryOperator('=', t, t).fn;
}

/** Splits join conditions into hash keys (left expr = right expr) and a residual predicate. */
function splitJoinCondition(conds: Expr[], leftWidth: number): { leftKeys: Expr[]; rightKeys: Expr[]; residual: Expr | null } {
  const leftKeys: Expr[] = [];
  const rightKeys: Expr[] = [];
  const rest: Expr[] = [];
  for (const c of conds) {
    if (c.kind === 'binary' && c.op === '=') {
      const lu = columnsUsed(c.left);
      const ru = columnsUsed(c.right);
      const side = (s: Set<number>) => (s.size === 0 ? 'none' : [...s].every((i) => i < leftWidth) ? 'left' : [...s].every((i) => i >= leftWidth) ? 'right' : 'both');
      const ls = side(lu);
      const rs = side(ru);
      if (ls === 'left' && rs === 'right' && !hasOuter(c)) {
        leftKeys.push(c.left);
        rightKeys.push(shiftColumns(c.right, -leftWidth));
        continue;
      }
      if (ls === 'right' && rs === 'left' && !hasOuter(c)) {
        leftKeys.push(c.right);
        rightKeys.push(shiftColumns(c.left, -leftWidth));
        continue;
      }
    }
    rest.push(c);
  }
  const residual = rest.length === 0 ? null : rest.length === 1 ? rest[0]! : ({ kind: 'and', type: T.bool, args: rest } as Expr);
  return { leftKeys, rightKeys, residual };
}

/** A join condition that reads right-side columns only, and nothing that depends on its place. */
function isRightOnly(c: Expr, leftWidth: number): boolean {
  const used = [...columnsUsed(c)];
  return used.length > 0 && used.every((i) => i >= leftWidth) && !placeBound(c);
}

/** Outer references, subqueries and volatile calls: evaluated where they were bound. */
function placeBound(e: Expr): boolean {
  if (e.kind === 'outer' || e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') return true;
  if (e.kind === 'call' && e.volatile) return true;
  return exprChildren(e).some(placeBound);
}

function hasOuter(e: Expr): boolean {
  if (e.kind === 'outer' || e.kind === 'subquery' || e.kind === 'in_subquery') return true;
  return exprChildren(e).some(hasOuter);
}
