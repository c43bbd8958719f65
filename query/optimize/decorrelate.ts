// Optimizer rule: correlated subqueries in a filter that are tied to the outer row by equalities
// run once as joins instead of once per outer row — [NOT] EXISTS becomes a hash semi (anti)
// join, a scalar aggregate subquery a per-key aggregate joined back by its keys. An uncorrelated
// `x IN (SELECT …)` becomes a semi join too, so its plan is part of the statement's (and runs
// in the data engines where it can) instead of a subplan on the coordinator.

import { andOf, columnsUsed, conjunctsOf, exprChildren, mapExpr, renumberColumns, shiftColumns, type Expr } from '../plan/expr.js';
import { perKeyAggregate, planChildren, planExprs, type AggregateCall, type Plan } from '../plan/logical.js';

type SubqueryExpr = Expr & { kind: 'subquery' };

export function decorrelate(plan: Plan): Plan {
  let filter: Plan & { kind: 'filter' };
  if (plan.kind === 'filter') filter = plan;
  else if (plan.kind === 'scan' && plan.filter !== null && conjunctsOf(plan.filter).some((c) => isCandidate(c) || isSemiJoinIn(c))) {
    // The subquery conjuncts become joins above the scan; the others stay in the scan's filter.
    const [subs, local] = partition(conjunctsOf(plan.filter), (c) => isCandidate(c) || isSemiJoinIn(c));
    filter = { kind: 'filter', input: { ...plan, filter: andOf(local) }, predicate: andOf(subs)!, columns: plan.columns };
  } else return plan;
  const width = filter.input.columns.length;
  let cur = filter.input;
  const rest: Expr[] = [];
  const scalars: SubqueryExpr[] = [];
  for (const c of conjunctsOf(filter.predicate)) {
    if (isSemiJoinIn(c)) {
      // x IN (SELECT y …) as a WHERE conjunct: keep the rows with a match (NULL is no match).
      const y = c.plan.columns[0]!;
      const right: Expr = { kind: 'column', type: y.type, index: 0, name: y.name };
      cur = { kind: 'join', joinType: 'semi', left: cur, right: c.plan, leftKeys: [c.arg], rightKeys: [right], residual: null, columns: cur.columns };
      continue;
    }
    if (c.kind === 'subquery' && c.mode === 'exists' && c.correlated) {
      const joined = existsJoin(cur, c);
      if (joined !== null) {
        cur = joined;
        continue;
      }
    }
    collectScalars(c, scalars);
    rest.push(c);
  }
  const replaced = new Map<Expr, Expr>();
  for (const s of scalars) {
    if (replaced.has(s)) continue;
    const joined = scalarJoin(cur, s);
    if (joined === null) continue;
    replaced.set(s, { kind: 'column', type: s.type, index: joined.valueIndex, name: 'subquery' });
    cur = joined.plan;
  }
  if (cur === filter.input) return plan;
  const predicate = andOf(rest.map((e) => replaceExprs(e, replaced)));
  let out: Plan = predicate === null ? cur : { kind: 'filter', input: cur, predicate, columns: cur.columns };
  if (out.columns.length !== width) {
    // Scalar joins appended columns; the plan above expects the input's columns only.
    out = {
      kind: 'project',
      input: out,
      exprs: filter.input.columns.map((c, i) => ({ kind: 'column', type: c.type, index: i, name: c.name })),
      columns: filter.input.columns,
    };
  }
  return out;
}

/** An uncorrelated `x IN (SELECT y …)` whose sides hash alike (same kind): a semi join. */
function isSemiJoinIn(e: Expr): e is Expr & { kind: 'in_subquery' } {
  return e.kind === 'in_subquery' && !e.negate && !e.correlated && e.arg.type.kind === e.plan.columns[0]!.type.kind && !hasSubquery(e.arg);
}

function isCandidate(e: Expr): boolean {
  if (e.kind === 'subquery' && e.correlated) return true;
  return exprChildren(e).some(isCandidate);
}

/** [NOT] EXISTS (SELECT … WHERE inner = outer …) → semi (anti) join of `outer` with the inner rows. */
function existsJoin(outer: Plan, sub: SubqueryExpr): Plan | null {
  let inner = sub.plan;
  while (inner.kind === 'project' || inner.kind === 'distinct') inner = inner.input;
  const pulled = pullCorrelated(inner);
  if (pulled === null) return null;
  const split = splitCorrelation(pulled.preds, outer.columns.length);
  if (split.outerKeys.length === 0) return null;
  return {
    kind: 'join',
    joinType: sub.negate ? 'anti' : 'semi',
    left: outer,
    right: pulled.plan,
    leftKeys: split.outerKeys,
    rightKeys: split.innerKeys,
    residual: andOf(split.residual),
    columns: outer.columns,
  };
}

