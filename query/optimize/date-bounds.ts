// Rule: `date_expr::timestamp op constant` (what `d < date '…' + interval '…'` binds to) becomes
// `date_expr op' date constant`, which compares day numbers directly, so scan kernels and zone
// maps see a plain date column bound instead of a cast per row.

import { T, resolveBinaryOperator } from '../../src/types/index.js';
import { mapExpr, type Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';

/** Timestamps are microseconds since the epoch; dates are days since the epoch. */
const MICROS_PER_DAY = 86_400_000_000;

const FLIP: Readonly<Record<string, string>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

export function dateBounds(plan: Plan): Plan {
  if (plan.kind === 'filter') {
    const predicate = rewrite(plan.predicate);
    return predicate === plan.predicate ? plan : { ...plan, predicate };
  }
  if (plan.kind === 'scan' && plan.filter !== null) {
    const filter = rewrite(plan.filter);
    return filter === plan.filter ? plan : { ...plan, filter };
  }
  return plan;
}

function rewrite(e: Expr): Expr {
  return mapExpr(e, (x) => {
    if (x.kind !== 'binary' || FLIP[x.op] === undefined) return null;
    if (isDateCast(x.left) && isTimestampConst(x.right)) return dateComparison(x.op, x.left.arg, x.right.value);
    if (isDateCast(x.right) && isTimestampConst(x.left)) return dateComparison(FLIP[x.op]!, x.right.arg, x.left.value);
    return null;
  });
}

function isDateCast(e: Expr): e is Expr & { kind: 'cast'; arg: Expr } {
  return e.kind === 'cast' && e.type.kind === 'timestamp' && e.arg.type.kind === 'date';
}

function isTimestampConst(e: Expr): e is Expr & { kind: 'const'; value: number } {
  return e.kind === 'const' && e.type.kind === 'timestamp' && typeof e.value === 'number' && Number.isFinite(e.value);
}

/** d::timestamp op t, for a whole number of days d, as a comparison of d with a day number. */
function dateComparison(op: string, date: Expr, micros: number): Expr | null {
  const days = micros / MICROS_PER_DAY;
  switch (op) {
    case '<':
    case '>=':
      return cmp(op, date, Math.ceil(days));
    case '<=':
    case '>':
      return cmp(op, date, Math.floor(days));
    default:
      // '=' holds only for a timestamp at midnight; other constants keep the cast.
      return Number.isInteger(days) ? cmp(op, date, days) : null;
  }
}

function cmp(op: string, date: Expr, day: number): Expr {
  const right: Expr = { kind: 'const', type: T.date, value: day };
  return { kind: 'binary', type: T.bool, op, left: date, right, fn: resolveBinaryOperator(op, T.date, T.date).fn };
}
