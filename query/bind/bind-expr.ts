// AST expressions → bound, typed expressions (query/plan/expr.ts).

import nodeSqlParser from 'node-sql-parser';
import { EonError } from '../../src/errors/index.js';
import { Interval, Numeric, T, checkInt, checkInt8, parseText, resolveBinaryOperator, type ColumnType, type Value } from '../../src/types/index.js';
import { resolveScalarFunction } from '../functions/index.js';
import type { Ast } from '../parse/parser.js';
import type { Expr } from '../plan/expr.js';
import type { AggregateName, FrameBound, WindowCall, WindowFrame, WindowFunctionName } from '../plan/logical.js';
import { LevelContext, PARAMS_MAX, WINDOW_COLUMN_BASE } from './context.js';
import { arrayElementTypeOf, dataTypeOf, referenceTypeOf } from './data-type.js';
import { castArrayText, parseArrayText } from '../catalog/array-text.js';
import { exprKey } from './expr-key.js';
import { bindBinary, coerce, requireBoolean, unify } from './typing.js';
import { bindSubquery } from './bind-select.js';
import { DISTINCT_SUFFIX, RENAMED_PREFIX } from '../parse/parser.js';

const { Parser } = nodeSqlParser;
const reparser = new Parser();

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

const AGGREGATES: Record<string, AggregateName> = {
  count: 'count',
  sum: 'sum',
  avg: 'avg',
  min: 'min',
  max: 'max',
  bool_and: 'bool_and',
  bool_or: 'bool_or',
  every: 'bool_and',
  string_agg: 'string_agg',
};

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '||', '^']);

export function bindExpr(ast: Ast, ctx: LevelContext): Expr {
  ctx.stmt.enter();
  try {
    if (ast.over !== undefined && ast.over !== null) return bindWindowCall(ast, ctx);
    if (ctx.agg !== null) return bindAboveAggregate(ast, ctx);
    return bindPlain(ast, ctx);
  } finally {
    ctx.stmt.leave();
  }
}

/** Above GROUP BY: an expression is a group key, an aggregate, or built from those. */
function bindAboveAggregate(ast: Ast, ctx: LevelContext): Expr {
  const agg = ctx.agg!;
  if (ast.type === 'aggr_func' || (ast.type === 'function' && isAggregateFunctionName(ast))) {
    return bindAggregateCall(ast, ctx);
  }
  if (!containsAggregate(ast) && !isLiteral(ast)) {
    const saved = ctx.agg;
    ctx.agg = null;
    let plain: Expr;
    try {
      plain = bindPlain(ast, ctx);
    } finally {
      ctx.agg = saved;
    }
    const k = exprKey(plain);
    const gi = agg.groupKeys.indexOf(k);
    if (gi >= 0) return { kind: 'column', type: plain.type, index: gi, name: nameOf(plain) };
    if (plain.kind === 'column') {
      const c = ctx.scope.columns[plain.index]!;
      throw new EonError(
        'grouping_error',
        `column "${c.table === null ? c.name : `${c.table}.${c.name}`}" must appear in the GROUP BY clause or be used in an aggregate function`,
      );
    }
    if (plain.kind === 'const' || plain.kind === 'param' || plain.kind === 'outer') return plain;
  }
  return bindPlain(ast, ctx);
}

function nameOf(e: Expr): string {
  return e.kind === 'column' || e.kind === 'outer' ? e.name : '?column?';
}

function isLiteral(ast: Ast): boolean {
  return ['number', 'bigint', 'single_quote_string', 'bool', 'null', 'var'].includes(ast.type);
}

function isAggregateFunctionName(ast: Ast): boolean {
  return ast.type === 'function' && aggregateBaseName(functionName(ast)) in AGGREGATES && (ast.over === undefined || ast.over === null);
}

/** `sum__distinct` (the parser's rewrite of sum(DISTINCT …)) → `sum`. */
function aggregateBaseName(name: string): string {
  return name.endsWith(DISTINCT_SUFFIX) ? name.slice(0, -DISTINCT_SUFFIX.length) : name;
}

export function containsAggregate(ast: unknown): boolean {
  if (ast === null || typeof ast !== 'object') return false;
  const node = ast as Ast;
  const windowed = node.over !== undefined && node.over !== null;
  if (node.type === 'aggr_func' && !windowed) return true;
  if (node.type === 'function' && isAggregateFunctionName(node)) return true;
  if (node.ast !== undefined) return false; // a subquery's aggregates are its own
  for (const v of Object.values(node)) {
    if (Array.isArray(v)) {
      if (v.some(containsAggregate)) return true;
    } else if (v !== null && typeof v === 'object' && containsAggregate(v)) return true;
  }
  return false;
}

function bindAggregateCall(ast: Ast, ctx: LevelContext): Expr {
  const agg = ctx.agg!;
  const rawName = ast.type === 'aggr_func' ? String(ast.name).toLowerCase() : functionName(ast);
  const name = aggregateBaseName(rawName);
  const aggName = AGGREGATES[name];
  if (aggName === undefined) throw new EonError('undefined_function', `function ${name} does not exist`);
  if (ast.over !== undefined && ast.over !== null) {
    throw new EonError('feature_not_supported', 'window functions are not supported yet');
  }
  // Arguments of an aggregate are bound below the aggregation, against the FROM scope.
  const saved = ctx.agg;
  ctx.agg = null;
  try {
    let argAsts: Ast[];
    let distinct = false;
    let orderAsts: Ast[] = [];
    if (ast.type === 'aggr_func') {
      const a = ast.args ?? {};
      distinct = String(a.distinct ?? '').toUpperCase() === 'DISTINCT';
      argAsts = a.expr === undefined ? [] : [a.expr];
      if (Array.isArray(a.separator?.value)) argAsts.push(...a.separator.value);
      else if (a.separator?.value !== undefined && typeof a.separator.value === 'object') argAsts.push(a.separator.value);
      else if (a.separator?.delimiter !== undefined) argAsts.push(a.separator.delimiter);
    } else {
      argAsts = ast.args?.value ?? [];
      distinct = rawName !== name;
      if (ast.args?.orderby !== undefined && ast.args.orderby !== null) orderAsts = ast.args.orderby as Ast[];
    }
    if (ast.type === 'aggr_func' && Array.isArray(ast.args?.orderby)) orderAsts = ast.args.orderby as Ast[];
    for (const a of argAsts) {
      if (containsAggregate(a)) throw new EonError('grouping_error', 'aggregate function calls cannot be nested');
    }
    const star = argAsts.length === 1 && argAsts[0]!.type === 'star';
    const args = star ? [] : argAsts.map((a) => bindPlain(a, ctx));
    const filter = ast.filter?.where !== undefined ? requireBoolean(bindPlain(ast.filter.where, ctx), 'FILTER', ctx.stmt.params) : null;
    const orderBy = orderAsts.map((o) => ({
      expr: bindPlain(o.expr, ctx),
      descending: String(o.type ?? '').toUpperCase() === 'DESC',
      nullsFirst: /first/i.test(String(o.nulls ?? '')) || (!/last/i.test(String(o.nulls ?? '')) && String(o.type ?? '').toUpperCase() === 'DESC'),
    }));
    const call = { ...makeAggregate(aggName, args, distinct, filter, star, ctx), orderBy };
    const key = `${call.name}${call.distinct ? ' distinct' : ''}(${call.args.map(exprKey).join(',')})${call.filter === null ? '' : ` filter ${exprKey(call.filter)}`} order(${orderBy.map((o) => `${exprKey(o.expr)}${o.descending ? '-' : '+'}${o.nullsFirst ? 'f' : 'l'}`).join(',')})`;
    let i = agg.callKeys.indexOf(key);
    if (i < 0) {
      i = agg.calls.length;
      agg.calls.push(call);
      agg.callKeys.push(key);
    }
    return { kind: 'column', type: call.type, index: agg.groupExprs.length + i, name };
  } finally {
    ctx.agg = saved;
  }
}

