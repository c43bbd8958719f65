// Join planning for FROM lists joined by WHERE conditions: OR branches give up the conjuncts they
// share (so a join key inside every branch becomes a hash key), and comma-separated relations are
// joined in an order where each meets the ones before it through an equality, instead of a
// cross product filtered afterwards.

import { T } from '../../src/types/index.js';
import { columnsUsed, exprChildren, type Expr } from '../plan/expr.js';
import { exprKey } from './expr-key.js';

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
  return [...common, { kind: 'or', type: T.bool, args: rest.map(andOf) }];
}

/**
 * The order to join relations of the given widths (columns laid out one after another): the
 * first relation, then repeatedly the earliest remaining one tied to those already joined by an
 * equality conjunct; a relation tied to none comes next in FROM order (a cross join).
 */
export function joinOrder(widths: readonly number[], conjuncts: readonly Expr[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const w of widths) {
    starts.push(at);
    at += w;
  }
  const relationOf = (column: number): number => {
    let r = 0;
    while (r + 1 < starts.length && starts[r + 1]! <= column) r++;
    return r;
  };
  const equalities: Set<number>[] = [];
  for (const c of conjuncts) {
    if (c.kind !== 'binary' || c.op !== '=') continue;
    const left = [...columnsUsed(c.left)].map(relationOf);
    const right = [...columnsUsed(c.right)].map(relationOf);
    if (left.length === 0 || right.length === 0) continue;
    const rels = new Set([...left, ...right]);
    if (rels.size >= 2) equalities.push(rels);
  }
  const order = [0];
  const joined = new Set([0]);
  const remaining = widths.map((_, i) => i).slice(1);
  while (remaining.length > 0) {
    const tied = (r: number): boolean => equalities.some((rels) => rels.has(r) && [...rels].every((x) => x === r || joined.has(x)));
    const at = Math.max(0, remaining.findIndex(tied));
    const next = remaining.splice(at, 1)[0]!;
    order.push(next);
    joined.add(next);
  }
  return order;
}

function conjunctsOf(e: Expr): Expr[] {
  return e.kind === 'and' ? e.args.flatMap(conjunctsOf) : [e];
}

function andOf(es: Expr[]): Expr {
  return es.length === 1 ? es[0]! : { kind: 'and', type: T.bool, args: es };
}

function isVolatile(e: Expr): boolean {
  if (e.kind === 'call' && e.volatile) return true;
  return exprChildren(e).some(isVolatile);
}