/**
 * (SELECT f(agg(…)) FROM … WHERE inner = outer …) → `outer` LEFT JOIN (the aggregate grouped by
 * the inner keys) ON the keys. Only aggregates whose value over no rows is NULL qualify (not
 * count), so an outer row without matches sees what the subquery would return: NULL.
 */
function scalarJoin(outer: Plan, sub: SubqueryExpr): { plan: Plan; valueIndex: number } | null {
  if (sub.mode !== 'scalar' || !sub.correlated) return null;
  const proj = sub.plan;
  if (proj.kind !== 'project' || proj.exprs.length !== 1 || proj.input.kind !== 'aggregate') return null;
  const agg = proj.input;
  if (agg.groupBy.length > 0 || agg.aggregates.some((a) => a.name === 'count' || a.name === 'count_star')) return null;
  if (proj.exprs.some((e) => exprRefsOuter(e, 1)) || agg.aggregates.some((a) => aggregateRefsOuter(a))) return null;
  const pulled = pullCorrelated(agg.input);
  if (pulled === null) return null;
  const split = splitCorrelation(pulled.preds, outer.columns.length);
  if (split.outerKeys.length === 0 || split.residual.length > 0) return null;
  const k = split.innerKeys.length;
  const grouped = perKeyAggregate(pulled.plan, split.innerKeys, agg.aggregates, agg.columns);
  const keyColumns = grouped.columns.slice(0, k);
  const keyRefs: Expr[] = keyColumns.map((c, i) => ({ kind: 'column', type: c.type, index: i, name: c.name }));
  const value = shiftColumns(proj.exprs[0]!, k);
  const right: Plan = { kind: 'project', input: grouped, exprs: [...keyRefs, value], columns: [...keyColumns, proj.columns[0]!] };
  const plan: Plan = {
    kind: 'join',
    joinType: 'left',
    left: outer,
    right,
    leftKeys: split.outerKeys,
    rightKeys: keyRefs,
    residual: null,
    columns: [...outer.columns, ...right.columns],
  };
  return { plan, valueIndex: outer.columns.length + k };
}

/**
 * Lifts the conjuncts that read the enclosing row (depth 1) out of a tree of scans, filters,
 * inner joins and column-only projections, expressed over the tree's output columns. Null when the correlation sits anywhere
 * else (under an aggregate, an outer join, a nested subquery) or reaches further out.
 */
export function pullCorrelated(p: Plan): { plan: Plan; preds: Expr[] } | null {
  const lift = (e: Expr | null): { local: Expr[]; preds: Expr[] } | null => {
    const [preds, local] = partition(conjunctsOf(e), (c) => exprRefsOuter(c, 1));
    if (preds.some((c) => hasSubquery(c) || exprRefsOuter(c, 2))) return null;
    return { local, preds };
  };
  switch (p.kind) {
    case 'scan': {
      // A key lookup by the outer row is already one read per row.
      if ([...(p.keyLookup ?? []), ...(p.indexLookup?.values ?? [])].some((e) => exprRefsOuter(e, 1))) return null;
      // A narrowed scan's filter reads table ordinals, not its output columns.
      if (p.project !== undefined) return null;
      const l = lift(p.filter);
      if (l === null) return null;
      return { plan: { ...p, filter: andOf(l.local) }, preds: l.preds };
    }
    case 'filter': {
      const input = pullCorrelated(p.input);
      const l = lift(p.predicate);
      if (input === null || l === null) return null;
      const predicate = andOf(l.local);
      const plan: Plan = predicate === null ? input.plan : { kind: 'filter', input: input.plan, predicate, columns: p.columns };
      return { plan, preds: [...input.preds, ...l.preds] };
    }
    case 'join': {
      if (p.joinType !== 'inner' && p.joinType !== 'cross') return planRefsOuter(p, 1) ? null : { plan: p, preds: [] };
      const left = pullCorrelated(p.left);
      const right = pullCorrelated(p.right);
      const l = lift(p.residual);
      if (left === null || right === null || l === null) return null;
      if ([...p.leftKeys, ...p.rightKeys].some((e) => exprRefsOuter(e, 1))) return null;
      const lw = p.left.columns.length;
      const plan: Plan = { ...p, left: left.plan, right: right.plan, residual: andOf(l.local) };
      return { plan, preds: [...left.preds, ...right.preds.map((e) => shiftColumns(e, lw)), ...l.preds] };
    }
    case 'project': {
      // Columns only (a FROM list put back in FROM order): lift through by position.
      if (!p.exprs.every((e) => e.kind === 'column')) return planRefsOuter(p, 1) ? null : { plan: p, preds: [] };
      const input = pullCorrelated(p.input);
      if (input === null) return null;
      const position = new Map<number, number>();
      p.exprs.forEach((e, i) => {
        if (e.kind === 'column' && !position.has(e.index)) position.set(e.index, i);
      });
      if (input.preds.some((c) => [...columnsUsed(c)].some((i) => !position.has(i)))) return null;
      return { plan: { ...p, input: input.plan }, preds: input.preds.map((c) => renumberColumns(c, (i) => position.get(i)!)) };
    }
    default:
      return planRefsOuter(p, 1) ? null : { plan: p, preds: [] };
  }
}