function makeAggregate(name: AggregateName, argsIn: Expr[], distinct: boolean, filter: Expr | null, star: boolean, ctx: LevelContext) {
  const params = ctx.stmt.params;
  if (name === 'count') {
    if (star) return { name: 'count_star' as const, args: [], distinct: false, filter, type: T.int8 };
    if (argsIn.length !== 1) throw new EonError('undefined_function', 'function count() does not exist');
    const arg = argsIn[0]!.type.kind === 'unknown' ? coerce(argsIn[0]!, T.text, 'implicit', params) : argsIn[0]!;
    return { name, args: [arg], distinct, filter, type: T.int8 };
  }
  if (name === 'string_agg') {
    if (argsIn.length !== 2) throw new EonError('undefined_function', 'function string_agg requires 2 arguments');
    return { name, args: argsIn.map((a) => coerce(a, T.text, 'implicit', params)), distinct, filter, type: T.text };
  }
  if (argsIn.length !== 1) throw new EonError('undefined_function', `function ${name} with ${argsIn.length} arguments does not exist`);
  let arg = argsIn[0]!;
  if (arg.type.kind === 'unknown') arg = coerce(arg, name === 'bool_and' || name === 'bool_or' ? T.bool : name === 'min' || name === 'max' ? T.text : T.numeric, 'implicit', params);
  const k = arg.type.kind;
  let type: ColumnType;
  switch (name) {
    case 'sum':
      if (k === 'int2' || k === 'int4') type = T.int8;
      else if (k === 'int8' || k === 'numeric') type = T.numeric;
      else if (k === 'float4' || k === 'float8' || k === 'interval') type = arg.type.kind === 'float4' ? T.float4 : arg.type.kind === 'interval' ? T.interval : T.float8;
      else throw new EonError('undefined_function', `function sum(${typeLabel(arg.type)}) does not exist`, { hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' });
      break;
    case 'avg':
      if (k === 'int2' || k === 'int4' || k === 'int8' || k === 'numeric') type = T.numeric;
      else if (k === 'float4' || k === 'float8') type = T.float8;
      else if (k === 'interval') type = T.interval;
      else throw new EonError('undefined_function', `function avg(${typeLabel(arg.type)}) does not exist`, { hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' });
      break;
    case 'min':
    case 'max':
      if (k === 'bool') throw new EonError('undefined_function', `function ${name}(boolean) does not exist`);
      if (k === 'varchar') arg = coerce(arg, T.text, 'implicit', params);
      type = k === 'numeric' ? T.numeric : k === 'varchar' ? T.text : arg.type;
      break;
    case 'bool_and':
    case 'bool_or':
      arg = requireBoolean(arg, name, params);
      type = T.bool;
      break;
    default:
      throw new EonError('internal_error', `unexpected aggregate ${name}`);
  }
  return { name, args: [arg], distinct, filter, type };
}

function typeLabel(t: ColumnType): string {
  return ({ int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean', text: 'text', varchar: 'character varying', numeric: 'numeric', date: 'date', timestamp: 'timestamp without time zone', timestamptz: 'timestamp with time zone', interval: 'interval', unknown: 'unknown' } as const)[t.kind];
}

export function functionName(ast: Ast): string {
  const parts = ast.name?.name;
  if (Array.isArray(parts)) return parts.map((p: Ast) => String(p.value)).join('.').toLowerCase();
  return String(ast.name ?? '').toLowerCase();
}

function literalText(ast: Ast, ctx: LevelContext): { kind: 'string' | 'number'; text: string } {
  const idx = Number(ast.value);
  const lit = ctx.stmt.literals.values[idx];
  if (lit === undefined) throw new EonError('internal_error', `lost literal ${String(ast.value)}`);
  return lit;
}

export function numberLiteral(text: string): Expr {
  if (/^\d+$/.test(text)) {
    const big = BigInt(text);
    if (big <= BigInt(INT4_MAX)) return { kind: 'const', type: T.int4, value: Number(big) };
    if (big <= INT8_MAX) return { kind: 'const', type: T.int8, value: big };
  }
  return { kind: 'const', type: T.numeric, value: parseText(T.numeric, text) };
}

function bindPlain(ast: Ast, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  switch (ast.type) {
    case 'number': {
      const v = ast.value;
      if (typeof v === 'number') {
        if (Number.isInteger(v) && v >= INT4_MIN && v <= INT4_MAX) return { kind: 'const', type: T.int4, value: v };
        if (Number.isSafeInteger(v)) return { kind: 'const', type: T.int8, value: BigInt(v) };
        return numberLiteral(String(v));
      }
      return numberLiteral(String(v));
    }
    case 'bigint':
      return numberLiteral(String(ast.value));
    case 'single_quote_string':
    case 'string': {
      const lit = literalText(ast, ctx);
      if (lit.kind === 'number') return numberLiteral(lit.text);
      return { kind: 'const', type: T.unknown, value: lit.text };
    }
    case 'bool':
      return { kind: 'const', type: T.bool, value: Boolean(ast.value) };
    case 'null':
      return { kind: 'const', type: T.unknown, value: null };
    case 'var':
      if (ast.prefix === '$') return bindParam(Number(ast.name), ctx);
      throw new EonError('syntax_error', `syntax error at or near "${String(ast.prefix ?? '')}${String(ast.name)}"`);
    case 'column_ref':
      return bindColumnRef(ast, ctx);
    case 'binary_expr':
      return bindBinaryExpr(ast, ctx);
    case 'unary_expr':
      return bindUnary(ast, ctx);
    case 'function':
      return bindFunction(ast, ctx);
    case 'aggr_func':
      if (ctx.noAggregates !== null) {
        throw new EonError('grouping_error', `aggregate functions are not allowed in ${ctx.noAggregates}`);
      }
      throw new EonError('grouping_error', 'aggregate function calls cannot be nested');
    case 'window_func':
      throw new EonError('feature_not_supported', 'window functions are not supported yet');
    case 'case':
      return bindCase(ast, ctx);
    case 'cast':
      return bindCast(ast, ctx);
    case 'interval': {
      const inner = bindExpr(ast.expr, ctx);
      const unit = String(ast.unit ?? '');
      if (inner.kind === 'const' && inner.type.kind === 'unknown' && typeof inner.value === 'string') {
        return { kind: 'const', type: T.interval, value: parseText(T.interval, unit === '' ? inner.value : `${inner.value} ${unit}`) };
      }
      return coerce(inner, T.interval, 'explicit', params);
    }
    case 'date':
    case 'timestamp':
    case 'timestamptz': {
      const type = ast.type === 'date' ? T.date : ast.type === 'timestamp' ? T.timestamp : T.timestamptz;
      const lit = literalText({ value: ast.value }, ctx);
      return { kind: 'const', type, value: parseText(type, lit.text) };
    }
    case 'extract': {
      const field = String(ast.args?.field ?? '').toLowerCase();
      let source = bindExpr(ast.args.source, ctx);
      if (ast.args?.cast_type !== undefined && ast.args.cast_type !== null) {
        source = coerce(source, dataTypeOf({ dataType: ast.args.cast_type }), 'explicit', params);
      }
      return callFunction('extract', [{ kind: 'const', type: T.text, value: field }, source], ctx);
    }
    case 'expr_list':
      if (Array.isArray(ast.value) && ast.value.length === 1) return bindExpr(ast.value[0], ctx);
      throw new EonError('feature_not_supported', 'row constructors are not supported');
    default:
      if (ast.ast !== undefined) return bindSubqueryExpr(ast, 'scalar', false, ctx);
      if (ast.type === 'default' && typeof ast.value === 'string') {
        return bindColumnRef({ type: 'column_ref', column: { expr: { value: ast.value } } }, ctx);
      }
      throw new EonError('feature_not_supported', `expression of type ${String(ast.type)} is not supported`);
  }
}

function bindParam(n: number, ctx: LevelContext): Expr {
  if (!Number.isInteger(n) || n < 1 || n > PARAMS_MAX) {
    throw new EonError('undefined_parameter', `there is no parameter $${n}`);
  }
  const params = ctx.stmt.params;
  while (params.length < n) params.push(undefined);
  const t = params[n - 1];
  return { kind: 'param', type: t ?? T.unknown, index: n - 1 };
}

function columnParts(ast: Ast, ctx: LevelContext): { table: string | null; name: string } {
  const col = ast.column;
  let name: string;
  if (typeof col === 'string') name = col;
  else if (col?.expr?.value !== undefined) name = String(col.expr.value);
  else throw new EonError('syntax_error', 'unsupported column reference');
  const table = ast.table === undefined || ast.table === null ? null : ctx.stmt.ident(String(ast.table));
  return { table, name: ctx.stmt.ident(name) };
}

function bindColumnRef(ast: Ast, ctx: LevelContext): Expr {
  const { table, name } = columnParts(ast, ctx);
  if (name === '*') throw new EonError('syntax_error', 'a * is not allowed here');
  let level: LevelContext | null = ctx;
  let depth = 0;
  while (level !== null) {
    const i = level.scope.find(table, name);
    if (i >= 0) {
      const c = level.scope.columns[i]!;
      if (depth === 0) return { kind: 'column', type: c.type, index: i, name };
      // A correlated reference: every level between here and the owner depends on the outer row.
      let l: LevelContext | null = ctx;
      for (let d = 0; d < depth && l !== null; d++, l = l.parent) l.correlated = true;
      if (level.agg !== null) {
        // Above GROUP BY the outer row is the aggregate's output: only group keys are visible.
        const gi = level.agg.groupKeys.indexOf(`#${i}`);
        if (gi < 0) {
          throw new EonError('grouping_error', `subquery uses ungrouped column "${c.table === null ? c.name : `${c.table}.${c.name}`}" from outer query`);
        }
        return { kind: 'outer', type: c.type, depth, index: gi, name };
      }
      return { kind: 'outer', type: c.type, depth, index: i, name };
    }
    level = level.parent;
    depth++;
  }
  if (table === null) {
    const special = bindSpecialName(name);
    if (special !== null) return special;
  }
  if (table !== null && !scopeChainHasTable(ctx, table)) {
    throw new EonError('undefined_table', `missing FROM-clause entry for table "${table}"`);
  }
  throw new EonError('undefined_column', table === null ? `column "${name}" does not exist` : `column ${table}.${name} does not exist`);
}

function scopeChainHasTable(ctx: LevelContext, table: string): boolean {
  for (let l: LevelContext | null = ctx; l !== null; l = l.parent) if (l.scope.hasTable(table)) return true;
  return false;
}

/** SQL-standard niladic functions that the parser reports as plain names. */
function bindSpecialName(name: string): Expr | null {
  switch (name) {
    case 'current_date':
    case 'current_timestamp':
    case 'localtimestamp':
    case 'now': {
      const fnName = name === 'localtimestamp' ? 'localtimestamp' : name === 'current_date' ? 'current_date' : 'now';
      const f = resolveScalarFunction(fnName, []);
      return { kind: 'call', type: f.returnType, name: fnName, args: [], strict: false, volatile: true, fn: f.impl };
    }
    default:
      return null;
  }
}

function bindBinaryExpr(ast: Ast, ctx: LevelContext): Expr {
  const op = String(ast.operator).toUpperCase();
  const params = ctx.stmt.params;
  switch (op) {
    case 'AND':
    case 'OR': {
      const l = requireBoolean(bindExpr(ast.left, ctx), op, params);
      const r = requireBoolean(bindExpr(ast.right, ctx), op, params);
      const kind = op === 'AND' ? 'and' : 'or';
      const args: Expr[] = [];
      for (const x of [l, r]) {
        if (x.kind === kind) args.push(...x.args);
        else args.push(x);
      }
      return { kind, type: T.bool, args };
    }
    case 'IS':
    case 'IS NOT':
    case 'ISNOT':
      return bindIs(ast, op !== 'IS', ctx);
    case '@>':
    case '<@':
      // The parser's stand-ins for IS DISTINCT FROM / IS NOT DISTINCT FROM (see parse/parser.ts).
      return bindDistinct(bindExpr(ast.left, ctx), bindExpr(ast.right, ctx), op === '<@', ctx);
    case 'IN':
    case 'NOT IN':
      return bindIn(ast, op === 'NOT IN', ctx);
    case 'BETWEEN':
    case 'NOT BETWEEN': {
      const [lo, hi] = ast.right.value as Ast[];
      const a = bindExpr(ast.left, ctx);
      const ge = bindBinary('>=', a, bindExpr(lo!, ctx), params);
      const le = bindBinary('<=', a, bindExpr(hi!, ctx), params);
      const both: Expr = { kind: 'and', type: T.bool, args: [ge, le] };
      return op === 'BETWEEN' ? both : { kind: 'not', type: T.bool, arg: both };
    }
    case 'LIKE':
    case 'NOT LIKE':
    case 'ILIKE':
    case 'NOT ILIKE': {
      const arg = coerceToText(bindExpr(ast.left, ctx), op, ctx);
      let pattern = coerceToText(bindExpr(ast.right, ctx), op, ctx);
      const escapeAst = ast.right?.escape?.value ?? ast.escape?.value;
      if (escapeAst !== undefined) pattern = withLikeEscape(pattern, bindExpr(escapeAst, ctx));
      pattern = pattern.type.kind === 'unknown' ? coerce(pattern, T.text, 'implicit', params) : pattern;
      return { kind: 'like', type: T.bool, arg, pattern, caseInsensitive: op.includes('ILIKE'), negate: op.startsWith('NOT') };
    }
    case 'SIMILAR TO':
    case 'NOT SIMILAR TO':
      throw new EonError('feature_not_supported', 'SIMILAR TO is not supported yet');
    default: {
      if (!COMPARISONS.has(op) && !ARITHMETIC.has(op) && !['~', '~*', '!~', '!~*'].includes(op)) {
        throw new EonError('feature_not_supported', `operator ${op} is not supported`);
      }
      if (ast.right?.type === 'function' && ['any', 'all', 'some'].includes(functionName(ast.right))) {
        return bindQuantified(op === '!=' ? '<>' : op, ast.left, ast.right, ctx);
      }
      const normalized = op === '!=' ? '<>' : op;
      return bindBinary(normalized, bindExpr(ast.left, ctx), bindExpr(ast.right, ctx), params);
    }
  }
}

function coerceToText(e: Expr, op: string, ctx: LevelContext): Expr {
  if (e.type.kind === 'text' || e.type.kind === 'varchar') return e;
  if (e.type.kind === 'unknown') return coerce(e, T.text, 'implicit', ctx.stmt.params);
  throw new EonError('undefined_function', `operator does not exist: ${typeLabel(e.type)} ~~ unknown`, {
    hint: `No operator matches the given name and argument types (${op}). You might need to add explicit type casts.`,
  });
}

function bindIs(ast: Ast, negated: boolean, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const right = ast.right as Ast;
  const left = bindExpr(ast.left, ctx);
  if (right.type === 'null') return { kind: 'is_null', type: T.bool, arg: left, negate: negated };
  if (right.type === 'bool') {
    // x IS TRUE ≡ x IS NOT DISTINCT FROM true
    const arg = requireBoolean(left, 'IS', params);
    const eq = resolveBinaryOperator('=', T.bool, T.bool).fn;
    return { kind: 'is_distinct', type: T.bool, left: arg, right: { kind: 'const', type: T.bool, value: Boolean(right.value) }, negate: !negated, eq };
  }
  if (right.type === 'default' && typeof right.value === 'string') {
    const m = /^(NOT\s+)?DISTINCT\s+FROM\s+([\s\S]+)$/i.exec(right.value);
    if (m !== null) {
      const reparsed = reparser.astify(`SELECT ${m[2]}`, { database: 'PostgresQL' }) as Ast;
      const otherAst = (Array.isArray(reparsed) ? reparsed[0] : reparsed).columns[0].expr as Ast;
      return bindDistinct(left, bindExpr(otherAst, ctx), m[1] !== undefined, ctx);
    }
    if (/^unknown$/i.test(right.value.trim())) {
      return { kind: 'is_null', type: T.bool, arg: requireBoolean(left, 'IS', params), negate: negated };
    }
  }
  throw new EonError('syntax_error', 'syntax error at or near "IS"');
}

function bindIn(ast: Ast, negate: boolean, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const right = ast.right as Ast;
  const items = right.type === 'expr_list' ? (right.value as Ast[]) : [right];
  if (items.length === 1 && items[0]!.ast !== undefined) {
    const arg = bindExpr(ast.left, ctx);
    return bindSubqueryExpr(items[0]!, 'in', negate, ctx, arg);
  }
  const arg = bindExpr(ast.left, ctx);
  const list = items.map((i) => bindExpr(i, ctx));
  const { type, exprs } = unify([arg, ...list], 'IN', params);
  const eq = resolveBinaryOperator('=', type, type).fn;
  return { kind: 'in_list', type: T.bool, arg: exprs[0]!, list: exprs.slice(1), negate, eq };
}

function bindUnary(ast: Ast, ctx: LevelContext): Expr {
  const op = String(ast.operator).toUpperCase();
  const params = ctx.stmt.params;
  if (op === 'NOT') return { kind: 'not', type: T.bool, arg: requireBoolean(bindExpr(ast.expr, ctx), 'NOT', params) };
  if (op === 'NOT EXISTS' || op === 'EXISTS') {
    const sub = ast.expr?.ast !== undefined ? ast.expr : ast.expr?.value?.[0];
    return bindSubqueryExpr(sub, 'exists', op === 'NOT EXISTS', ctx);
  }
  if (op === '-') {
    const inner = ast.expr as Ast;
    if (inner.type === 'number' || inner.type === 'bigint') {
      const e = bindPlain(inner, ctx);
      if (e.kind === 'const') return negateConst(e);
    }
    const arg = bindExpr(inner, ctx);
    const typed = arg.type.kind === 'unknown' ? coerce(arg, T.float8, 'implicit', params) : arg;
    const negate = negation(typed.type);
    if (typed.kind === 'const') return { kind: 'const', type: typed.type, value: typed.value === null ? null : negate(typed.value) };
    return { kind: 'call', type: typed.type, name: 'negate', args: [typed], strict: true, volatile: false, fn: (a) => negate(a[0]!) };
  }
  if (op === '+') return bindExpr(ast.expr, ctx);
  throw new EonError('feature_not_supported', `unary operator ${op} is not supported`);
}

/** Unary minus per type, with PostgreSQL's overflow errors (-(-2147483648) does not fit). */
function negation(t: ColumnType): (v: Value) => Value {
  switch (t.kind) {
    case 'int2':
    case 'int4': {
      const kind = t.kind;
      return (v) => checkInt(kind, -(v as number));
    }
    case 'int8':
      return (v) => checkInt8(-(v as bigint));
    case 'float4':
    case 'float8':
      return (v) => -(v as number);
    case 'numeric':
      return (v) => (v as Numeric).neg();
    case 'interval':
      return (v) => (v as Interval).neg();
    default:
      throw new EonError('undefined_function', `operator does not exist: - ${typeLabel(t)}`, {
        hint: 'No operator matches the given name and argument type. You might need to add an explicit type cast.',
      });
  }
}

function negateConst(e: Expr & { kind: 'const' }): Expr {
  const v = e.value;
  if (typeof v === 'number') {
    return { kind: 'const', type: e.type, value: v === 0 ? 0 : -v };
  }
  if (typeof v === 'bigint') {
    const n = -v;
    if (n === BigInt(INT4_MIN)) return { kind: 'const', type: T.int4, value: INT4_MIN };
    if (n < INT8_MIN) return numberLiteral('-' + v.toString());
    return { kind: 'const', type: T.int8, value: n };
  }
  if (v instanceof Numeric) {
    if (-v.coef >= INT8_MIN && -v.coef === INT8_MIN && v.scale === 0) return { kind: 'const', type: T.int8, value: INT8_MIN };
    return { kind: 'const', type: T.numeric, value: new Numeric(-v.coef, v.scale) };
  }
  throw new EonError('internal_error', 'cannot negate literal');
}

function bindCase(ast: Ast, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const operand = ast.expr !== undefined && ast.expr !== null ? bindExpr(ast.expr, ctx) : null;
  const whens: { cond: Expr; result: Expr }[] = [];
  let otherwise: Expr = { kind: 'const', type: T.unknown, value: null };
  for (const arm of ast.args as Ast[]) {
    if (arm.type === 'when') {
      const c = bindExpr(arm.cond, ctx);
      const cond = operand === null ? requireBoolean(c, 'CASE', params) : bindBinary('=', operand, c, params);
      whens.push({ cond, result: bindExpr(arm.result, ctx) });
    } else {
      otherwise = bindExpr(arm.result, ctx);
    }
  }
  const { type, exprs } = unify([...whens.map((w) => w.result), otherwise], 'CASE', params);
  return {
    kind: 'case',
    type,
    whens: whens.map((w, i) => ({ cond: w.cond, result: exprs[i]! })),
    otherwise: exprs[exprs.length - 1]!,
  };
}

function bindCast(ast: Ast, ctx: LevelContext): Expr {
  const targets = ast.target as Ast[];
  let inner = bindExpr(ast.expr, ctx);
  // a::t1::t2 arrives as one node with several targets.
  for (const t of targets.slice(0, -1)) inner = castTo(inner, t, ctx);
  const result = castTo(inner, targets[targets.length - 1]!, ctx);
  if (ast.tail !== undefined && ast.tail !== null) {
    const op = String(ast.tail.operator);
    return bindBinary(op === '!=' ? '<>' : op, result, bindExpr(ast.tail.expr, ctx), ctx.stmt.params);
  }
  return result;
}

/**
 * One cast step. Object-reference types (regclass, …) are the functions of their names over
 * eon's int4 OIDs; arrays (eon keeps catalog arrays as their text form) are that text, checked
 * against the element type and normalised.
 */
function castTo(inner: Expr, target: Ast, ctx: LevelContext): Expr {
  const reference = referenceTypeOf(target);
  if (reference !== null) return callFunction(reference, [inner], ctx);
  const element = arrayElementTypeOf(target);
  if (element === null) return castOnce(inner, dataTypeOf(target), ctx);
  if (inner.type.kind !== 'text' && inner.type.kind !== 'varchar' && inner.type.kind !== 'unknown') {
    throw new EonError('cannot_coerce', `cannot cast type ${typeLabel(inner.type)} to ${typeLabel(element)}[]`);
  }
  const text = coerce(inner, T.text, 'implicit', ctx.stmt.params);
  const fn = (args: readonly Value[]): Value => castArrayText(args[0] as string, element);
  if (text.kind === 'const') return { kind: 'const', type: T.text, value: text.value === null ? null : (fn([text.value]) as string) };
  return { kind: 'call', type: T.text, name: 'array_in', args: [text], strict: true, volatile: false, fn };
}

function castOnce(inner: Expr, target: ColumnType, ctx: LevelContext): Expr {
  let result = coerce(inner, target, 'explicit', ctx.stmt.params);
  if (result === inner && inner.kind !== 'param') {
    // A cast to the same kind still applies modifiers (varchar(3), numeric(5,2)).
    if (target.precision !== undefined || target.length !== undefined) {
      result = { kind: 'cast', type: target, arg: inner, fn: castToSelf(inner.type, target) };
    }
  }
  return result;
}

function castToSelf(from: ColumnType, to: ColumnType): (v: Value) => Value {
  return (v) => (v === null ? null : coerceConst(v, from, to));
}

function coerceConst(v: Value, from: ColumnType, to: ColumnType): Value {
  const e = coerce({ kind: 'const', type: from, value: v }, to, 'explicit');
  return e.kind === 'const' ? e.value : v;
}

function bindFunction(ast: Ast, ctx: LevelContext): Expr {
  const name = functionName(ast);
  const params = ctx.stmt.params;
  if (ast.over !== undefined && ast.over !== null) {
    throw new EonError('feature_not_supported', 'window functions are not supported yet');
  }
  const argAsts: Ast[] = ast.args?.value ?? (ast.args?.type === 'expr_list' ? [] : ast.args ? [ast.args] : []);
  if (name in AGGREGATES) {
    if (ctx.noAggregates !== null) {
      throw new EonError('grouping_error', `aggregate functions are not allowed in ${ctx.noAggregates}`);
    }
    throw new EonError('grouping_error', 'aggregate function calls cannot be nested');
  }
  switch (name) {
    case 'not':
      if (argAsts.length === 1) return { kind: 'not', type: T.bool, arg: requireBoolean(bindExpr(argAsts[0]!, ctx), 'NOT', params) };
      return callFunction(name, argAsts.map((a) => bindExpr(a, ctx)), ctx);
    case 'exists':
      return bindSubqueryExpr(argAsts[0]!, 'exists', false, ctx);
    case 'coalesce': {
      if (argAsts.length === 0) throw new EonError('syntax_error', 'syntax error at or near ")"');
      const { type, exprs } = unify(argAsts.map((a) => bindExpr(a, ctx)), 'COALESCE', params);
      return { kind: 'coalesce', type, args: exprs };
    }
    case 'nullif': {
      if (argAsts.length !== 2) throw new EonError('undefined_function', `function nullif with ${argAsts.length} arguments does not exist`);
      const a = bindExpr(argAsts[0]!, ctx);
      const b = bindExpr(argAsts[1]!, ctx);
      const eq = bindBinary('=', a, b, params);
      // NULLIF's result has the type its first argument took in the comparison.
      const typedA = a.type.kind === 'unknown' ? coerce(a, b.type.kind === 'unknown' ? T.text : b.type, 'implicit', params) : a;
      return { kind: 'case', type: typedA.type, whens: [{ cond: eq, result: { kind: 'const', type: typedA.type, value: null } }], otherwise: typedA };
    }
    case 'trim':
    case 'position':
    case 'substring':
      return bindSpecialSyntaxFunction(name, argAsts, ctx);
    case 'current_date':
    case 'current_timestamp':
    case 'localtimestamp':
      return bindSpecialName(name)!;
    default:
      return callFunction(name, argAsts.map((a) => bindExpr(a, ctx)), ctx);
  }
}

/** TRIM(BOTH x FROM y), POSITION(a IN b), SUBSTRING(s FROM a FOR b): keyword-argument forms. */
function bindSpecialSyntaxFunction(name: string, argAsts: Ast[], ctx: LevelContext): Expr {
  const words = argAsts.map((a) => (a.type === 'origin' ? String(a.value).toLowerCase() : null));
  const exprs = argAsts.filter((_, i) => words[i] === null);
  if (name === 'trim') {
    const mode = words.find((w) => w === 'both' || w === 'leading' || w === 'trailing') ?? 'both';
    const hasFrom = words.includes('from');
    const fn = mode === 'leading' ? 'ltrim' : mode === 'trailing' ? 'rtrim' : 'btrim';
    if (hasFrom && exprs.length === 2) return callFunction(fn, [bindExpr(exprs[1]!, ctx), bindExpr(exprs[0]!, ctx)], ctx);
    if (hasFrom && exprs.length === 1) return callFunction(fn, [bindExpr(exprs[0]!, ctx)], ctx);
    return callFunction(fn, exprs.map((e) => bindExpr(e, ctx)), ctx);
  }
  if (name === 'position') {
    if (words.includes('in') && exprs.length === 2) return callFunction('strpos', [bindExpr(exprs[1]!, ctx), bindExpr(exprs[0]!, ctx)], ctx);
    return callFunction('position', exprs.map((e) => bindExpr(e, ctx)), ctx);
  }
  return callFunction('substring', exprs.map((e) => bindExpr(e, ctx)), ctx);
}

export function callFunction(name: string, args: Expr[], ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const f = resolveScalarFunction(name, args.map((a) => a.type));
  const cast = args.map((a, i) => coerce(a, f.argTypes[i] ?? f.argTypes[f.argTypes.length - 1] ?? a.type, 'implicit', params));
  const volatile = f.volatile === true;
  if (!volatile && cast.every((a) => a.kind === 'const')) {
    const values = cast.map((a) => (a as { value: Value }).value);
    const value = f.strict && values.some((v) => v === null) ? null : f.impl(values);
    return { kind: 'const', type: f.returnType, value };
  }
  return { kind: 'call', type: f.returnType, name, args: cast, strict: f.strict, volatile, fn: f.impl };
}

function bindSubqueryExpr(ast: Ast, mode: 'scalar' | 'exists' | 'in', negate: boolean, ctx: LevelContext, arg?: Expr): Expr {
  const inner = ast.ast ?? ast;
  const { plan, correlated } = bindSubquery(inner, ctx);
  const key = JSON.stringify(inner);
  if (mode === 'exists') return { kind: 'subquery', type: T.bool, mode: 'exists', plan, correlated, negate, key };
  if (plan.columns.length !== 1) {
    throw new EonError('syntax_error', mode === 'in' ? 'subquery has too many columns' : 'subquery must return only one column');
  }
  const colType = plan.columns[0]!.type;
  if (mode === 'scalar') return { kind: 'subquery', type: colType.kind === 'unknown' ? T.text : colType, mode: 'scalar', plan, correlated, negate: false, key };
  let a = arg!;
  if (a.type.kind === 'unknown') a = coerce(a, colType.kind === 'unknown' ? T.text : colType, 'implicit', ctx.stmt.params);
  const resolved = resolveBinaryOperator('=', a.type, colType.kind === 'unknown' ? T.text : colType);
  a = coerce(a, resolved.leftType, 'implicit', ctx.stmt.params);
  const rightType = resolved.rightType;
  const needsCast = rightType.kind !== colType.kind;
  const eq = needsCast
    ? (x: Value, y: Value) => resolved.fn(x, coerceConst(y, colType, rightType))
    : resolved.fn;
  return { kind: 'in_subquery', type: T.bool, arg: a, plan, correlated, negate, eq };
}

/** a IS [NOT] DISTINCT FROM b: equality where NULLs compare as values. */
function bindDistinct(left: Expr, right: Expr, notDistinct: boolean, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  let l = left;
  let r = right;
  if (l.type.kind === 'unknown' && r.type.kind !== 'unknown') l = coerce(l, r.type, 'implicit', params);
  if (r.type.kind === 'unknown' && l.type.kind !== 'unknown') r = coerce(r, l.type, 'implicit', params);
  const resolved = resolveBinaryOperator('=', l.type, r.type);
  l = coerce(l, resolved.leftType, 'implicit', params);
  r = coerce(r, resolved.rightType, 'implicit', params);
  return { kind: 'is_distinct', type: T.bool, left: l, right: r, negate: notDistinct, eq: resolved.fn };
}

/** LIKE … ESCAPE 'c': rewrites the pattern to the default backslash escape. */
function withLikeEscape(pattern: Expr, escape: Expr): Expr {
  if (escape.kind !== 'const' || typeof escape.value !== 'string' || pattern.kind !== 'const') {
    throw new EonError('feature_not_supported', 'LIKE ... ESCAPE needs constant pattern and escape strings');
  }
  const esc = escape.value;
  if (pattern.value === null) return pattern;
  if ([...esc].length > 1) throw new EonError('invalid_escape_sequence', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  const p = String(pattern.value);
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (esc !== '' && c === esc) {
      const next = p[i + 1];
      if (next === undefined) throw new EonError('invalid_escape_sequence', 'LIKE pattern must not end with escape character');
      out += '\\' + next;
      i++;
    } else if (c === '\\' && esc !== '\\') out += '\\\\';
    else out += c;
  }
  return { kind: 'const', type: pattern.type, value: out };
}

/** x op ANY (subquery) / x op ALL (subquery). */
function bindQuantified(op: string, leftAst: Ast, rightAst: Ast, ctx: LevelContext): Expr {
  const quantifier = functionName(rightAst);
  const inner = (rightAst.args?.value ?? [])[0] as Ast | undefined;
  if (inner === undefined) throw new EonError('syntax_error', `syntax error at or near "${quantifier.toUpperCase()}"`);
  if (inner.ast === undefined) return bindArrayQuantified(op, quantifier !== 'all', bindExpr(leftAst, ctx), bindExpr(inner, ctx), ctx);
  const arg = bindExpr(leftAst, ctx);
  const { plan, correlated } = bindSubquery(inner.ast, ctx);
  if (plan.columns.length !== 1) throw new EonError('syntax_error', 'subquery has too many columns');
  const colType = plan.columns[0]!.type.kind === 'unknown' ? T.text : plan.columns[0]!.type;
  let a = arg.type.kind === 'unknown' ? coerce(arg, colType, 'implicit', ctx.stmt.params) : arg;
  const resolved = resolveBinaryOperator(op, a.type, colType);
  a = coerce(a, resolved.leftType, 'implicit', ctx.stmt.params);
  const rightType = resolved.rightType;
  const cmp = rightType.kind === colType.kind ? resolved.fn : (x: Value, y: Value) => resolved.fn(x, coerceConst(y, colType, rightType));
  return { kind: 'quantified', type: T.bool, arg: a, plan, correlated, any: quantifier !== 'all', cmp };
}

/**
 * x op ANY/ALL (array): eon's arrays are their text form ('{a,b}', catalog columns such as
 * polroles); the elements are read as the left operand's type and compared as PostgreSQL does
 * (NULL when no element decides and one is NULL).
 */
function bindArrayQuantified(op: string, any: boolean, left: Expr, array: Expr, ctx: LevelContext): Expr {
  if (array.type.kind !== 'text' && array.type.kind !== 'varchar' && array.type.kind !== 'unknown') {
    throw new EonError('wrong_object_type', 'op ANY/ALL (array) requires array on right side');
  }
  const params = ctx.stmt.params;
  const a = left.type.kind === 'unknown' ? coerce(left, T.text, 'implicit', params) : left;
  const resolved = resolveBinaryOperator(op, a.type, a.type);
  const elementType = resolved.rightType;
  const args = [coerce(a, resolved.leftType, 'implicit', params), coerce(array, T.text, 'implicit', params)];
  const fn = (values: readonly Value[]): Value => {
    if (values[1] === null) return null;
    const items = parseArrayText(values[1] as string).items;
    if (values[0] === null) return items.length === 0 ? !any : null;
    let sawNull = false;
    for (const item of items) {
      const r = item === null ? null : resolved.fn(values[0]!, parseText(elementType, item));
      if (r === null) sawNull = true;
      else if (r === any) return any;
    }
    return sawNull ? null : !any;
  };
  return { kind: 'call', type: T.bool, name: any ? 'any' : 'all', args, strict: false, volatile: false, fn };
}

const WINDOW_FUNCTIONS: Record<string, WindowFunctionName> = {
  row_number: 'row_number',
  rank: 'rank',
  dense_rank: 'dense_rank',
  percent_rank: 'percent_rank',
  cume_dist: 'cume_dist',
  ntile: 'ntile',
  lag: 'lag',
  lead: 'lead',
  first_value: 'first_value',
  last_value: 'last_value',
  nth_value: 'nth_value',
};

/** f(...) OVER (PARTITION BY … ORDER BY … frame): registers the call and returns its column. */
function bindWindowCall(ast: Ast, ctx: LevelContext): Expr {
  if (ctx.noWindows !== null || ctx.noAggregates !== null) {
    throw new EonError('windowing_error', `window functions are not allowed in ${ctx.noWindows ?? ctx.noAggregates}`);
  }
  const params = ctx.stmt.params;
  let spec = ast.over.as_window_specification;
  if (typeof spec === 'string') {
    const named = ctx.namedWindows.get(ctx.stmt.ident(spec)) as Ast | undefined;
    if (named === undefined) throw new EonError('undefined_object', `window "${spec}" does not exist`);
    spec = named;
  }
  const ws = (spec?.window_specification ?? {}) as Ast;
  // Window calls do not nest; their arguments may use aggregates of this level.
  const inner = (a: Ast): Expr => {
    if (containsWindow(a)) throw new EonError('windowing_error', 'window function calls cannot be nested');
    return bindExpr(a, ctx);
  };
  const partitionBy = ((ws.partitionby ?? []) as Ast[]).map((p) => inner(p.expr ?? p));
  const orderBy = ((ws.orderby ?? []) as Ast[]).map((o) => {
    const descending = String(o.type ?? '').toUpperCase() === 'DESC';
    const nulls = String(o.nulls ?? '').toLowerCase().replace(/\s+/g, '');
    return { expr: inner(o.expr), descending, nullsFirst: nulls === 'nullsfirst' ? true : nulls === 'nullslast' ? false : descending };
  });
  const frame = windowFrame(ws.window_frame_clause, orderBy.length > 0);
  const rawName = ast.type === 'aggr_func' ? String(ast.name).toLowerCase() : ast.type === 'window_func' ? String(ast.name).toLowerCase() : functionName(ast);
  const name = aggregateBaseName(rawName);
  let call: WindowCall;
  if (name in AGGREGATES) {
    const a = ast.args ?? {};
    const argAsts: Ast[] = ast.type === 'aggr_func' ? (a.expr === undefined ? [] : [a.expr]) : (a.value ?? []);
    const star = argAsts.length === 1 && argAsts[0]!.type === 'star';
    if (String(a.distinct ?? '').toUpperCase() === 'DISTINCT' || rawName !== name) {
      throw new EonError('feature_not_supported', 'DISTINCT is not implemented for window functions');
    }
    const args = star ? [] : argAsts.map(inner);
    const agg = { ...makeAggregate(AGGREGATES[name]!, args, false, null, star, ctx), orderBy: [] };
    call = { fn: 'aggregate', args: agg.args, aggregate: agg, partitionBy, orderBy, frame, type: agg.type };
  } else {
    let fn = WINDOW_FUNCTIONS[name];
    let argAsts = (ast.args?.value ?? []) as Ast[];
    const marker = name === 'ntile' && argAsts.length === 1 && argAsts[0]!.type === 'column_ref' ? String(argAsts[0]!.column?.expr?.value ?? '') : '';
    if (marker.startsWith(RENAMED_PREFIX)) {
      fn = WINDOW_FUNCTIONS[marker.slice(RENAMED_PREFIX.length)];
      argAsts = [];
    }
    if (fn === undefined) throw new EonError('undefined_function', `function ${name} is not a window function`);
    const args = argAsts.map(inner);
    call = windowFunctionCall(fn, args, partitionBy, orderBy, frame, params);
  }
  const i = ctx.windows.push(call) - 1;
  return { kind: 'column', type: call.type, index: WINDOW_COLUMN_BASE + i, name };
}

function containsWindow(ast: unknown): boolean {
  if (ast === null || typeof ast !== 'object') return false;
  const node = ast as Ast;
  if (node.over !== undefined && node.over !== null) return true;
  if (node.ast !== undefined) return false;
  return Object.values(node).some((v) => (Array.isArray(v) ? v.some(containsWindow) : containsWindow(v)));
}

function windowFunctionCall(
  fn: WindowFunctionName,
  argsIn: Expr[],
  partitionBy: Expr[],
  orderBy: WindowCall['orderBy'],
  frame: WindowFrame,
  params: (ColumnType | undefined)[],
): WindowCall {
  const arity: Record<string, [number, number]> = {
    row_number: [0, 0], rank: [0, 0], dense_rank: [0, 0], percent_rank: [0, 0], cume_dist: [0, 0],
    ntile: [1, 1], lag: [1, 3], lead: [1, 3], first_value: [1, 1], last_value: [1, 1], nth_value: [2, 2],
  };
  const [lo, hi] = arity[fn]!;
  if (argsIn.length < lo || argsIn.length > hi) {
    throw new EonError('undefined_function', `function ${fn} with ${argsIn.length} arguments does not exist`);
  }
  let args = argsIn;
  let type: ColumnType;
  switch (fn) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
      type = T.int8;
      break;
    case 'percent_rank':
    case 'cume_dist':
      type = T.float8;
      break;
    case 'ntile':
      args = [coerce(args[0]!, T.int4, 'implicit', params)];
      type = T.int4;
      break;
    case 'nth_value':
      args = [args[0]!, coerce(args[1]!, T.int4, 'implicit', params)];
      type = args[0]!.type.kind === 'unknown' ? T.text : args[0]!.type;
      break;
    case 'lag':
    case 'lead': {
      let v = args[0]!.type.kind === 'unknown' ? coerce(args[0]!, T.text, 'implicit', params) : args[0]!;
      const rest: Expr[] = [];
      if (args[1] !== undefined) rest.push(coerce(args[1], T.int4, 'implicit', params));
      if (args[2] !== undefined) {
        const { type: t, exprs } = unify([v, args[2]], 'lag/lead', params);
        v = exprs[0]!;
        rest[0] ??= { kind: 'const', type: T.int4, value: 1 };
        rest.push(coerce(exprs[1]!, t, 'implicit', params));
      }
      args = [v, ...rest];
      type = v.type;
      break;
    }
    default:
      type = args[0]!.type.kind === 'unknown' ? T.text : args[0]!.type;
  }
  return { fn, args, aggregate: null, partitionBy, orderBy, frame, type };
}

function frameBound(node: Ast | undefined, isStart: boolean): FrameBound {
  const text = String(node?.value ?? '').trim().toLowerCase();
  if (text === 'unbounded preceding') return { kind: 'unbounded_preceding' };
  if (text === 'unbounded following') return { kind: 'unbounded_following' };
  if (text === 'current row') return { kind: 'current_row' };
  const m = /^(\d+)\s+(preceding|following)$/.exec(text);
  if (m !== null) return { kind: 'offset', rows: m[2] === 'preceding' ? -Number(m[1]) : Number(m[1]) };
  throw new EonError('feature_not_supported', `window frame bound "${text}" is not supported${isStart ? '' : ' as frame end'}`);
}

function windowFrame(clause: Ast | undefined, ordered: boolean): WindowFrame {
  if (clause === undefined || clause === null) {
    // PostgreSQL's default: RANGE UNBOUNDED PRECEDING to the current row's last peer.
    return ordered
      ? { mode: 'range', start: { kind: 'unbounded_preceding' }, end: { kind: 'current_row' } }
      : { mode: 'rows', start: { kind: 'unbounded_preceding' }, end: { kind: 'unbounded_following' } };
  }
  const mode = String(clause.left?.value ?? 'rows').toLowerCase() === 'range' ? 'range' : 'rows';
  if (String(clause.operator ?? '').toUpperCase() === 'BETWEEN') {
    const [a, b] = (clause.right?.value ?? []) as Ast[];
    const frame = { mode, start: frameBound(a, true), end: frameBound(b, false) } as WindowFrame;
    if (mode === 'range' && (frame.start.kind === 'offset' || frame.end.kind === 'offset')) {
      throw new EonError('feature_not_supported', 'RANGE frames with offsets are not supported yet');
    }
    return frame;
  }
  return { mode, start: frameBound(clause.right ?? clause, true), end: { kind: 'current_row' } } as WindowFrame;
}
