// Rule (whole plan, top-down): each node keeps only the columns the nodes above it read, so table
// scans produce narrow rows (`project`) and joins, sorts and the data engines move less. Column
// references above a narrowed node are renumbered.

import { EonError } from '../../src/errors/index.js';
import { columnsUsed, exprChildren, renumberColumns, type Expr } from '../plan/expr.js';
import type { AggregateCall, Plan, SortKey, WindowCall } from '../plan/logical.js';

/** Every output column is read (the root, DISTINCT, set operations, correlated subqueries). */
const ALL = null;
type Need = ReadonlySet<number> | typeof ALL;

/** Old output position → new position (-1: dropped); null when positions did not change. */
type Renumbering = readonly number[] | null;

interface Pruned {
  readonly plan: Plan;
  readonly map: Renumbering;
}

/** Joins whose rows are left ++ right, and joins that output only the left rows. */
const JOIN_TYPES_CONCATENATING = new Set(['inner', 'left', 'right', 'full', 'cross']);
const JOIN_TYPES_FILTERING = new Set(['semi', 'anti']);

export function pruneColumns(plan: Plan): Plan {
  return prune(plan, ALL).plan;
}

function prune(p: Plan, need: Need): Pruned {
  switch (p.kind) {
    case 'scan': {
      const width = p.columns.length;
      if (need === ALL || need.size === width || p.project !== undefined) return { plan: p, map: null };
      const project = [...need].sort((a, b) => a - b);
      const map = new Array<number>(width).fill(-1);
      project.forEach((o, i) => (map[o] = i));
      return { plan: { ...p, project, columns: project.map((o) => p.columns[o]!) }, map };
    }
    case 'values':
      return { plan: p, map: null };
    case 'filter': {
      const child = prune(p.input, reads([p.predicate], need));
      return { plan: { ...p, input: child.plan, predicate: renumber(p.predicate, child.map), columns: child.plan.columns }, map: child.map };
    }
    case 'project': {
      // Expressions nothing above reads are dropped, as PostgreSQL does not evaluate them either
      // (a FROM list put back in FROM order after join reordering lists every column).
      const keep = need === ALL ? null : p.exprs.map((_, i) => i).filter((i) => need.has(i));
      if (keep !== null && keep.length < p.exprs.length) {
        const exprs = keep.map((i) => p.exprs[i]!);
        const child = prune(p.input, reads(exprs, new Set()));
        const map = p.exprs.map((_, i) => keep.indexOf(i));
        return { plan: { ...p, input: child.plan, exprs: exprs.map((e) => renumber(e, child.map)), columns: keep.map((i) => p.columns[i]!) }, map };
      }
      const child = prune(p.input, reads(p.exprs, new Set()));
      return { plan: { ...p, input: child.plan, exprs: p.exprs.map((e) => renumber(e, child.map)) }, map: null };
    }
    case 'aggregate': {
      const child = prune(p.input, reads([...p.groupBy, ...p.aggregates.flatMap(aggregateExprs)], new Set()));
      const m = child.map;
      return {
        plan: { ...p, input: child.plan, groupBy: p.groupBy.map((e) => renumber(e, m)), aggregates: p.aggregates.map((a) => renumberAggregate(a, m)) },
        map: null,
      };
    }
    case 'window': {
      const inputWidth = p.input.columns.length;
      const exprs = p.windows.flatMap((w) => [...w.args, ...w.partitionBy, ...w.orderBy.map((k) => k.expr), ...(w.aggregate === null ? [] : aggregateExprs(w.aggregate))]);
      const child = prune(p.input, reads(exprs, need === ALL ? ALL : new Set([...need].filter((c) => c < inputWidth))));
      const m = child.map;
      const windows = p.windows.map((w): WindowCall => ({
        ...w,
        args: w.args.map((e) => renumber(e, m)),
        partitionBy: w.partitionBy.map((e) => renumber(e, m)),
        orderBy: renumberKeys(w.orderBy, m),
        aggregate: w.aggregate === null ? null : renumberAggregate(w.aggregate, m),
      }));
      const newWidth = child.plan.columns.length;
      const map = m === null ? null : [...m, ...p.windows.map((_, i) => newWidth + i)];
      return { plan: { ...p, input: child.plan, windows, columns: [...child.plan.columns, ...p.columns.slice(inputWidth)] }, map };
    }
    case 'sort': {
      const child = prune(p.input, reads(p.keys.map((k) => k.expr), need));
      return { plan: { ...p, input: child.plan, keys: renumberKeys(p.keys, child.map), columns: child.plan.columns }, map: child.map };
    }
    case 'limit': {
      const child = prune(p.input, need);
      return { plan: { ...p, input: child.plan, columns: child.plan.columns }, map: child.map };
    }
    case 'distinct': {
      if (p.on === null) return { plan: { ...p, input: prune(p.input, ALL).plan }, map: null };
      const child = prune(p.input, reads(p.on, need));
      return { plan: { ...p, input: child.plan, on: p.on.map((e) => renumber(e, child.map)), columns: child.plan.columns }, map: child.map };
    }
    case 'join': {
      const concatenating = JOIN_TYPES_CONCATENATING.has(p.joinType);
      const filtering = JOIN_TYPES_FILTERING.has(p.joinType);
      if (!concatenating && !filtering) return { plan: p, map: null };
      const lw = p.left.columns.length;
      const rw = p.right.columns.length;
      // A semi or anti join outputs left rows only; its residual still sees left ++ right.
      const both = p.residual === null ? need : reads([p.residual], need);
      const leftNeed = reads(p.leftKeys, both === ALL ? ALL : new Set([...both].filter((c) => c < lw)));
      const rightNeed = reads(p.rightKeys, both === ALL ? ALL : new Set([...both].filter((c) => c >= lw).map((c) => c - lw)));
      const left = prune(p.left, leftNeed);
      const right = prune(p.right, rightNeed);
      const newLw = left.plan.columns.length;
      const map = left.map === null && right.map === null ? null : Array.from({ length: lw + rw }, (_, o) => {
        if (o < lw) return left.map === null ? o : left.map[o]!;
        const r = right.map === null ? o - lw : right.map[o - lw]!;
        return r < 0 ? -1 : newLw + r;
      });
      return {
        plan: {
          ...p,
          left: left.plan,
          right: right.plan,
          leftKeys: p.leftKeys.map((e) => renumber(e, left.map)),
          rightKeys: p.rightKeys.map((e) => renumber(e, right.map)),
          residual: p.residual === null ? null : renumber(p.residual, map),
          columns: concatenating ? [...left.plan.columns, ...right.plan.columns] : left.plan.columns,
        },
        map: concatenating ? map : left.map,
      };
    }
    case 'setop':
      return { plan: { ...p, left: prune(p.left, ALL).plan, right: prune(p.right, ALL).plan }, map: null };
    case 'cte_ref':
      // Every reference prunes the shared input the same way (whole rows), so it stays one result.
      return { plan: { ...p, input: prune(p.input, ALL).plan }, map: null };
    default:
      // A node this rule does not know keeps its subtree as it is.
      return { plan: p, map: null };
  }
}

