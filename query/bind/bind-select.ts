// SELECT (with WITH, FROM/JOIN, WHERE, GROUP BY/HAVING, DISTINCT, set operations, ORDER BY,
// LIMIT/OFFSET) → logical plan.

import { EonError } from '../../src/errors/index.js';
import { T, resolveBinaryOperator, type ColumnType } from '../../src/types/index.js';
import type { Ast } from '../parse/parser.js';
import { columnsUsed, exprChildren, renumberColumns, shiftColumns, type Expr } from '../plan/expr.js';
import type { JoinType, OutputColumn, Plan, SortKey } from '../plan/logical.js';
import { LevelContext, StatementContext, WINDOW_COLUMN_BASE, type AggregateScope } from './context.js';
import { bindExpr, containsAggregate, functionName } from './bind-expr.js';
import { bindTableFunction } from './table-function.js';
import { exprKey } from './expr-key.js';
import { UNKNOWN_RELATION_ROWS, conjunctSelectivity, factorCommonConjuncts, impliedRestrictions, joinOrder } from './join-order.js';
import { Scope, type ScopeColumn } from './scope.js';
import { isSystemSchema, resolveSystemTable } from '../catalog/index.js';
import { coerce, requireBoolean, unify } from './typing.js';

export interface BoundQuery {
  readonly plan: Plan;
  readonly correlated: boolean;
}

/** Binds a top-level query. */
export function bindQuery(ast: Ast, stmt: StatementContext): Plan {
  return bindSelectChain(ast, stmt, null).plan;
}

/** Binds a subquery inside an expression of `outer`. */
export function bindSubquery(ast: Ast, outer: LevelContext): BoundQuery {
  return bindSelectChain(ast, outer.stmt, outer);
}

function bindSelectChain(ast: Ast, stmt: StatementContext, outer: LevelContext | null): BoundQuery {
  stmt.enter();
  const hasWith = Array.isArray(ast.with) && ast.with.length > 0;
  if (hasWith) bindWith(ast.with as Ast[], stmt, outer);
  try {
    if (ast._next === undefined || ast._next === null) {
      return bindSelect(ast, stmt, outer, true, false);
    }
    return bindSetOperations(ast, stmt, outer);
  } finally {
    if (hasWith) stmt.popCtes();
    stmt.leave();
  }
}

function bindWith(items: Ast[], stmt: StatementContext, outer: LevelContext | null): void {
  const ctes = stmt.pushCtes();
  for (const item of items) {
    if (item.recursive) throw new EonError('feature_not_supported', 'WITH RECURSIVE is not supported yet');
    const name = stmt.ident(String(item.name?.value ?? item.name));
    if (ctes.has(name)) throw new EonError('duplicate_alias', `WITH query name "${name}" specified more than once`);
    const innerAst = item.stmt?.ast ?? item.stmt;
    const bound = bindSelectChain(innerAst, stmt, outer);
    let columns = bound.plan.columns;
    if (Array.isArray(item.columns) && item.columns.length > 0) {
      const names = (item.columns as Ast[]).map((c) => stmt.ident(String(c.value ?? c.column?.expr?.value ?? c)));
      columns = columns.map((c, i) => ({ name: names[i] ?? c.name, type: c.type }));
    }
    const id = stmt.newCteId();
    ctes.set(name, { id, plan: bound.plan, columns });
  }
}

// ---------------------------------------------------------------------------------------------
// Set operations

