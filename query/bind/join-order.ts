// Join planning for FROM lists joined by WHERE conditions: OR branches give up the conjuncts they
// share (so a join key inside every branch becomes a hash key), and comma-separated relations are
// joined in an order where each meets the ones before it through an equality, instead of a
// cross product filtered afterwards.

import { T } from '../../src/types/index.js';
import { andOf, columnsUsed, conjunctsOf, exprChildren, type Expr } from '../plan/expr.js';
import { exprKey } from './expr-key.js';
import { conjunctSelectivity, distinctValues, equiJoinSelectivity, type RelationStatistics } from '../optimize/cardinality.js';
import type { Plan } from '../plan/logical.js';
import type { Catalog } from './context.js';

/** (A AND B) OR (A AND C) → A, (B OR C): equivalent in three-valued logic too. */
export function factorCommonConjuncts(e: Expr): Expr[] {
  if (e.kind !== 'or') return [e];
  const branches = e.args.map(conjunctsOf);
  const keys = branches.map((b) => b.map(exprKey));
  const common = branches[0]!.filter((c, i) => !isVolatile(c) && keys.every((ks) => ks.includes(keys[0]![i]!)));
  if (common.length === 0) return [e];
  const commonKeys = new Set(common.map(exprKey));
  const rest = branches.map((b) => b.filter((c) => !commonKeys.has(exprKey(c))));
  // A OR (A AND B) is A.
  if (rest.some((r) => r.length === 0)) return common;
  return [...common, { kind: 'or', type: T.bool, args: rest.map((r) => andOf(r)!) }];
}

/**
 * For an OR over several relations, the restriction it implies on each single relation: when
 * every branch has conjuncts reading only relation r, the OR of those holds whenever the whole OR
 * does ((n1 = 'FRANCE' AND n2 = 'GERMANY') OR (n1 = 'GERMANY' AND n2 = 'FRANCE') implies
 * n1 = 'FRANCE' OR n1 = 'GERMANY'). Added next to the OR, they filter r before it is joined.
 */
export function impliedRestrictions(e: Expr, relationOf: (column: number) => number): Expr[] {
  if (e.kind !== 'or' || isVolatile(e)) return [];
  const rels = new Set([...columnsUsed(e)].map(relationOf));
  if (rels.size < 2) return [];
  const out: Expr[] = [];
  for (const r of rels) {
    const parts = e.args.map((b) => conjunctsOf(b).filter((c) => {
      const used = [...columnsUsed(c)];
      return used.length > 0 && used.every((i) => relationOf(i) === r);
    }));
    if (parts.every((p) => p.length > 0)) out.push({ kind: 'or', type: T.bool, args: parts.map((p) => andOf(p)!) });
  }
  return out;
}

/** Rows assumed for a relation whose size is unknown (a derived table, a CTE). */
export const UNKNOWN_RELATION_ROWS = 10_000;
// Filter selectivities come from the one estimator (statistics, or its fixed guesses without them).
export { conjunctSelectivity };
/** A FROM relation's statistics for the estimator: a table scan's, scaled to `rows`, when ANALYZE has taken them. */
export function relationStatistics(catalog: Catalog, plan: Plan, rows: number): RelationStatistics | undefined {
  if (plan.kind !== 'scan') return undefined;
  const stats = catalog.tableStatistics?.(plan.table);
  return stats === undefined ? undefined : { rows, columns: stats.columns };
}

/** The `distinct` of a JoinRelation with statistics (nothing without). */
export function distinctFrom(stats: RelationStatistics | undefined): Pick<JoinRelation, 'distinct'> {
  if (stats === undefined) return {};
  return {
    distinct: (column) => {
      const cs = stats.columns[column];
      return cs === null || cs === undefined ? undefined : distinctValues(cs, stats.rows);
    },
  };
}

/** The fraction of row pairs assumed to match an equality on columns that are no key. */
const UNKEYED_JOIN_SELECTIVITY = 0.01;

/** What the planner knows of one relation of a FROM list. */
export interface JoinRelation {
  readonly width: number;
  /** Estimated rows, before and after the relation's own filters. */
  readonly rows: number;
  readonly filteredRows: number;
  /** Primary-key column positions within the relation; empty when it has none (or unknown). */
  readonly key: readonly number[];
  /** Distinct values of a column (position within the relation) from its statistics; absent or undefined when unknown. */
  readonly distinct?: (column: number) => number | undefined;
}

/**
 * The order to join relations (columns laid out one after another): from a start, repeatedly the
 * remaining relation tied to those already joined by equalities whose join is estimated to
 * produce the fewest rows (earliest on ties); when none is tied, the next in FROM order (a cross
 * join). Each filtered relation is tried as the start and the order with the fewest estimated
 * intermediate rows wins. Estimates: joining on the new relation's key keeps the rows (times its
 * filters' selectivity); on the key of a joined relation j, the new relation's filtered rows
 * times the share of j's rows still there; otherwise the product times the join's selectivity:
 * from the columns' distinct counts where statistics give both (see unkeyedSelectivity), else
 * UNKEYED_JOIN_SELECTIVITY.
 */