/** The columns `exprs` read plus `base`; ALL when one reads the whole row (correlated subquery). */
function reads(exprs: readonly Expr[], base: Need): Need {
  if (base === ALL) return ALL;
  const s = new Set(base);
  for (const e of exprs) {
    if (readsWholeRow(e)) return ALL;
    columnsUsed(e, s);
  }
  return s;
}

function readsWholeRow(e: Expr): boolean {
  if ((e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') && e.correlated) return true;
  return exprChildren(e).some(readsWholeRow);
}

function aggregateExprs(a: AggregateCall): Expr[] {
  return [...a.args, ...(a.filter === null ? [] : [a.filter]), ...a.orderBy.map((k) => k.expr)];
}

function renumber(e: Expr, map: Renumbering): Expr {
  if (map === null) return e;
  return renumberColumns(e, (i) => {
    const to = map[i];
    if (to === undefined || to < 0) throw new EonError('internal_error', `column pruning dropped column ${i} that is still read`);
    return to;
  });
}

function renumberKeys(keys: readonly SortKey[], map: Renumbering): SortKey[] {
  return keys.map((k) => ({ ...k, expr: renumber(k.expr, map) }));
}

function renumberAggregate(a: AggregateCall, map: Renumbering): AggregateCall {
  if (map === null) return a;
  return { ...a, args: a.args.map((e) => renumber(e, map)), filter: a.filter === null ? null : renumber(a.filter, map), orderBy: renumberKeys(a.orderBy, map) };
}