function bindSetOperations(ast: Ast, stmt: StatementContext, outer: LevelContext | null): BoundQuery {
  const operands: Ast[] = [];
  const ops: string[] = [];
  for (let node: Ast | undefined = ast; node !== undefined && node !== null; node = node._next) {
    operands.push(node);
    if (node._next) ops.push(String(node.set_op ?? 'union').toLowerCase());
  }
  const last = operands[operands.length - 1]!;
  // A trailing ORDER BY/LIMIT belongs to the whole chain unless the last operand is parenthesized
  // (then the parser puts the chain's own in `_orderby`/`_limit` on the first node).
  const lastOwnsOrder = last.parentheses_symbol === true;
  const orderby = lastOwnsOrder ? ast._orderby : last.orderby;
  const limit = lastOwnsOrder ? ast._limit : last.limit;
  const bound = operands.map((o, i) => {
    const own = o.parentheses_symbol === true;
    const node = i === operands.length - 1 && !own ? { ...o, orderby: undefined, limit: undefined, _next: undefined } : { ...o, _next: undefined };
    return bindSelect(node, stmt, outer, own, true);
  });
  let correlated = bound.some((b) => b.correlated);
  // INTERSECT binds tighter than UNION and EXCEPT.
  let plans = bound.map((b) => b.plan);
  let opList = [...ops];
  for (let i = 0; i < opList.length; ) {
    if (opList[i]!.startsWith('intersect')) {
      plans.splice(i, 2, combine(opList[i]!, plans[i]!, plans[i + 1]!, stmt));
      opList.splice(i, 1);
    } else i++;
  }
  let plan = plans[0]!;
  for (let i = 0; i < opList.length; i++) plan = combine(opList[i]!, plan, plans[i + 1]!, stmt);
  plans = [];
  opList = [];
  const level = new LevelContext(stmt, new Scope(plan.columns.map((c) => ({ table: null, name: c.name, type: c.type }))), outer);
  plan = applyOrderLimit(plan, orderby, limit, level, null, []);
  correlated ||= level.correlated;
  return { plan, correlated };
}

