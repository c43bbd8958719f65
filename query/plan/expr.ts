// Bound scalar expressions: typed, with column references resolved to input row positions.

import { T, type ColumnType, type Value } from '../../src/types/index.js';
import type { Plan } from './logical.js';

export type Expr =
  | { kind: 'const'; type: ColumnType; value: Value }
  | { kind: 'param'; type: ColumnType; index: number }
  /** A column of the current input row. */
  | { kind: 'column'; type: ColumnType; index: number; name: string }
  /** A column of an enclosing query's row (correlated subquery); depth 1 = the nearest. */
  | { kind: 'outer'; type: ColumnType; depth: number; index: number; name: string }
  | { kind: 'call'; type: ColumnType; name: string; args: Expr[]; strict: boolean; volatile: boolean; fn: (args: readonly Value[]) => Value }
  | { kind: 'binary'; type: ColumnType; op: string; left: Expr; right: Expr; fn: (a: Value, b: Value) => Value }
  | { kind: 'and' | 'or'; type: ColumnType; args: Expr[] }
  | { kind: 'not'; type: ColumnType; arg: Expr }
  | { kind: 'is_null'; type: ColumnType; arg: Expr; negate: boolean }
  /** IS [NOT] TRUE / FALSE / UNKNOWN-free boolean tests and IS [NOT] DISTINCT FROM. */
  | { kind: 'is_distinct'; type: ColumnType; left: Expr; right: Expr; negate: boolean; eq: (a: Value, b: Value) => Value }
  | { kind: 'case'; type: ColumnType; whens: { cond: Expr; result: Expr }[]; otherwise: Expr }
  | { kind: 'coalesce'; type: ColumnType; args: Expr[] }
  | { kind: 'cast'; type: ColumnType; arg: Expr; fn: (v: Value) => Value }
  | { kind: 'in_list'; type: ColumnType; arg: Expr; list: Expr[]; negate: boolean; eq: (a: Value, b: Value) => Value }
  | { kind: 'like'; type: ColumnType; arg: Expr; pattern: Expr; caseInsensitive: boolean; negate: boolean }
  /** `key` identifies the subquery's source text, so equal subqueries match (GROUP BY 1 on one). */
  | { kind: 'subquery'; type: ColumnType; mode: 'scalar' | 'exists'; plan: Plan; correlated: boolean; negate: boolean; key: string }
  | { kind: 'in_subquery'; type: ColumnType; arg: Expr; plan: Plan; correlated: boolean; negate: boolean; eq: (a: Value, b: Value) => Value }
  /** x op ANY (subquery) when `any`, else x op ALL (subquery). */
  | { kind: 'quantified'; type: ColumnType; arg: Expr; plan: Plan; correlated: boolean; any: boolean; cmp: (a: Value, b: Value) => Value };

export type ExprKind = Expr['kind'];

export function constant(type: ColumnType, value: Value): Expr {
  return { kind: 'const', type, value };
}

/** The conjuncts of a predicate, nested ANDs flattened; none for no predicate. */
export function conjunctsOf(e: Expr | null): Expr[] {
  if (e === null) return [];
  return e.kind === 'and' ? e.args.flatMap(conjunctsOf) : [e];
}

/** The AND of `es`: the one conjunct itself, or null when there is none. */
export function andOf(es: readonly Expr[]): Expr | null {
  if (es.length === 0) return null;
  return es.length === 1 ? es[0]! : { kind: 'and', type: T.bool, args: [...es] };
}

/** Children of an expression (subquery plans are not expressions and are not listed). */
export function exprChildren(e: Expr): Expr[] {
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'column':
    case 'outer':
    case 'subquery':
      return [];
    case 'call':
    case 'and':
    case 'or':
    case 'coalesce':
      return e.args;
    case 'binary':
    case 'is_distinct':
      return [e.left, e.right];
    case 'not':
    case 'is_null':
    case 'cast':
      return [e.arg];
    case 'case':
      return [...e.whens.flatMap((w) => [w.cond, w.result]), e.otherwise];
    case 'in_list':
      return [e.arg, ...e.list];
    case 'like':
      return [e.arg, e.pattern];
    case 'in_subquery':
    case 'quantified':
      return [e.arg];
    default:
      return assertNever(e);
  }
}

/** True when the expression reads the input row, parameters, outer rows or volatile functions. */
export function isConstantExpr(e: Expr): boolean {
  if (e.kind === 'const') return true;
  if (e.kind === 'param' || e.kind === 'column' || e.kind === 'outer' || e.kind === 'subquery' || e.kind === 'in_subquery' || e.kind === 'quantified') return false;
  if (e.kind === 'call' && e.volatile) return false;
  return exprChildren(e).every(isConstantExpr);
}

/** Column indexes of the input row that the expression reads. */
export function columnsUsed(e: Expr, into: Set<number> = new Set()): Set<number> {
  if (e.kind === 'column') into.add(e.index);
  for (const c of exprChildren(e)) columnsUsed(c, into);
  return into;
}

/**
 * The expression with every input-row column reference renumbered by `to` (outer references and
 * subquery plans are untouched: they address other rows).
 */
export function renumberColumns(e: Expr, to: (index: number) => number): Expr {
  return mapExpr(e, (x) => {
    if (x.kind !== 'column') return null;
    const index = to(x.index);
    return index === x.index ? x : { ...x, index };
  });
}

/** Rewrites column indexes by `delta` (re-basing an expression onto a wider row, e.g. a join's right side). */
export function shiftColumns(e: Expr, delta: number): Expr {
  return renumberColumns(e, (i) => i + delta);
}

/** Rebuilds `e` bottom-up, replacing each node `f` maps to an expression (subquery plans stay). */
export function mapExpr(e: Expr, f: (e: Expr) => Expr | null): Expr {
  const hit = f(e);
  if (hit !== null) return hit;
  const m = (x: Expr): Expr => mapExpr(x, f);
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'column':
    case 'outer':
    case 'subquery':
      return e;
    case 'call':
    case 'and':
    case 'or':
    case 'coalesce':
      return { ...e, args: e.args.map(m) } as Expr;
    case 'binary':
    case 'is_distinct':
      return { ...e, left: m(e.left), right: m(e.right) } as Expr;
    case 'not':
    case 'is_null':
    case 'cast':
      return { ...e, arg: m(e.arg) } as Expr;
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ cond: m(w.cond), result: m(w.result) })), otherwise: m(e.otherwise) };
    case 'in_list':
      return { ...e, arg: m(e.arg), list: e.list.map(m) };
    case 'like':
      return { ...e, arg: m(e.arg), pattern: m(e.pattern) };
    case 'in_subquery':
    case 'quantified':
      return { ...e, arg: m(e.arg) };
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}
