// The binder's view of the type system: coercion of literals and operands, built on src/types.

import { EonError } from '../../src/errors/index.js';
import {
  T,
  castValue,
  applyTypmod,
  canCast,
  commonType,
  parseText,
  resolveBinaryOperator,
  typeName,
  Numeric,
  Interval,
  type ColumnType,
  type Value,
} from '../../src/types/index.js';
import type { Expr } from '../plan/expr.js';
import { jsonbOperandType, resolveJsonbOperator } from '../functions/jsonb-operators.js';

export function sameType(a: ColumnType, b: ColumnType): boolean {
  return a.kind === b.kind && a.precision === b.precision && a.scale === b.scale && a.length === b.length;
}

/** A printable, type-tagged form of a value for structural keys. */
export function formatKeyValue(v: Value): string {
  if (v === null) return 'null';
  if (v instanceof Numeric) return `${v.coef}e-${v.scale}`;
  if (v instanceof Interval) return `${v.months}m${v.days}d${v.micros}`;
  return `${typeof v}:${String(v)}`;
}

/**
 * Coerces `e` to `to`. Untyped literals are parsed as the target type (PostgreSQL's unknown
 * literals); untyped parameters take the target type; other expressions get a cast node.
 * `context` decides which casts are allowed: implicit (operands), assignment (INSERT/UPDATE)
 * or explicit (CAST / ::).
 */
export function coerce(e: Expr, to: ColumnType, context: 'implicit' | 'assignment' | 'explicit', params?: (ColumnType | undefined)[]): Expr {
  if (to.kind === 'unknown') return e;
  if (e.kind === 'const' && e.type.kind === 'unknown') {
    if (e.value === null) return { kind: 'const', type: to, value: null };
    // Parse as the bare type, then apply modifiers with the context's rules (explicit truncates).
    const parsed = parseText({ kind: to.kind }, String(e.value));
    return { kind: 'const', type: to, value: applyTypmod(parsed, to, context === 'explicit') };
  }
  if (e.kind === 'param' && e.type.kind === 'unknown') {
    if (params !== undefined) params[e.index] = to;
    return { kind: 'param', type: to, index: e.index };
  }
  if (sameType(e.type, to)) return e;
  if (e.type.kind === to.kind && context === 'implicit') return e;
  const allowed = canCast(e.type, to);
  const ok =
    allowed === 'implicit' ||
    (allowed === 'assignment' && context !== 'implicit') ||
    (allowed === 'explicit' && context === 'explicit') ||
    (e.type.kind === 'unknown');
  if (!ok) {
    if (context === 'explicit') {
      throw new EonError('cannot_coerce', `cannot cast type ${typeName(e.type)} to ${typeName(to)}`);
    }
    throw new EonError('datatype_mismatch', `column is of type ${typeName(to)} but expression is of type ${typeName(e.type)}`, {
      hint: 'You will need to rewrite or cast the expression.',
    });
  }
  const from = e.type;
  const explicit = context === 'explicit';
  if (e.kind === 'const') {
    return { kind: 'const', type: to, value: e.value === null ? null : castValue(e.value, from, to, explicit) };
  }
  return { kind: 'cast', type: to, arg: e, fn: (v) => (v === null ? null : castValue(v, from, to, explicit)) };
}

/** Binary operator with PostgreSQL operand resolution (unknown literals adopt the other side). */
export function bindBinary(op: string, left: Expr, right: Expr, params: (ColumnType | undefined)[]): Expr {
  let l = left;
  let r = right;
  const lu = l.type.kind === 'unknown';
  const ru = r.type.kind === 'unknown';
  if (lu && !ru) l = coerce(l, adoptType(op, r.type), 'implicit', params);
  else if (ru && !lu) r = coerce(r, adoptType(op, l.type), 'implicit', params);
  else if (lu && ru) {
    l = coerce(l, T.text, 'implicit', params);
    r = coerce(r, T.text, 'implicit', params);
  }
  const resolved = resolveJsonbOperator(op, l.type, r.type) ?? resolveBinaryOperator(op, l.type, r.type);
  l = coerce(l, resolved.leftType, 'implicit', params);
  r = coerce(r, resolved.rightType, 'implicit', params);
  if (l.kind === 'const' && r.kind === 'const') {
    const value = l.value === null || r.value === null ? null : resolved.fn(l.value, r.value);
    return { kind: 'const', type: resolved.resultType, value };
  }
  return { kind: 'binary', type: resolved.resultType, op, left: l, right: r, fn: resolved.fn };
}

/** The type an unknown operand takes opposite `other` (date - '1 day' wants an interval). */
function adoptType(op: string, other: ColumnType): ColumnType {
  const json = jsonbOperandType(op, other);
  if (json !== null) return json;
  // time + '1 hour' reads an interval, time - '09:00' a time; bytea || '\x01' a bytea.
  if (op === '+' && other.kind === 'time') return T.interval;
  if (op === '||' && other.kind === 'bytea') return T.bytea;
  if ((op === '+' || op === '-') && (other.kind === 'date' || other.kind === 'timestamp' || other.kind === 'timestamptz')) {
    return T.interval;
  }
  if (op === '||') return T.text;
  return other;
}

/** Common type of several expressions (CASE, COALESCE, IN, UNION), coercing each to it. */
export function unify(exprs: Expr[], what: string, params: (ColumnType | undefined)[]): { type: ColumnType; exprs: Expr[] } {
  const known = exprs.filter((e) => e.type.kind !== 'unknown').map((e) => e.type);
  let type: ColumnType;
  if (known.length === 0) type = T.text;
  else {
    try {
      type = commonType(known);
    } catch (e) {
      if (e instanceof EonError) {
        throw new EonError(e.code, e.message.replace(/^UNION/, what), {});
      }
      throw e;
    }
  }
  return { type, exprs: exprs.map((e) => coerce(e, type, 'implicit', params)) };
}

export function requireBoolean(e: Expr, what: string, params: (ColumnType | undefined)[]): Expr {
  if (e.type.kind === 'bool') return e;
  if (e.type.kind === 'unknown') return coerce(e, T.bool, 'implicit', params);
  throw new EonError('datatype_mismatch', `argument of ${what} must be type boolean, not type ${typeName(e.type)}`);
}
