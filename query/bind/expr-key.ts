// A structural key for bound expressions: equal keys mean the same computation, which is how
// GROUP BY expressions are matched in the select list and how aggregates are shared.

import type { Expr } from '../plan/expr.js';
import { assertNever } from '../plan/expr.js';
import { formatKeyValue } from './typing.js';

/** Source of keys that match nothing else. */
let uniqueKeys = 0;

export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'const':
      return `c(${e.type.kind}:${formatKeyValue(e.value)})`;
    case 'param':
      return `p${e.index}`;
    case 'column':
      return `#${e.index}`;
    case 'outer':
      return `o${e.depth}.${e.index}`;
    case 'call':
      return `${e.name}(${e.args.map(exprKey).join(',')})${e.volatile ? '!' : ''}`;
    case 'binary':
      return `(${exprKey(e.left)} ${e.op} ${exprKey(e.right)})`;
    case 'and':
    case 'or':
      return `${e.kind}(${e.args.map(exprKey).join(',')})`;
    case 'not':
      return `not(${exprKey(e.arg)})`;
    case 'is_null':
      return `isnull${e.negate ? '!' : ''}(${exprKey(e.arg)})`;
    case 'is_distinct':
      return `distinct${e.negate ? '!' : ''}(${exprKey(e.left)},${exprKey(e.right)})`;
    case 'case':
      return `case(${e.whens.map((w) => `${exprKey(w.cond)}:${exprKey(w.result)}`).join(',')};${exprKey(e.otherwise)})`;
    case 'coalesce':
      return `coalesce(${e.args.map(exprKey).join(',')})`;
    case 'cast':
      return `cast(${exprKey(e.arg)} as ${e.type.kind}:${e.type.precision ?? ''}:${e.type.scale ?? ''}:${e.type.length ?? ''})`;
    case 'in_list':
      return `in${e.negate ? '!' : ''}(${exprKey(e.arg)};${e.list.map(exprKey).join(',')})`;
    case 'like':
      return `like${e.negate ? '!' : ''}${e.caseInsensitive ? 'i' : ''}(${exprKey(e.arg)},${exprKey(e.pattern)})`;
    case 'subquery':
      return `sub${e.negate ? '!' : ''}:${e.mode}:${e.key}`;
    case 'in_subquery':
    case 'quantified':
      // These are never merged: each is its own computation.
      return `sub@${++uniqueKeys}`;
    default:
      return assertNever(e);
  }
}