export function joinOrder(relations: readonly JoinRelation[], conjuncts: readonly Expr[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const r of relations) {
    starts.push(at);
    at += r.width;
  }
  const relationOf = (column: number): number => starts.findLastIndex((s) => s <= column);
  /** Column pairs of `column = column` conjuncts (casts looked through). */
  const pairs: [number, number][] = [];
  /** Relation sets of other equalities (expressions on both sides). */
  const ties: Set<number>[] = [];
  for (const c of conjuncts) {
    if (c.kind !== 'binary' || c.op !== '=') continue;
    const a = columnOf(c.left);
    const b = columnOf(c.right);
    if (a !== null && b !== null && relationOf(a) !== relationOf(b)) pairs.push([a, b]);
    const left = [...columnsUsed(c.left)].map(relationOf);
    const right = [...columnsUsed(c.right)].map(relationOf);
    const rels = new Set([...left, ...right]);
    if (left.length > 0 && right.length > 0 && rels.size >= 2) ties.push(rels);
  }
  const covers = (rel: number, columns: Set<number>): boolean => {
    const key = relations[rel]!.key;
    return key.length > 0 && key.every((k) => columns.has(starts[rel]! + k));
  };
  /**
   * The selectivity of joining r to the joined relations through column equalities on no key:
   * the most selective pair's 1/max(ndv), each side's distinct count capped by its rows (a
   * filtered side holds at most that many); UNKEYED_JOIN_SELECTIVITY when no pair has
   * statistics on both sides.
   */
  const unkeyedSelectivity = (r: number, joined: ReadonlySet<number>, rRows: number, joinedRows: number): number => {
    let best: number | undefined;
    for (const [a, b] of pairs) {
      for (const [x, y] of [[a, b], [b, a]] as const) {
        if (relationOf(x) !== r || !joined.has(relationOf(y))) continue;
        const j = relationOf(y);
        const nx = relations[r]!.distinct?.(x - starts[r]!);
        const ny = relations[j]!.distinct?.(y - starts[j]!);
        if (nx === undefined || ny === undefined) continue;
        const s = equiJoinSelectivity(Math.min(nx, Math.max(1, rRows)), Math.min(ny, Math.max(1, joinedRows)));
        if (best === undefined || s < best) best = s;
      }
    }
    return best ?? UNKEYED_JOIN_SELECTIVITY;
  };
  /** Greedy from `first`: the order, and its cost as the sum of the estimated intermediate rows. */
  const greedyFrom = (first: number): { order: number[]; cost: number } => {
    const order = [first];
    const joined = new Set([first]);
    let current = relations[first]!.filteredRows;
    let cost = 0;
    const remaining = relations.map((_, i) => i).filter((i) => i !== first);
    while (remaining.length > 0) {
      let at = 0;
      let best = Infinity;
      remaining.forEach((r, i) => {
        if (!ties.some((rels) => rels.has(r) && [...rels].every((x) => x === r || joined.has(x)))) return;
        // Columns of r, and of each joined relation, that equalities between them fix.
        const own = new Set<number>();
        const other = new Map<number, Set<number>>();
        for (const [a, b] of pairs) {
          for (const [x, y] of [[a, b], [b, a]] as const) {
            if (relationOf(x) !== r || !joined.has(relationOf(y))) continue;
            own.add(x);
            const s = other.get(relationOf(y)) ?? new Set<number>();
            s.add(y);
            other.set(relationOf(y), s);
          }
        }
        const rel = relations[r]!;
        const keyed = [...other].filter(([j, cols]) => covers(j, cols)).map(([j]) => j);
        const rows = covers(r, own)
          ? current * (rel.rows === 0 ? 1 : rel.filteredRows / rel.rows)
          : keyed.length > 0
            ? rel.filteredRows * Math.min(1, ...keyed.map((j) => current / Math.max(1, relations[j]!.rows)))
            : current * rel.filteredRows * unkeyedSelectivity(r, joined, rel.filteredRows, current);
        if (rows < best) {
          best = rows;
          at = i;
        }
      });
      if (best < Infinity) current = best;
      else current *= relations[remaining[0]!]!.filteredRows;
      cost += current;
      const next = remaining.splice(at, 1)[0]!;
      order.push(next);
      joined.add(next);
    }
    return { order, cost };
  };
  // Start from a filtered relation (without filters, from the first: an unfiltered small table
  // first only adds a join that keeps rows); of those, the one whose greedy order is estimated to
  // carry the fewest intermediate rows, the one with the fewest rows left on ties.
  const firsts = relations.map((_, i) => i).filter((i) => relations[i]!.filteredRows < relations[i]!.rows);
  firsts.sort((a, b) => relations[a]!.filteredRows - relations[b]!.filteredRows || a - b);
  let best = greedyFrom(firsts[0] ?? 0);
  for (const first of firsts.slice(1)) {
    const candidate = greedyFrom(first);
    if (candidate.cost < best.cost) best = candidate;
  }
  return best.order;
}

function columnOf(e: Expr): number | null {
  if (e.kind === 'column') return e.index;
  return e.kind === 'cast' ? columnOf(e.arg) : null;
}

function isVolatile(e: Expr): boolean {
  if (e.kind === 'call' && e.volatile) return true;
  return exprChildren(e).some(isVolatile);
}