function combine(opText: string, left: Plan, right: Plan, stmt: StatementContext): Plan {
  const op = opText.startsWith('union') ? 'union' : opText.startsWith('intersect') ? 'intersect' : 'except';
  const all = /\ball\b/.test(opText) || (op !== 'union' && stmt.literals.setOpAll?.[op] === true);
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

// ---------------------------------------------------------------------------------------------
// One SELECT

interface SelectItem {
  readonly expr: Expr;
  readonly name: string;
}

/**
 * `withOrder`: apply this SELECT's own ORDER BY/LIMIT. `keepUnknown`: leave untyped literal columns
 * untyped (set-operation arms take their type from the other arms).
 */
function bindSelect(ast: Ast, stmt: StatementContext, outer: LevelContext | null, withOrder: boolean, keepUnknown: boolean): BoundQuery {
  if (ast.type !== 'select') throw new EonError('feature_not_supported', `${String(ast.type).toUpperCase()} is not supported here`);
  if (ast.into?.expr !== undefined || (ast.into?.type !== undefined && ast.into.type !== null)) {
    throw new EonError('feature_not_supported', 'SELECT INTO is not supported');
  }
  // FROM
  const fromLevel = new LevelContext(stmt, Scope.empty(), outer);
  let plan: Plan;
  let scope: Scope;
  const fromItems = (ast.from ?? []) as Ast[];
  const whereConjuncts: Ast[] = ast.where ? splitAnd(ast.where) : [];
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

  level.namedWindows = new Map(((ast.window?.expr ?? []) as Ast[]).map((w) => [stmt.ident(String(w.name)), w.as_window_specification]));
  // Select list (expanded), to know aggregates and names.
  const columnsAst = (ast.columns === '*' ? [{ expr: { type: 'column_ref', column: '*' } }] : ast.columns) as Ast[];
  const groupAsts = (ast.groupby?.columns ?? (Array.isArray(ast.groupby) ? ast.groupby : [])) as Ast[];
  const orderAsts = withOrder ? ((ast.orderby ?? []) as Ast[]) : [];
  const needsAggregate =
    groupAsts.length > 0 ||
    ast.having !== undefined && ast.having !== null ||
    columnsAst.some((c) => containsAggregate(c.expr)) ||
    orderAsts.some((o) => containsAggregate(o.expr));

  if (needsAggregate) {
    const agg: AggregateScope = { groupExprs: [], groupKeys: [], calls: [], callKeys: [] };
    level.noAggregates = 'GROUP BY';
    for (const g of groupAsts) {
      const e = bindGroupItem(g, columnsAst, level);
      const k = exprKey(e);
      if (!agg.groupKeys.includes(k)) {
        agg.groupExprs.push(e);
        agg.groupKeys.push(k);
      }
    }
    level.noAggregates = null;
    level.agg = agg;
  }
  const items = bindSelectList(columnsAst, level);
  let having: Expr | null = null;
  if (ast.having) {
    level.noWindows = 'HAVING';
    having = requireBoolean(bindExpr(ast.having, level), 'HAVING', stmt.params);
    level.noWindows = null;
  }

  // Sort keys can add hidden columns to the projection.
  const distinctOnAsts = Array.isArray(ast.distinct?.columns) ? (ast.distinct.columns as Ast[]) : null;
  const distinct = distinctOnAsts === null && String(ast.distinct?.type ?? ast.distinct ?? '').toUpperCase() === 'DISTINCT';
  const extra: Expr[] = [];
  const sortKeys = bindOrderBy(orderAsts, items, level, extra, distinct);
  // DISTINCT ON (exprs): keep the first row of each group in ORDER BY order; its expressions must
  // lead the ORDER BY, as PostgreSQL requires.
  const distinctOn = distinctOnAsts === null ? null : bindOrderBy(distinctOnAsts.map((d) => ({ expr: d.expr ?? d })), items, level, extra, false);
  if (distinctOn !== null) {
    distinctOn.forEach((d, i) => {
      const s = sortKeys[i];
      if (s !== undefined && s.expr.kind === 'column' && d.expr.kind === 'column' && s.expr.index !== d.expr.index) {
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
    plan = { kind: 'aggregate', input: plan, groupBy: agg.groupExprs, aggregates: agg.calls, columns: aggColumns };
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
    if (withOrder) plan = applyOrderLimit(plan, null, ast.limit, level, [], []);
  } else if (withOrder) {
    plan = applyOrderLimit(plan, null, ast.limit, level, sortKeys, []);
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

function bindGroupItem(g: Ast, columnsAst: Ast[], level: LevelContext): Expr {
  // GROUP BY 1 refers to the first select item; GROUP BY alias to a select item's alias.
  if (g.type === 'number' && typeof g.value === 'number') {
    const item = columnsAst[g.value - 1];
    if (item === undefined) throw new EonError('invalid_column_reference', `GROUP BY position ${g.value} is not in select list`);
    return bindExpr(item.expr, level);
  }
  if (g.type === 'column_ref' && g.table === undefined) {
    try {
      return bindExpr(g, level);
    } catch (e) {
      if (!(e instanceof EonError) || e.code !== 'undefined_column') throw e;
      const name = level.stmt.ident(String(g.column?.expr?.value ?? g.column));
      const item = columnsAst.find((c) => c.as !== undefined && c.as !== null && level.stmt.ident(String(c.as)) === name);
      if (item === undefined) throw e;
      return bindExpr(item.expr, level);
    }
  }
  return bindExpr(g, level);
}

function bindSelectList(columnsAst: Ast[], level: LevelContext): SelectItem[] {
  const items: SelectItem[] = [];
  for (const c of columnsAst) {
    // Some casts arrive as the select item itself rather than wrapped in `expr`.
    const e = (c.expr ?? c) as Ast;
    if (e.type === 'column_ref' && (e.column === '*' || e.column?.expr?.value === '*')) {
      const table = e.table === undefined || e.table === null ? null : level.stmt.ident(String(e.table));
      if (table !== null && !level.scope.hasTable(table)) {
        throw new EonError('undefined_table', `missing FROM-clause entry for table "${table}"`);
      }
      if (level.agg !== null && level.scope.columns.length > 0) {
        for (const col of level.scope.columns) {
          if (col.hidden || (table !== null && col.table !== table)) continue;
          items.push({ expr: bindExpr({ type: 'column_ref', table: col.table ?? undefined, column: { expr: { value: col.name } } }, level), name: col.name });
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
    const expr = bindExpr(e, level);
    const name = c.as !== undefined && c.as !== null ? aliasName(String(c.as), level.stmt) : defaultName(e, expr, level.stmt);
    items.push({ expr, name });
  }
  return items;
}

function aliasName(alias: string, stmt: StatementContext): string {
  return stmt.ident(alias);
}

/** PostgreSQL's column name for an unaliased select item. */
function defaultName(ast: Ast, expr: Expr, stmt: StatementContext): string {
  switch (ast.type) {
    case 'column_ref':
      return stmt.ident(String(ast.column?.expr?.value ?? ast.column));
    case 'function': {
      const n = functionName(ast);
      return n === 'current_timestamp' ? 'current_timestamp' : n.split('.').pop()!;
    }
    case 'aggr_func':
      return String(ast.name).toLowerCase();
    case 'extract':
      return 'extract';
    case 'case':
      return 'case';
    case 'cast': {
      if (ast.tail) return '?column?';
      const inner = defaultName(ast.expr, expr, stmt);
      if (inner !== '?column?') return inner;
      const t = expr.type.kind;
      const names: Record<string, string> = { int2: 'int2', int4: 'int4', int8: 'int8', float4: 'float4', float8: 'float8', numeric: 'numeric', text: 'text', varchar: 'varchar', bool: 'bool', date: 'date', timestamp: 'timestamp', timestamptz: 'timestamptz', interval: 'interval' };
      return names[t] ?? '?column?';
    }
    case 'interval':
      return 'interval';
    case 'date':
      return 'date';
    case 'timestamp':
      return 'timestamp';
    case 'bool':
      return 'bool';
    default:
      if (ast.ast !== undefined) {
        const sub = ast.ast as Ast;
        const first = Array.isArray(sub.columns) ? (sub.columns[0] as Ast | undefined) : undefined;
        if (first !== undefined && sub._next === undefined) {
          if (first.as) return aliasName(String(first.as), stmt);
          if (first.expr?.type === 'column_ref') return stmt.ident(String(first.expr.column?.expr?.value ?? first.expr.column));
          if (first.expr?.type === 'aggr_func') return String(first.expr.name).toLowerCase();
          if (first.expr?.type === 'function') return functionName(first.expr);
        }
      }
      if (ast.type === 'function' || (ast.type === 'unary_expr' && String(ast.operator).toUpperCase().includes('EXISTS'))) return 'exists';
      return '?column?';
  }
}

function bindOrderBy(orderAsts: Ast[], items: SelectItem[], level: LevelContext, extra: Expr[], distinct: boolean): SortKey[] {
  const keys: SortKey[] = [];
  for (const o of orderAsts) {
    const descending = String(o.type ?? '').toUpperCase() === 'DESC';
    const nullsText = String(o.nulls ?? '').toLowerCase().replace(/\s+/g, '');
    // PostgreSQL: NULLs sort as larger than any value by default.
    const nullsFirst = nullsText === 'nullsfirst' ? true : nullsText === 'nullslast' ? false : descending;
    const e = o.expr as Ast;
    let index = -1;
    if (e.type === 'number' && typeof e.value === 'number') {
      index = e.value - 1;
      if (index < 0 || index >= items.length) {
        throw new EonError('invalid_column_reference', `ORDER BY position ${e.value} is not in select list`);
      }
    } else if (e.type === 'column_ref' && (e.table === undefined || e.table === null)) {
      const name = level.stmt.ident(String(e.column?.expr?.value ?? e.column));
      const matches = items.map((it, i) => (it.name === name ? i : -1)).filter((i) => i >= 0);
      if (matches.length > 1) {
        // Several items share the name: fine only if they are the same expression.
        const k = exprKey(items[matches[0]!]!.expr);
        if (!matches.every((m) => exprKey(items[m]!.expr) === k)) {
          throw new EonError('ambiguous_column', `ORDER BY "${name}" is ambiguous`);
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
    keys.push({ expr: { kind: 'column', type: type.kind === 'unknown' ? T.text : type, index, name: `sort${index}` }, descending, nullsFirst });
  }
  return keys;
}

function applyOrderLimit(plan: Plan, orderAsts: Ast[] | null | undefined, limitAst: Ast | undefined, level: LevelContext, keysIn: SortKey[] | null, extra: Expr[]): Plan {
  let keys = keysIn;
  if (keys === null && Array.isArray(orderAsts) && orderAsts.length > 0) {
    const items: SelectItem[] = plan.columns.map((c, i) => ({ expr: { kind: 'column', type: c.type, index: i, name: c.name }, name: c.name }));
    keys = bindOrderBy(orderAsts, items, level, extra, true);
  }
  let out = plan;
  if (keys !== null && keys.length > 0) out = { kind: 'sort', input: out, keys, columns: out.columns };
  const values = (limitAst?.value ?? []) as Ast[];
  if (values.length > 0) {
    const sep = String(limitAst?.seperator ?? '').toLowerCase();
    let limit: Expr | null = null;
    let offset: Expr | null = null;
    const bindCount = (a: Ast): Expr | null => {
      if (a.type === 'origin' && String(a.value).toLowerCase() === 'all') return null;
      const e = bindExpr(a, new LevelContext(level.stmt, Scope.empty(), null));
      return coerce(e, T.int8, 'assignment', level.stmt.params);
    };
    if (sep === 'offset' && values.length === 1) {
      offset = bindCount(values[0]!);
    } else if (sep === 'offset') {
      limit = bindCount(values[0]!);
      offset = values[1] === undefined ? null : bindCount(values[1]);
    } else if (sep === ',') {
      offset = bindCount(values[0]!);
      limit = values[1] === undefined ? null : bindCount(values[1]);
    } else if (sep === 'offsetonly' || (values.length === 1 && limitAst?.offsetOnly)) {
      offset = bindCount(values[0]!);
    } else {
      limit = bindCount(values[0]!);
    }
    if (limit !== null || offset !== null) out = { kind: 'limit', input: out, limit, offset, columns: out.columns };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// FROM and joins

function splitAnd(ast: Ast): Ast[] {
  if (ast.type === 'binary_expr' && String(ast.operator).toUpperCase() === 'AND' && !ast.parentheses_not) {
    return [...splitAnd(ast.left), ...splitAnd(ast.right)];
  }
  return [ast];
}

function addFilter(plan: Plan, preds: Expr[]): Plan {
  if (preds.length === 0) return plan;
  const predicate: Expr = preds.length === 1 ? preds[0]! : { kind: 'and', type: T.bool, args: preds };
  if (plan.kind === 'scan' && plan.filter === null) return { ...plan, filter: predicate };
  if (plan.kind === 'scan' && plan.keyLookup === null) return { ...plan, filter: { kind: 'and', type: T.bool, args: [plan.filter!, ...preds] } };
  return { kind: 'filter', input: plan, predicate, columns: plan.columns };
}

interface Relation {
  plan: Plan;
  scope: Scope;
}

function bindRelation(item: Ast, level: LevelContext): Relation {
  const stmt = level.stmt;
  if (item.expr?.ast !== undefined || item.expr?.type === 'select') {
    // Derived table: (SELECT ...) AS alias(col, ...)
    const sub = bindSubquery(item.expr.ast ?? item.expr, new LevelContext(stmt, Scope.empty(), level.parent));
    if (sub.correlated) level.correlated = true;
    const { alias, columnAliases } = parseAlias(item.as, stmt);
    if (alias === null) throw new EonError('syntax_error', 'subquery in FROM must have an alias');
    const cols = sub.plan.columns.map((c, i) => ({ table: alias, name: columnAliases[i] ?? c.name, type: c.type }));
    return { plan: sub.plan, scope: new Scope(cols) };
  }
  if (item.expr?.type === 'values') {
    const { alias, columnAliases } = parseAlias(item.as, stmt);
    if (alias === null) throw new EonError('syntax_error', 'VALUES in FROM must have an alias');
    const plan = bindValuesList(item.expr.values as Ast[], new LevelContext(stmt, Scope.empty(), level.parent));
    const cols = plan.columns.map((c, i) => ({ table: alias, name: columnAliases[i] ?? c.name, type: c.type }));
    return { plan: { ...plan, columns: cols.map((c) => ({ name: c.name, type: c.type })) }, scope: new Scope(cols) };
  }
  if (item.type === 'expr' || item.expr !== undefined) return bindTableFunction(item, level);
  const rawName = String(item.table);
  const name = stmt.ident(rawName);
  const { alias, columnAliases } = parseAlias(item.as, stmt);
  const rangeName = alias ?? name;
  const cte = item.db === undefined || item.db === null ? stmt.findCte(name) : undefined;
  if (cte !== undefined) {
    const cols = cte.columns.map((c, i) => ({ table: rangeName, name: columnAliases[i] ?? c.name, type: c.type }));
    return { plan: { kind: 'cte_ref', id: cte.id, input: cte.plan, columns: [...cte.columns] }, scope: new Scope(cols) };
  }
  const schemaName = item.db === undefined || item.db === null ? null : String(item.db).toLowerCase();
  // pg_catalog comes first on PostgreSQL's search path, then public (user tables).
  const system = schemaName === null || isSystemSchema(schemaName) ? resolveSystemTable(schemaName, name) : undefined;
  if (system === undefined && schemaName !== null && schemaName !== 'public') {
    throw new EonError('undefined_table', `relation "${schemaName}.${name}" does not exist`);
  }
  const table = system ?? stmt.catalog.getTable(name);
  if (table === undefined) throw new EonError('undefined_table', `relation "${name}" does not exist`);
  const columns = table.columns.map((c) => ({ name: c.name, type: c.type }));
  const scopeCols: ScopeColumn[] = table.columns.map((c, i) => ({ table: rangeName, name: columnAliases[i] ?? c.name, type: c.type }));
  return { plan: { kind: 'scan', table, columns, filter: null, keyLookup: null }, scope: new Scope(scopeCols) };
}

/** VALUES (…), (…): each column takes the common type of its rows. */
export function bindValuesList(rowsAst: Ast[], level: LevelContext): Plan & { kind: 'values' } {
  const rows = rowsAst.map((r) => ((r.value ?? []) as Ast[]).map((v) => bindExpr(v, level)));
  const width = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width)) throw new EonError('syntax_error', 'VALUES lists must all be the same length');
  const columns: OutputColumn[] = [];
  for (let c = 0; c < width; c++) {
    const { type, exprs } = unify(rows.map((r) => r[c]!), 'VALUES', level.stmt.params);
    rows.forEach((r, i) => (r[c] = exprs[i]!));
    columns.push({ name: `column${c + 1}`, type });
  }
  return { kind: 'values', rows, columns };
}

function parseAlias(as: unknown, stmt: StatementContext): { alias: string | null; columnAliases: string[] } {
  if (as === undefined || as === null) return { alias: null, columnAliases: [] };
  const text = String(as);
  const m = /^([^()]+)\(([^)]*)\)$/.exec(text);
  if (m === null) return { alias: stmt.ident(text), columnAliases: [] };
  return {
    alias: stmt.ident(m[1]!.trim().replace(/^"|"$/g, '')),
    columnAliases: m[2]!.split(',').map((s) => stmt.ident(s.trim().replace(/^"|"$/g, ''))),
  };
}

function joinTypeOf(item: Ast): JoinType {
  const j = String(item.join ?? '').toUpperCase();
  if (j === '') return 'cross';
  if (j.startsWith('LEFT')) return 'left';
  if (j.startsWith('RIGHT')) return 'right';
  if (j.startsWith('FULL')) return 'full';
  if (j.startsWith('CROSS')) return 'cross';
  if (j === 'INNER JOIN' || j === 'JOIN') return 'inner';
  throw new EonError('feature_not_supported', `${j} is not supported`);
}

/**
 * Builds a left-deep join tree in FROM order. WHERE conjuncts are pushed into inner and cross
 * joins as soon as every column they read is available (equalities become hash-join keys); the
 * conjuncts left in `whereConjuncts` are applied above the joins.
 */
function bindFrom(fromItems: Ast[], whereConjuncts: Ast[], level: LevelContext): Relation {
  let items = fromItems;
  const stmt = level.stmt;
  const relations = items.map((it) => bindRelation(it, level));
  const rangeNames = new Set<string>();
  for (const r of relations) {
    const name = r.scope.columns[0]?.table;
    if (name === null || name === undefined) continue;
    if (rangeNames.has(name)) throw new EonError('duplicate_alias', `table name "${name}" specified more than once`);
    rangeNames.add(name);
  }
  const types = items.map((it, i) => (i === 0 ? 'cross' : joinTypeOf(it)));
  const canPushWhere = !types.some((t) => t === 'right' || t === 'full');
  // Bind each WHERE conjunct against the full scope once, to learn which columns it reads.
  const fullScope = relations.reduce((s, r) => s.concat(r.scope), Scope.empty());
  const pending: { ast: Ast; expr: Expr; maxColumn: number }[] = [];
  if (canPushWhere) {
    const probe = new LevelContext(stmt, fullScope, level.parent);
    probe.noAggregates = 'WHERE';
    for (let i = whereConjuncts.length - 1; i >= 0; i--) {
      const c = whereConjuncts[i]!;
      if (hasSubquery(c) || containsAggregate(c)) continue;
      const expr = requireBoolean(bindExpr(c, probe), 'WHERE', stmt.params);
      const used = columnsUsed(expr);
      pending.push({ ast: c, expr, maxColumn: used.size === 0 ? -1 : Math.max(...used) });
      whereConjuncts.splice(i, 1);
    }
    if (probe.correlated) level.correlated = true;
    const factored = pending.flatMap((p) => factorCommonConjuncts(p.expr).map((expr) => ({ ast: p.ast, expr, maxColumn: maxColumnOf(expr) })));
    pending.splice(0, pending.length, ...factored);
  }
  const widths = relations.map((r) => r.scope.columns.length);
  const starts = widths.map((_, i) => widths.slice(0, i).reduce((a, b) => a + b, 0));
  const relationOf = (column: number): number => starts.findLastIndex((s) => s <= column);
  for (const p of [...pending]) {
    for (const expr of impliedRestrictions(p.expr, relationOf)) pending.push({ ast: p.ast, expr, maxColumn: maxColumnOf(expr) });
  }
  const reorderable = relations.length >= 3 && canPushWhere && types.every((t) => t === 'cross');
  // Table sizes only matter (and are only read) when the join order is ours to choose.
  const rows = relations.map((r) => (!reorderable ? 0 : r.plan.kind === 'scan' ? stmt.catalog.estimatedRows?.(r.plan.table) ?? UNKNOWN_RELATION_ROWS : UNKNOWN_RELATION_ROWS));
  const filteredRows = [...rows];
  // A conjunct on one relation filters it before any join (not the null-extended side of a LEFT JOIN).
  for (let i = pending.length - 1; i >= 0; i--) {
    const used = [...columnsUsed(pending[i]!.expr)];
    const r = used.length === 0 ? 0 : relationOf(used[0]!);
    if (used.length === 0 || types[r] === 'left' || used.some((c) => relationOf(c) !== r)) continue;
    relations[r] = { ...relations[r]!, plan: addFilter(relations[r]!.plan, [shiftColumns(pending[i]!.expr, -starts[r]!)]) };
    filteredRows[r]! *= conjunctSelectivity(pending[i]!.expr);
    pending.splice(i, 1);
  }
  // Comma-separated relations join in an order where each meets the earlier ones by an equality.
  const joinRelations = relations.map((r, i) => ({
    width: widths[i]!,
    rows: rows[i]!,
    filteredRows: filteredRows[i]!,
    key: r.plan.kind === 'scan' ? r.plan.table.primaryKey : [],
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
    const [rs, its] = [order.map((r) => relations[r]!), order.map((r) => items[r]!)];
    relations.splice(0, relations.length, ...rs);
    items = its;
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
    const item = items[r]!;
    const joinType = types[r]!;
    const leftWidth = scope.columns.length;
    let joined = scope.concat(right.scope);
    const on: Expr[] = [];
    if (Array.isArray(item.using) && item.using.length > 0) {
      const hiddenRight = new Set<number>();
      for (const u of item.using as Ast[]) {
        const name = stmt.ident(String(u.value ?? u));
        const li = scope.find(null, name);
        const ri = right.scope.find(null, name);
        if (li < 0 || ri < 0) throw new EonError('undefined_column', `column "${name}" specified in USING clause does not exist in ${li < 0 ? 'left' : 'right'} table`);
        const l: Expr = { kind: 'column', type: scope.columns[li]!.type, index: li, name };
        const rr: Expr = { kind: 'column', type: right.scope.columns[ri]!.type, index: leftWidth + ri, name };
        on.push(bindEquality(l, rr, stmt));
        hiddenRight.add(ri);
      }
      // USING merges the columns: `*` shows the left one (or the right one for RIGHT JOIN).
      joined = new Scope([
        ...scope.columns.map((c) => (joinType === 'right' && [...hiddenRight].some((ri) => right.scope.columns[ri]!.name === c.name) ? { ...c, hidden: true } : c)),
        ...right.scope.columns.map((c, i) => (hiddenRight.has(i) && joinType !== 'right' ? { ...c, hidden: true } : c)),
      ]);
    } else if (item.on !== undefined && item.on !== null) {
      const onLevel = new LevelContext(stmt, joined, level.parent);
      onLevel.noAggregates = 'JOIN conditions';
      for (const c of splitAnd(item.on)) on.push(requireBoolean(bindExpr(c, onLevel), 'JOIN/ON', stmt.params));
      if (onLevel.correlated) level.correlated = true;
    } else if (joinType !== 'cross') {
      throw new EonError('syntax_error', 'syntax error: JOIN requires ON or USING');
    }
    const width = joined.columns.length;
    const conds = joinType === 'inner' || joinType === 'cross' ? [...on, ...takeReady(width)] : on;
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

function maxColumnOf(e: Expr): number {
  const used = columnsUsed(e);
  return used.size === 0 ? -1 : Math.max(...used);
}

function hasSubquery(ast: unknown): boolean {
  if (ast === null || typeof ast !== 'object') return false;
  const node = ast as Ast;
  if (node.ast !== undefined) return true;
  for (const v of Object.values(node)) {
    if (Array.isArray(v) ? v.some(hasSubquery) : v !== null && typeof v === 'object' && hasSubquery(v)) return true;
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



