// Projection pushdown: which columns of each table scan the rest of a plan reads, so data
// engines send only those (the other cells of a scan row stay null and nothing reads them).

import { columnsUsed, exprChildren, type Expr } from '../plan/expr.js';
import { planChildren, type Plan } from '../plan/logical.js';

export type ScanPlan = Plan & { kind: 'scan' };

/** Every column, for nodes that compare or keep whole rows. */
const ALL = null;
type Need = Set<number> | typeof ALL;

/** Table column ordinals each scan of `plan` must produce (its own filter excluded). */
export function scanColumnsNeeded(plan: Plan): Map<ScanPlan, Set<number>> {
  const out = new Map<ScanPlan, Set<number>>();
  visit(plan, ALL, out);
  return out;
}

function visit(p: Plan, need: Need, out: Map<ScanPlan, Set<number>>): void {
  const width = p.columns.length;
  const all = (w: number): Set<number> => new Set(Array.from({ length: w }, (_, i) => i));
  const wanted = need ?? all(width);
  /** Columns read by `exprs` plus `base`; a correlated subquery may read any column of the row. */
  const reads = (exprs: readonly Expr[], base: Iterable<number> = []): Need => {
    const s = new Set(base);
    for (const e of exprs) {
      if (readsWholeRow(e)) return ALL;
      columnsUsed(e, s);
    }
    return s;
  };
  switch (p.kind) {
    case 'scan': {
      const prev = out.get(p);
      const cols = prev ?? new Set<number>();
      for (const c of wanted) cols.add(c);
      out.set(p, cols);
      return;
    }
    case 'values':
      return;
    case 'filter':
      visit(p.input, reads([p.predicate], wanted), out);
      return;
    case 'project':
      // The executor evaluates every expression, needed or not.
      visit(p.input, reads(p.exprs), out);
      return;
    case 'aggregate':
      visit(p.input, reads([...p.groupBy, ...p.aggregates.flatMap((a) => [...a.args, ...(a.filter === null ? [] : [a.filter]), ...a.orderBy.map((k) => k.expr)])]), out);
      return;
    case 'window': {
      const inputWidth = p.input.columns.length;
      const exprs = p.windows.flatMap((w) => [
        ...w.args, ...w.partitionBy, ...w.orderBy.map((k) => k.expr),
        ...(w.aggregate === null ? [] : [...w.aggregate.args, ...(w.aggregate.filter === null ? [] : [w.aggregate.filter])]),
      ]);
      visit(p.input, reads(exprs, [...wanted].filter((c) => c < inputWidth)), out);
      return;
    }
    case 'sort':
      visit(p.input, reads(p.keys.map((k) => k.expr), wanted), out);
      return;
    case 'limit':
      visit(p.input, wanted, out);
      return;
    case 'distinct':
      visit(p.input, p.on === null ? ALL : reads(p.on, wanted), out);
      return;
    case 'join': {
      const lw = p.left.columns.length;
      const residual = p.residual === null ? new Set<number>() : reads([p.residual]);
      if (residual === ALL) {
        visit(p.left, ALL, out);
        visit(p.right, ALL, out);
        return;
      }
      const both = new Set([...wanted, ...residual]);
      const left = reads(p.leftKeys, [...both].filter((c) => c < lw));
      const right = reads(p.rightKeys, [...both].filter((c) => c >= lw).map((c) => c - lw));
      visit(p.left, left, out);
      visit(p.right, right, out);
      return;
    }
    default:
      // Set operations and shared CTE results keep whole rows; so does any node this walk does not know.
      for (const c of planChildren(p)) visit(c, ALL, out);
  }
}

/** True when the expression holds a correlated subquery (it reads its row through outer refs). */
function readsWholeRow(e: Expr): boolean {
  if ((e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') && e.correlated) return true;
  return exprChildren(e).some(readsWholeRow);
}