/**
 * Splits lifted conjuncts into hash keys (`inner expr = outer expr` of one kind on both sides)
 * and a residual over the joined row (outer columns first, then the inner ones). Outer
 * references become columns of the outer plan, whose first columns are the enclosing row.
 */
export function splitCorrelation(preds: Expr[], outerWidth: number): { outerKeys: Expr[]; innerKeys: Expr[]; residual: Expr[] } {
  const outerKeys: Expr[] = [];
  const innerKeys: Expr[] = [];
  const residual: Expr[] = [];
  for (const c of preds) {
    const key = equalityKey(c);
    if (key !== null) {
      innerKeys.push(key.inner);
      outerKeys.push(outerToColumns(key.outer));
      continue;
    }
    residual.push(outerToColumns(shiftColumns(c, outerWidth)));
  }
  return { outerKeys, innerKeys, residual };
}

/** `inner = outer` with only inner columns on one side and only outer references on the other. */
function equalityKey(c: Expr): { inner: Expr; outer: Expr } | null {
  if (c.kind !== 'binary' || c.op !== '=' || c.left.type.kind !== c.right.type.kind) return null;
  for (const [inner, outer] of [[c.left, c.right], [c.right, c.left]] as const) {
    if (columnsUsed(inner).size > 0 && !exprRefsOuter(inner, 1) && columnsUsed(outer).size === 0 && !isVolatile(outer)) return { inner, outer };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Expression helpers

function partition<X>(xs: X[], pred: (x: X) => boolean): [X[], X[]] {
  const yes: X[] = [];
  const no: X[] = [];
  for (const x of xs) (pred(x) ? yes : no).push(x);
  return [yes, no];
}

function collectScalars(e: Expr, into: SubqueryExpr[]): void {
  if (e.kind === 'subquery' && e.mode === 'scalar' && e.correlated) into.push(e);
  for (const c of exprChildren(e)) collectScalars(c, into);
}

function hasSubquery(e: Expr): boolean {
  if (e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') return true;
  return exprChildren(e).some(hasSubquery);
}

function isVolatile(e: Expr): boolean {
  if (e.kind === 'call' && e.volatile) return true;
  return exprChildren(e).some(isVolatile);
}

/** True when `e` reads a row `depth` or more levels out (inside nested subqueries too). */
export function exprRefsOuter(e: Expr, depth: number): boolean {
  if (e.kind === 'outer') return e.depth >= depth;
  if ((e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') && planRefsOuter(e.plan, depth + 1)) return true;
  return exprChildren(e).some((c) => exprRefsOuter(c, depth));
}

function aggregateRefsOuter(a: AggregateCall): boolean {
  return [...a.args, ...(a.filter === null ? [] : [a.filter]), ...a.orderBy.map((k) => k.expr)].some((e) => exprRefsOuter(e, 1));
}

export function planRefsOuter(p: Plan, depth: number): boolean {
  // A LATERAL right side runs one level in: its depth-1 references read the left row.
  if (p.kind === 'lateral' && planRefsOuter(p.right, depth + 1)) return true;
  return planExprs(p).some((e) => exprRefsOuter(e, depth)) || planChildren(p).some((c) => planRefsOuter(c, depth));
}

/** Depth-1 outer references → columns of the same index (the enclosing row's position). */
function outerToColumns(e: Expr): Expr {
  return mapExpr(e, (x) => (x.kind === 'outer' && x.depth === 1 ? { kind: 'column', type: x.type, index: x.index, name: x.name } : null));
}

function replaceExprs(e: Expr, replaced: ReadonlyMap<Expr, Expr>): Expr {
  return mapExpr(e, (x) => replaced.get(x) ?? null);
}
