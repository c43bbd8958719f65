// Bound expressions → closures evaluated per row on the coordinator, with PostgreSQL's
// three-valued logic. Each expression compiles once per plan (cached by object identity).

import { EonError } from '../../src/errors/index.js';
import { keyString, type Value } from '../../src/types/index.js';
import { assertNever, type Expr } from '../plan/expr.js';
import type { ExecContext } from './context.js';
import { likeMatcher } from '../../src/types/like-pattern.js';

export type Row = Value[];
export type Evaluator = (row: Row, ctx: ExecContext) => Value;

const compiled = new WeakMap<Expr, Evaluator>();

export function compileExpr(e: Expr): Evaluator {
  let f = compiled.get(e);
  if (f === undefined) {
    f = build(e);
    compiled.set(e, f);
  }
  return f;
}

/** A predicate: true only when the expression is TRUE (NULL and FALSE both reject). */
export function compilePredicate(e: Expr): (row: Row, ctx: ExecContext) => boolean {
  const f = compileExpr(e);
  return (row, ctx) => f(row, ctx) === true;
}

function build(e: Expr): Evaluator {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'param': {
      const i = e.index;
      return (_r, ctx) => ctx.params[i] ?? null;
    }
    case 'column': {
      const i = e.index;
      return (row) => row[i] as Value;
    }
    case 'outer': {
      const d = e.depth - 1;
      const i = e.index;
      return (_r, ctx) => {
        const outer = ctx.outerRows[d];
        if (outer === undefined) throw new EonError('internal_error', 'outer row missing for correlated reference');
        return outer[i] as Value;
      };
    }
    case 'call': {
      const args = e.args.map(compileExpr);
      const fn = e.fn;
      const strict = e.strict;
      if (args.length === 1) {
        const a0 = args[0]!;
        return (row, ctx) => {
          const v = a0(row, ctx);
          if (strict && v === null) return null;
          return fn([v]);
        };
      }
      return (row, ctx) => {
        const vals = args.map((a) => a(row, ctx));
        if (strict && vals.includes(null)) return null;
        return fn(vals);
      };
    }
    case 'binary': {
      const l = compileExpr(e.left);
      const r = compileExpr(e.right);
      const fn = e.fn;
      return (row, ctx) => {
        const a = l(row, ctx);
        if (a === null) return null;
        const b = r(row, ctx);
        if (b === null) return null;
        return fn(a, b);
      };
    }
    case 'and': {
      const args = e.args.map(compileExpr);
      return (row, ctx) => {
        let sawNull = false;
        for (const a of args) {
          const v = a(row, ctx);
          if (v === false) return false;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : true;
      };
    }
    case 'or': {
      const args = e.args.map(compileExpr);
      return (row, ctx) => {
        let sawNull = false;
        for (const a of args) {
          const v = a(row, ctx);
          if (v === true) return true;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : false;
      };
    }
    case 'not': {
      const a = compileExpr(e.arg);
      return (row, ctx) => {
        const v = a(row, ctx);
        return v === null ? null : !v;
      };
    }
    case 'is_null': {
      const a = compileExpr(e.arg);
      const neg = e.negate;
      return (row, ctx) => (a(row, ctx) === null) !== neg;
    }
    case 'is_distinct': {
      const l = compileExpr(e.left);
      const r = compileExpr(e.right);
      const eq = e.eq;
      const neg = e.negate;
      return (row, ctx) => {
        const a = l(row, ctx);
        const b = r(row, ctx);
        let distinct: boolean;
        if (a === null || b === null) distinct = (a === null) !== (b === null);
        else distinct = eq(a, b) !== true;
        return distinct !== neg;
      };
    }
    case 'case': {
      const whens = e.whens.map((w) => ({ cond: compileExpr(w.cond), result: compileExpr(w.result) }));
      const otherwise = compileExpr(e.otherwise);
      return (row, ctx) => {
        for (const w of whens) if (w.cond(row, ctx) === true) return w.result(row, ctx);
        return otherwise(row, ctx);
      };
    }
    case 'coalesce': {
      const args = e.args.map(compileExpr);
      return (row, ctx) => {
        for (const a of args) {
          const v = a(row, ctx);
          if (v !== null) return v;
        }
        return null;
      };
    }
    case 'cast': {
      const a = compileExpr(e.arg);
      const fn = e.fn;
      return (row, ctx) => fn(a(row, ctx));
    }
    case 'in_list': {
      const a = compileExpr(e.arg);
      const neg = e.negate;
      const eq = e.eq;
      const allConst = e.list.every((x) => x.kind === 'const');
      if (allConst && e.list.length > 4) {
        // Constant lists: one hash probe per row instead of a scan of the list.
        const type = e.arg.type;
        const keys = new Set<string>();
        let listHasNull = false;
        for (const x of e.list) {
          const v = (x as { value: Value }).value;
          if (v === null) listHasNull = true;
          else keys.add(keyString(type, v));
        }
        return (row, ctx) => {
          const v = a(row, ctx);
          if (v === null) return null;
          if (keys.has(keyString(type, v))) return !neg;
          return listHasNull ? null : neg;
        };
      }
      const list = e.list.map(compileExpr);
      return (row, ctx) => {
        const v = a(row, ctx);
        if (v === null) return list.length === 0 ? neg : null;
        let sawNull = false;
        for (const x of list) {
          const w = x(row, ctx);
          if (w === null) {
            sawNull = true;
            continue;
          }
          if (eq(v, w) === true) return !neg;
        }
        return sawNull ? null : neg;
      };
    }
    case 'like': {
      const a = compileExpr(e.arg);
      const neg = e.negate;
      const ci = e.caseInsensitive;
      if (e.pattern.kind === 'const') {
        if (e.pattern.value === null) return () => null;
        const m = likeMatcher(String(e.pattern.value), ci);
        return (row, ctx) => {
          const v = a(row, ctx);
          return v === null ? null : m(v as string) !== neg;
        };
      }
      const p = compileExpr(e.pattern);
      return (row, ctx) => {
        const v = a(row, ctx);
        const pat = p(row, ctx);
        if (v === null || pat === null) return null;
        return likeMatcher(pat as string, ci)(v as string) !== neg;
      };
    }
    case 'subquery': {
      const plan = e.plan;
      const correlated = e.correlated;
      if (e.mode === 'exists') {
        const neg = e.negate;
        return (row, ctx) => {
          const rows = ctx.runSubquery(plan, correlated ? row : null, 1);
          return rows.length > 0 !== neg;
        };
      }
      return (row, ctx) => {
        const rows = ctx.runSubquery(plan, correlated ? row : null, 2);
        if (rows.length > 1) {
          throw new EonError('cardinality_violation', 'more than one row returned by a subquery used as an expression');
        }
        return rows.length === 0 ? null : (rows[0]![0] as Value);
      };
    }
    case 'in_subquery': {
      const a = compileExpr(e.arg);
      const plan = e.plan;
      const correlated = e.correlated;
      const neg = e.negate;
      const eq = e.eq;
      const type = e.arg.type;
      return (row, ctx) => {
        const v = a(row, ctx);
        const set = ctx.subquerySet(plan, correlated ? row : null, type, eq);
        if (set.size === 0) return neg;
        if (v === null) return null;
        if (set.has(v)) return !neg;
        return set.hasNull ? null : neg;
      };
    }
    case 'quantified': {
      const a = compileExpr(e.arg);
      const plan = e.plan;
      const correlated = e.correlated;
      const any = e.any;
      const cmp = e.cmp;
      return (row, ctx) => {
        const rows = ctx.runSubquery(plan, correlated ? row : null, Infinity);
        if (rows.length === 0) return !any;
        const v = a(row, ctx);
        let sawNull = false;
        for (const r of rows) {
          const w = r[0] as Value;
          const c = v === null || w === null ? null : cmp(v, w);
          if (c === null) sawNull = true;
          else if (c === any) return any;
        }
        return sawNull ? null : !any;
      };
    }
    default:
      return assertNever(e);
  }
}
