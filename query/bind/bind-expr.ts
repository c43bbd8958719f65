// Expressions of PostgreSQL's parse tree (libpg-query, typed by @pgsql/types) → bound, typed
// expressions (query/plan/expr.ts): constants, column references, operators, function,
// aggregate and window calls, subqueries, CASE and casts.

import type {
  A_ArrayExpr,
  A_Const,
  A_Expr,
  A_Indirection,
  BoolExpr,
  BooleanTest,
  CaseExpr,
  CollateClause,
  ColumnRef,
  FuncCall,
  GroupingFunc,
  MinMaxExpr,
  Node,
  NullTest,
  SQLValueFunction,
  SelectStmt,
  SubLink,
  TypeCast,
  TypeName,
  WindowDef,
} from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { Interval, Numeric, T, checkInt, checkInt8, formatText, parseText, resolveBinaryOperator, roundTime, timePrecision, type ColumnType, type Value } from '../../src/types/index.js';
import { JSONB_OPERATORS } from '../functions/jsonb-operators.js';
import { isKnownFunction, resolveScalarFunction } from '../functions/index.js';
import { asNode, baseName, constLiteral, integerOf, nameList, nodeTag, wrap, type NodeOf, type NodeTag } from '../parse/ast.js';
import type { Expr } from '../plan/expr.js';
import type { AggregateCall, AggregateName, FrameBound, SortKey, WindowCall, WindowFrame, WindowFunctionName } from '../plan/logical.js';
import { LevelContext, PARAMS_MAX, WINDOW_COLUMN_BASE } from './context.js';
import { castElementTypeOf, castTargetTypeOf, intervalLiteralUnit, referenceTypeOf } from './data-type.js';
import { castArrayText, formatArray, parseArrayText } from '../catalog/array-text.js';
import { exprKey } from './expr-key.js';
import { bindBinary, coerce, requireBoolean, unify } from './typing.js';
import { BITWISE_OPERATORS, bindBitwise } from './bind-bitwise.js';
import { bindSubquery } from './bind-select.js';
import { GROUPING_ARGUMENTS_MAX } from './grouping-sets.js';
import { ORDERED_SET_AGGREGATES, orderedSetAggregate } from './ordered-set.js';

const INT4_MIN = -2147483648;
const INT4_MAX = 2147483647;
const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

// Window frame options: the bits of WindowDef.frameOptions, as PostgreSQL's
// src/include/nodes/parsenodes.h defines FRAMEOPTION_*.
/** Any frame clause was given (else the defaults below apply). */
const FRAMEOPTION_NONDEFAULT = 0x1;
const FRAMEOPTION_RANGE = 0x2;
const FRAMEOPTION_GROUPS = 0x8;
const FRAMEOPTION_START_UNBOUNDED_PRECEDING = 0x20;
const FRAMEOPTION_END_UNBOUNDED_PRECEDING = 0x40;
const FRAMEOPTION_START_UNBOUNDED_FOLLOWING = 0x80;
const FRAMEOPTION_END_UNBOUNDED_FOLLOWING = 0x100;
const FRAMEOPTION_START_CURRENT_ROW = 0x200;
const FRAMEOPTION_END_CURRENT_ROW = 0x400;
const FRAMEOPTION_START_OFFSET_PRECEDING = 0x800;
const FRAMEOPTION_END_OFFSET_PRECEDING = 0x1000;
const FRAMEOPTION_START_OFFSET_FOLLOWING = 0x2000;
const FRAMEOPTION_END_OFFSET_FOLLOWING = 0x4000;
const FRAMEOPTION_EXCLUDE_CURRENT_ROW = 0x8000;
const FRAMEOPTION_EXCLUDE_GROUP = 0x10000;
const FRAMEOPTION_EXCLUDE_TIES = 0x20000;
const FRAMEOPTION_EXCLUSION = FRAMEOPTION_EXCLUDE_CURRENT_ROW | FRAMEOPTION_EXCLUDE_GROUP | FRAMEOPTION_EXCLUDE_TIES;

/** The schemas eon's relations live in (user tables in public; the catalogs): the schemas a column reference may name. */
const TABLE_SCHEMAS = new Set(['public', 'pg_catalog', 'information_schema']);

/** Collations that are eon's own comparison (the database default, code-point "C"/"POSIX"): naming them changes nothing. */
const NEUTRAL_COLLATIONS = new Set(['default', 'C', 'POSIX']);

/** The function a subscript `a[i]` of an array (held as its text form) is (query/functions/system.ts). */
const SUBSCRIPT_FUNCTION = 'eon_subscript';
/** The per-row element formatter ARRAY(subquery) aggregates (query/functions/system.ts). */
const ARRAY_ITEM_FUNCTION = 'eon_array_item';

/**
 * The element types of the arrays bound here (casts to int[], ARRAY[…]): eon holds arrays as
 * their text, so a subscript of one is cast back to its element type.
 */
const arrayElementTypes = new WeakMap<Expr, ColumnType>();

/** SQL-syntax forms whose functions eon lacks, by the function the parser calls, for 0A000 messages. */
const SQL_SYNTAX_FORMS: Readonly<Record<string, string>> = {
  timezone: 'AT TIME ZONE',
  overlay: 'OVERLAY',
  pg_collation_for: 'COLLATION FOR',
  is_normalized: 'IS NORMALIZED',
  normalize: 'NORMALIZE',
};

/** Tree fields that record source positions: not part of what a subquery computes. */
const LOCATION_FIELDS = new Set(['location', 'stmt_location', 'stmt_len', 'list_start', 'list_end', 'rexpr_list_start', 'rexpr_list_end']);

/** The aggregates eon computes, by the names SQL calls them (every is bool_and). */
const AGGREGATES: ReadonlyMap<string, AggregateName> = new Map([
  ['count', 'count'],
  ['sum', 'sum'],
  ['avg', 'avg'],
  ['min', 'min'],
  ['max', 'max'],
  ['bool_and', 'bool_and'],
  ['bool_or', 'bool_or'],
  ['every', 'bool_and'],
  ['string_agg', 'string_agg'],
  ['array_agg', 'array_agg'],
  ['jsonb_agg', 'jsonb_agg'],
  ['jsonb_object_agg', 'jsonb_object_agg'],
  ['percentile_cont', 'percentile_cont'],
  ['percentile_disc', 'percentile_disc'],
  ['mode', 'mode'],
]);

const COMPARISONS = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '||', '^']);
const REGEX_MATCHES = new Set(['~', '~*', '!~', '!~*']);
/** LIKE and ILIKE as operators: PostgreSQL spells `a LIKE b` as `a ~~ b`. */
const LIKE_OPERATORS: Readonly<Record<string, { caseInsensitive: boolean; negate: boolean }>> = {
  '~~': { caseInsensitive: false, negate: false },
  '!~~': { caseInsensitive: false, negate: true },
  '~~*': { caseInsensitive: true, negate: false },
  '!~~*': { caseInsensitive: true, negate: true },
};

/** The payload of `node`, whose tag the caller has checked. */
function payload<K extends NodeTag>(node: Node, tag: K): NodeOf<K> {
  const p = asNode(node, tag);
  if (p === undefined) throw new EonError('internal_error', `expected a ${tag} node, got ${nodeTag(node)}`);
  return p;
}

export function bindExpr(node: Node, ctx: LevelContext): Expr {
  ctx.stmt.enter();
  try {
    const call = asNode(node, 'FuncCall');
    if (call?.over !== undefined) return bindWindowCall(call, ctx);
    if (ctx.agg !== null) return bindAboveAggregate(node, ctx);
    return bindPlain(node, ctx);
  } finally {
    ctx.stmt.leave();
  }
}

/** Above GROUP BY: an expression is a group key, an aggregate, or built from those. */
function bindAboveAggregate(node: Node, ctx: LevelContext): Expr {
  const agg = ctx.agg!;
  const call = asNode(node, 'FuncCall');
  if (call !== undefined && isAggregateCall(call)) return bindAggregateCall(call, ctx);
  const grouping = asNode(node, 'GroupingFunc');
  if (grouping !== undefined) return bindGroupingFunc(grouping, ctx);
  if (!containsAggregate(node) && !isLiteral(node)) {
    const saved = ctx.agg;
    ctx.agg = null;
    let plain: Expr;
    try {
      plain = bindPlain(node, ctx);
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
  return bindPlain(node, ctx);
}

function nameOf(e: Expr): string {
  return e.kind === 'column' || e.kind === 'outer' ? e.name : '?column?';
}

function isLiteral(node: Node): boolean {
  const tag = nodeTag(node);
  return tag === 'A_Const' || tag === 'ParamRef';
}

/** An aggregate call of this level: an aggregate's name without OVER. */
function isAggregateCall(call: FuncCall): boolean {
  return call.over === undefined && AGGREGATES.has(functionName(call));
}

/** Whether the expression calls an aggregate (or grouping()) of its own level (a subquery's aggregates are its own). */
export function containsAggregate(node: Node | readonly Node[] | undefined): boolean {
  return someNode(node, (n) => {
    const call = asNode(n, 'FuncCall');
    return (call !== undefined && isAggregateCall(call)) || nodeTag(n) === 'GroupingFunc';
  });
}

/** Whether the expression calls a window function (outside subqueries). */
function containsWindow(node: Node | readonly Node[] | undefined): boolean {
  return someNode(node, (n) => asNode(n, 'FuncCall')?.over !== undefined);
}

/**
 * Whether `test` holds for a node of the tree, not looking into subqueries (a SubLink's
 * subselect) but into everything else: arguments, FILTER, ORDER BY and OVER clauses.
 */
function someNode(tree: unknown, test: (n: Node) => boolean): boolean {
  if (tree === null || typeof tree !== 'object') return false;
  if (Array.isArray(tree)) return tree.some((t) => someNode(t, test));
  const obj = tree as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && /^[A-Z]/.test(keys[0]!)) {
    // A wrapped node ({ Tag: payload }).
    const n = tree as Node;
    if (test(n)) return true;
    const sub = asNode(n, 'SubLink');
    if (sub !== undefined) return someNode(sub.testexpr, test);
    if (nodeTag(n) === 'SelectStmt') return false;
  }
  for (const k of keys) {
    if (someNode(obj[k], test)) return true;
  }
  return false;
}

function bindAggregateCall(call: FuncCall, ctx: LevelContext): Expr {
  const agg = ctx.agg!;
  const name = functionName(call);
  const aggName = AGGREGATES.get(name);
  if (aggName === undefined) throw new EonError('undefined_function', `function ${name} does not exist`);
  const orderedSet = ORDERED_SET_AGGREGATES.has(aggName);
  if (call.agg_within_group === true && !orderedSet) {
    throw new EonError('wrong_object_type', `${name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP`);
  }
  // Arguments of an aggregate are bound below the aggregation, against the FROM scope.
  const saved = ctx.agg;
  ctx.agg = null;
  try {
    const argNodes = plainArguments(call);
    for (const a of argNodes) {
      if (containsAggregate(a)) throw new EonError('grouping_error', 'aggregate function calls cannot be nested');
    }
    const star = call.agg_star === true;
    const distinct = call.agg_distinct === true;
    const args = argNodes.map((a) => bindPlain(a, ctx));
    const filter = call.agg_filter !== undefined ? requireBoolean(bindPlain(call.agg_filter, ctx), 'FILTER', ctx.stmt.params) : null;
    const orderBy = sortKeys(call.agg_order, (n) => bindPlain(n, ctx));
    let made: AggregateCall;
    if (orderedSet) {
      // Without WITHIN GROUP the call names no function PostgreSQL has (its ORDER BY is the sorted input).
      if (call.agg_within_group !== true) orderBy.splice(0);
      made = orderedSetAggregate(aggName, args, orderBy, filter, ctx.stmt.params, typeLabel);
    } else {
      made = { ...makeAggregate(aggName, args, distinct, filter, star, ctx), orderBy };
      if (made.name === 'array_agg' && made.distinct && orderBy.some((o) => exprKey(o.expr) !== exprKey(made.args[0]!))) {
        throw new EonError('invalid_column_reference', 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list');
      }
    }
    const key = `${made.name}${made.distinct ? ' distinct' : ''}(${made.args.map(exprKey).join(',')})${made.filter === null ? '' : ` filter ${exprKey(made.filter)}`} order(${orderBy.map((o) => `${exprKey(o.expr)}${o.descending ? '-' : '+'}${o.nullsFirst ? 'f' : 'l'}`).join(',')})`;
    let i = agg.callKeys.indexOf(key);
    if (i < 0) {
      i = agg.calls.length;
      agg.calls.push(made);
      agg.callKeys.push(key);
    }
    const column: Expr = { kind: 'column', type: made.type, index: agg.groupExprs.length + i, name };
    if (made.name === 'array_agg') arrayElementTypes.set(column, made.args[0]!.type);
    return column;
  } finally {
    ctx.agg = saved;
  }
}

/**
 * grouping(a, b, …): registered as a pseudo-aggregate whose arguments name group keys (columns of
 * the aggregate's output); the select binder replaces it by each grouping set's bit mask.
 */
function bindGroupingFunc(g: GroupingFunc, ctx: LevelContext): Expr {
  const agg = ctx.agg!;
  const argNodes = g.args ?? [];
  if (argNodes.length > GROUPING_ARGUMENTS_MAX) throw new EonError('too_many_arguments', `GROUPING must have fewer than ${GROUPING_ARGUMENTS_MAX + 1} arguments`);
  const saved = ctx.agg;
  ctx.agg = null;
  let args: Expr[];
  try {
    args = argNodes.map((a): Expr => {
      if (containsAggregate(a)) throw new EonError('grouping_error', 'arguments to GROUPING must be grouping expressions of the associated query level');
      const e = bindExpr(a, ctx);
      const gi = agg.groupKeys.indexOf(exprKey(e));
      if (gi < 0) throw new EonError('grouping_error', 'arguments to GROUPING must be grouping expressions of the associated query level');
      return { kind: 'column', type: e.type, index: gi, name: nameOf(e) };
    });
  } finally {
    ctx.agg = saved;
  }
  const made: AggregateCall = { name: 'grouping', args, distinct: false, filter: null, type: T.int4, orderBy: [] };
  const key = `grouping(${args.map((a) => (a.kind === 'column' ? a.index : -1)).join(',')})`;
  let i = agg.callKeys.indexOf(key);
  if (i < 0) {
    i = agg.calls.length;
    agg.calls.push(made);
    agg.callKeys.push(key);
  }
  return { kind: 'column', type: T.int4, index: agg.groupExprs.length + i, name: 'grouping' };
}

/** ORDER BY items (SortBy nodes) → sort keys; NULLS FIRST is the default for DESC, as in PostgreSQL. */
function sortKeys(items: readonly Node[] | undefined, bind: (n: Node) => Expr): SortKey[] {
  return (items ?? []).map((item) => {
    const s = payload(item, 'SortBy');
    if (s.sortby_dir === 'SORTBY_USING') throw new EonError('feature_not_supported', 'ORDER BY ... USING is not supported');
    const descending = s.sortby_dir === 'SORTBY_DESC';
    const nullsFirst = s.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : s.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : descending;
    return { expr: bind(s.node!), descending, nullsFirst };
  });
}

/** A call's arguments, refusing the argument forms eon has no functions for. */
function plainArguments(call: FuncCall): Node[] {
  const args = call.args ?? [];
  if (call.func_variadic === true) throw new EonError('feature_not_supported', 'VARIADIC arguments are not supported');
  if (args.some((a) => nodeTag(a) === 'NamedArgExpr')) throw new EonError('feature_not_supported', 'named function arguments are not supported');
  return args;
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
  if (name === 'jsonb_agg' || name === 'jsonb_object_agg') {
    const want = name === 'jsonb_agg' ? 1 : 2;
    if (argsIn.length !== want) throw new EonError('undefined_function', `function ${name} with ${argsIn.length} arguments does not exist`);
    const args = argsIn.map((a) => (a.type.kind === 'unknown' ? coerce(a, T.text, 'implicit', params) : a));
    return { name, args, distinct, filter, type: T.jsonb };
  }
  if (name === 'array_agg') {
    // Arrays are their text form (query/catalog/array-text.ts): the result is typed text.
    if (argsIn.length !== 1) throw new EonError('undefined_function', `function array_agg with ${argsIn.length} arguments does not exist`);
    const arg = argsIn[0]!.type.kind === 'unknown' ? coerce(argsIn[0]!, T.text, 'implicit', params) : argsIn[0]!;
    return { name, args: [arg], distinct, filter, type: T.text };
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
      // PostgreSQL 15 has no min/max over uuid or bytea.
      if (k === 'uuid' || k === 'bytea') throw new EonError('undefined_function', `function ${name}(${k}) does not exist`, { hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' });
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
  return ({ int2: 'smallint', int4: 'integer', int8: 'bigint', float4: 'real', float8: 'double precision', bool: 'boolean', text: 'text', varchar: 'character varying', numeric: 'numeric', date: 'date', timestamp: 'timestamp without time zone', timestamptz: 'timestamp with time zone', interval: 'interval', unknown: 'unknown', json: 'json', jsonb: 'jsonb', uuid: 'uuid', bytea: 'bytea', time: 'time without time zone' } as const)[t.kind];
}

/** A called function's own name, its schema (pg_catalog for the SQL-syntax forms) dropped. */
export function functionName(call: FuncCall): string {
  return baseName(call.funcname);
}

/**
 * A numeric literal PostgreSQL's scanner did not make an integer (decimals, exponents, integers
 * beyond int4, negated by the parser): an integer that fits int4 or int8 is of that type, as
 * make_const types it; anything else is numeric.
 */
export function numberLiteral(text: string): Expr {
  const clean = text.replace(/_/g, '');
  const m = /^(-?)(\d+|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+)$/.exec(clean);
  if (m !== null) {
    const magnitude = BigInt(m[2]!);
    const big = m[1] === '-' ? -magnitude : magnitude;
    if (big >= BigInt(INT4_MIN) && big <= BigInt(INT4_MAX)) return { kind: 'const', type: T.int4, value: Number(big) };
    if (big >= INT8_MIN && big <= INT8_MAX) return { kind: 'const', type: T.int8, value: big };
    return { kind: 'const', type: T.numeric, value: parseText(T.numeric, big.toString()) };
  }
  return { kind: 'const', type: T.numeric, value: parseText(T.numeric, clean) };
}

function bindConst(c: A_Const): Expr {
  const lit = constLiteral(c);
  switch (lit.kind) {
    case 'null':
      return { kind: 'const', type: T.unknown, value: null };
    case 'integer':
      return { kind: 'const', type: T.int4, value: lit.value };
    case 'number':
      return numberLiteral(lit.text);
    case 'string':
      // Typed by context, as PostgreSQL's unknown literals.
      return { kind: 'const', type: T.unknown, value: lit.text };
    case 'boolean':
      return { kind: 'const', type: T.bool, value: lit.value };
    case 'bits':
      throw new EonError('feature_not_supported', 'bit string literals are not supported');
    default: {
      const never: never = lit;
      throw new EonError('internal_error', `unexpected literal ${JSON.stringify(never)}`);
    }
  }
}

function bindPlain(node: Node, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const tag = nodeTag(node);
  switch (tag) {
    case 'A_Const':
      return bindConst(payload(node, 'A_Const'));
    case 'ParamRef':
      return bindParam(payload(node, 'ParamRef').number ?? 0, ctx);
    case 'ColumnRef':
      return bindColumnRef(payload(node, 'ColumnRef'), ctx);
    case 'A_Expr':
      return bindAExpr(payload(node, 'A_Expr'), ctx);
    case 'BoolExpr':
      return bindBoolExpr(payload(node, 'BoolExpr'), ctx);
    case 'NullTest': {
      const t: NullTest = payload(node, 'NullTest');
      return { kind: 'is_null', type: T.bool, arg: bindExpr(t.arg!, ctx), negate: t.nulltesttype === 'IS_NOT_NULL' };
    }
    case 'BooleanTest':
      return bindBooleanTest(payload(node, 'BooleanTest'), ctx);
    case 'TypeCast':
      return bindTypeCast(payload(node, 'TypeCast'), ctx);
    case 'FuncCall':
      return bindFunction(payload(node, 'FuncCall'), ctx);
    case 'SubLink':
      return bindSubLink(payload(node, 'SubLink'), false, ctx);
    case 'CaseExpr':
      return bindCase(payload(node, 'CaseExpr'), ctx);
    case 'CoalesceExpr': {
      const { type, exprs } = unify((payload(node, 'CoalesceExpr').args ?? []).map((a) => bindExpr(a, ctx)), 'COALESCE', params);
      return { kind: 'coalesce', type, args: exprs };
    }
    case 'MinMaxExpr': {
      const m: MinMaxExpr = payload(node, 'MinMaxExpr');
      return callFunction(m.op === 'IS_LEAST' ? 'least' : 'greatest', (m.args ?? []).map((a) => bindExpr(a, ctx)), ctx);
    }
    case 'SQLValueFunction':
      return bindSqlValueFunction(payload(node, 'SQLValueFunction'), ctx);
    case 'A_ArrayExpr':
      return bindArrayConstructor(payload(node, 'A_ArrayExpr'), ctx);
    case 'A_Indirection':
      return bindIndirection(payload(node, 'A_Indirection'), ctx);
    case 'CollateClause':
      return bindCollate(payload(node, 'CollateClause'), ctx);
    case 'RowExpr': {
      // A one-element row is its element; eon has no composite values.
      const args = payload(node, 'RowExpr').args ?? [];
      if (args.length === 1) return bindExpr(args[0]!, ctx);
      throw new EonError('feature_not_supported', 'row constructors are not supported');
    }
    case 'SetToDefault':
      throw new EonError('syntax_error', 'DEFAULT is not allowed in this context');
    case 'GroupingFunc':
      // Above GROUP BY, bindAboveAggregate takes it; here there is no aggregation to ask about.
      if (ctx.noAggregates !== null) throw new EonError('grouping_error', `grouping operations are not allowed in ${ctx.noAggregates}`);
      throw new EonError('grouping_error', 'arguments to GROUPING must be grouping expressions of the associated query level');
    default:
      throw new EonError('feature_not_supported', `expression of type ${tag} is not supported`);
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

/** `c`, `t.c`, `s.t.c` or `db.s.t.c`: the schema, the range variable and the column (the database is not a scope in eon). */
function columnParts(ref: ColumnRef): { schema: string | null; table: string | null; name: string } {
  const fields = ref.fields ?? [];
  if (fields.some((f) => nodeTag(f) === 'A_Star')) throw new EonError('syntax_error', 'a * is not allowed here');
  const names = nameList(fields);
  if (names.length === 0 || names.length > 4) {
    throw new EonError('syntax_error', `improper qualified name (too many dotted names): ${names.join('.')}`);
  }
  return {
    schema: names.length >= 3 ? names[names.length - 3]! : null,
    table: names.length >= 2 ? names[names.length - 2]! : null,
    name: names[names.length - 1]!,
  };
}

function bindColumnRef(ref: ColumnRef, ctx: LevelContext): Expr {
  const { schema, table, name } = columnParts(ref);
  if (schema !== null && !TABLE_SCHEMAS.has(schema) && table !== null) {
    // eon's relations live in these schemas only: s.t.c names no table of the FROM clause.
    throw new EonError(
      'undefined_table',
      scopeChainHasTable(ctx, table) ? `invalid reference to FROM-clause entry for table "${table}"` : `missing FROM-clause entry for table "${table}"`,
    );
  }
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
  if (table !== null && !scopeChainHasTable(ctx, table)) {
    throw new EonError('undefined_table', `missing FROM-clause entry for table "${table}"`);
  }
  throw new EonError('undefined_column', table === null ? `column "${name}" does not exist` : `column ${table}.${name} does not exist`);
}

function scopeChainHasTable(ctx: LevelContext, table: string): boolean {
  for (let l: LevelContext | null = ctx; l !== null; l = l.parent) if (l.scope.hasTable(table)) return true;
  return false;
}

/** A clock function, never constant-folded (current_date, now(), localtimestamp). */
function clockCall(fnName: string): Expr {
  const f = resolveScalarFunction(fnName, []);
  return { kind: 'call', type: f.returnType, name: fnName, args: [], strict: false, volatile: true, fn: f.impl };
}

/** SQL's niladic keywords (current_user, current_date, …) as the functions eon implements. */
function bindSqlValueFunction(f: SQLValueFunction, ctx: LevelContext): Expr {
  switch (f.op) {
    case 'SVFOP_CURRENT_DATE':
      return clockCall('current_date');
    // Precisions (current_timestamp(3)) are not applied: eon's clock has microseconds.
    case 'SVFOP_CURRENT_TIMESTAMP':
    case 'SVFOP_CURRENT_TIMESTAMP_N':
      return clockCall('now');
    case 'SVFOP_LOCALTIMESTAMP':
    case 'SVFOP_LOCALTIMESTAMP_N':
      return clockCall('localtimestamp');
    // current_time is a time with time zone, which eon does not have.
    case 'SVFOP_CURRENT_TIME':
    case 'SVFOP_CURRENT_TIME_N':
      throw new EonError('feature_not_supported', 'type time with time zone is not supported');
    case 'SVFOP_LOCALTIME':
      return clockCall('localtime');
    case 'SVFOP_LOCALTIME_N': {
      // The parse tree leaves a zero typmod out: localtime(0) arrives without one.
      const precision = timePrecision(f.typmod ?? 0);
      const type: ColumnType = { kind: 'time', precision };
      return { kind: 'cast', type, arg: clockCall('localtime'), fn: (v) => (v === null ? null : roundTime(v as number, precision)) };
    }
    // current_role and user are current_user; current_catalog is current_database().
    case 'SVFOP_CURRENT_USER':
    case 'SVFOP_CURRENT_ROLE':
    case 'SVFOP_USER':
      return callFunction('current_user', [], ctx);
    case 'SVFOP_SESSION_USER':
      return callFunction('session_user', [], ctx);
    case 'SVFOP_CURRENT_CATALOG':
      return callFunction('current_database', [], ctx);
    case 'SVFOP_CURRENT_SCHEMA':
      return callFunction('current_schema', [], ctx);
    default:
      throw new EonError('feature_not_supported', `${String(f.op)} is not supported`);
  }
}

/** The operator of an A_Expr: its last name (`OPERATOR(pg_catalog.~)` is `~`: eon has no user-defined operators). */
function operatorName(e: A_Expr): string {
  return baseName(e.name);
}

function bindAExpr(e: A_Expr, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const op = operatorName(e);
  switch (e.kind) {
    case 'AEXPR_OP':
      if (e.lexpr === undefined) return bindPrefix(op, e.rexpr!, ctx);
      return bindOperator(op, e.lexpr, e.rexpr!, ctx);
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL':
      return bindArrayQuantified(op === '!=' ? '<>' : op, e.kind === 'AEXPR_OP_ANY', bindExpr(e.lexpr!, ctx), bindExpr(e.rexpr!, ctx), ctx);
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT':
      return bindDistinct(bindExpr(e.lexpr!, ctx), bindExpr(e.rexpr!, ctx), e.kind === 'AEXPR_NOT_DISTINCT', ctx);
    case 'AEXPR_NULLIF': {
      const a = bindExpr(e.lexpr!, ctx);
      const b = bindExpr(e.rexpr!, ctx);
      const eq = bindBinary('=', a, b, params);
      // NULLIF's result has the type its first argument took in the comparison.
      const typedA = a.type.kind === 'unknown' ? coerce(a, b.type.kind === 'unknown' ? T.text : b.type, 'implicit', params) : a;
      return { kind: 'case', type: typedA.type, whens: [{ cond: eq, result: { kind: 'const', type: typedA.type, value: null } }], otherwise: typedA };
    }
    case 'AEXPR_IN':
      return bindIn(e, op === '<>', ctx);
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE': {
      const like = LIKE_OPERATORS[op];
      if (like === undefined) throw new EonError('internal_error', `unexpected LIKE operator ${op}`);
      return bindLike(e.lexpr!, e.rexpr!, op, like.caseInsensitive, like.negate, ctx);
    }
    case 'AEXPR_SIMILAR':
      throw new EonError('feature_not_supported', 'SIMILAR TO is not supported yet');
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM': {
      const [loNode, hiNode] = payload(e.rexpr!, 'List').items ?? [];
      const a = bindExpr(e.lexpr!, ctx);
      const lo = bindExpr(loNode!, ctx);
      const hi = bindExpr(hiNode!, ctx);
      const between = (from: Expr, to: Expr): Expr => ({ kind: 'and', type: T.bool, args: [bindBinary('>=', a, from, params), bindBinary('<=', a, to, params)] });
      const symmetric = e.kind === 'AEXPR_BETWEEN_SYM' || e.kind === 'AEXPR_NOT_BETWEEN_SYM';
      // SYMMETRIC: either order of the bounds (PostgreSQL's expansion).
      const test: Expr = symmetric ? { kind: 'or', type: T.bool, args: [between(lo, hi), between(hi, lo)] } : between(lo, hi);
      return e.kind === 'AEXPR_BETWEEN' || e.kind === 'AEXPR_BETWEEN_SYM' ? test : { kind: 'not', type: T.bool, arg: test };
    }
    default:
      throw new EonError('feature_not_supported', `operator ${op} is not supported`);
  }
}

/** Binary operators: comparisons, arithmetic, ||, regular expression matches and LIKE spelled ~~. */
function bindOperator(op: string, left: Node, right: Node, ctx: LevelContext): Expr {
  const like = Object.hasOwn(LIKE_OPERATORS, op) ? LIKE_OPERATORS[op] : undefined;
  if (like !== undefined) return bindLike(left, right, op, like.caseInsensitive, like.negate, ctx);
  if (BITWISE_OPERATORS.has(op)) return bindBitwise(op, bindExpr(left, ctx), bindExpr(right, ctx), ctx.stmt.params);
  if (!COMPARISONS.has(op) && !ARITHMETIC.has(op) && !REGEX_MATCHES.has(op) && !JSONB_OPERATORS.has(op)) {
    throw new EonError('feature_not_supported', `operator ${op} is not supported`);
  }
  return bindBinary(op === '!=' ? '<>' : op, bindExpr(left, ctx), bindExpr(right, ctx), ctx.stmt.params);
}

/** `a LIKE b [ESCAPE c]`: the parser spells the escape as like_escape(b, c). */
function bindLike(left: Node, right: Node, op: string, caseInsensitive: boolean, negate: boolean, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const arg = coerceToText(bindExpr(left, ctx), op, ctx);
  const escapeCall = asNode(right, 'FuncCall');
  let pattern: Expr;
  if (escapeCall !== undefined && functionName(escapeCall) === 'like_escape' && (escapeCall.args ?? []).length === 2) {
    const [p, esc] = escapeCall.args!;
    pattern = withLikeEscape(coerceToText(bindExpr(p!, ctx), op, ctx), bindExpr(esc!, ctx));
  } else {
    pattern = coerceToText(bindExpr(right, ctx), op, ctx);
  }
  pattern = pattern.type.kind === 'unknown' ? coerce(pattern, T.text, 'implicit', params) : pattern;
  return { kind: 'like', type: T.bool, arg, pattern, caseInsensitive, negate };
}

function coerceToText(e: Expr, op: string, ctx: LevelContext): Expr {
  if (e.type.kind === 'text' || e.type.kind === 'varchar') return e;
  if (e.type.kind === 'unknown') return coerce(e, T.text, 'implicit', ctx.stmt.params);
  throw new EonError('undefined_function', `operator does not exist: ${typeLabel(e.type)} ${op} unknown`, {
    hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.',
  });
}

function bindBoolExpr(b: BoolExpr, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const args = b.args ?? [];
  if (b.boolop === 'NOT_EXPR') {
    const inner = args[0]!;
    // NOT EXISTS and NOT IN (subquery) are the negated subquery tests (anti joins to the planner).
    const sub = asNode(inner, 'SubLink');
    if (sub !== undefined && (sub.subLinkType === 'EXISTS_SUBLINK' || (sub.subLinkType === 'ANY_SUBLINK' && (sub.operName ?? []).length === 0))) {
      return bindSubLink(sub, true, ctx);
    }
    return { kind: 'not', type: T.bool, arg: requireBoolean(bindExpr(inner, ctx), 'NOT', params) };
  }
  const kind = b.boolop === 'AND_EXPR' ? 'and' : 'or';
  const what = kind === 'and' ? 'AND' : 'OR';
  const out: Expr[] = [];
  for (const a of args) {
    const x = requireBoolean(bindExpr(a, ctx), what, params);
    if (x.kind === kind) out.push(...x.args);
    else out.push(x);
  }
  return { kind, type: T.bool, args: out };
}

/** x IS [NOT] TRUE / FALSE / UNKNOWN. */
function bindBooleanTest(t: BooleanTest, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const test = t.booltesttype ?? 'IS_TRUE';
  const what = test.replace(/_/g, ' ');
  const arg = requireBoolean(bindExpr(t.arg!, ctx), what, params);
  if (test === 'IS_UNKNOWN' || test === 'IS_NOT_UNKNOWN') return { kind: 'is_null', type: T.bool, arg, negate: test === 'IS_NOT_UNKNOWN' };
  // x IS TRUE ≡ x IS NOT DISTINCT FROM true
  const negated = test === 'IS_NOT_TRUE' || test === 'IS_NOT_FALSE';
  const value = test === 'IS_TRUE' || test === 'IS_NOT_TRUE';
  const eq = resolveBinaryOperator('=', T.bool, T.bool).fn;
  return { kind: 'is_distinct', type: T.bool, left: arg, right: { kind: 'const', type: T.bool, value }, negate: !negated, eq };
}

function bindIn(e: A_Expr, negate: boolean, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const items = payload(e.rexpr!, 'List').items ?? [];
  const arg = bindExpr(e.lexpr!, ctx);
  const list = items.map((i) => bindExpr(i, ctx));
  const { type, exprs } = unify([arg, ...list], 'IN', params);
  const eq = resolveBinaryOperator('=', type, type).fn;
  return { kind: 'in_list', type: T.bool, arg: exprs[0]!, list: exprs.slice(1), negate, eq };
}

/** Prefix operators: - (with PostgreSQL's overflow checks), +, and @ (absolute value). */
function bindPrefix(op: string, operand: Node, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  if (op === '-') {
    const arg = bindExpr(operand, ctx);
    const typed = arg.type.kind === 'unknown' ? coerce(arg, T.float8, 'implicit', params) : arg;
    const negate = negation(typed.type);
    if (typed.kind === 'const') return { kind: 'const', type: typed.type, value: typed.value === null ? null : negate(typed.value) };
    return { kind: 'call', type: typed.type, name: 'negate', args: [typed], strict: true, volatile: false, fn: (a) => negate(a[0]!) };
  }
  if (op === '+') return bindExpr(operand, ctx);
  if (op === '@') return callFunction('abs', [bindExpr(operand, ctx)], ctx);
  // |/ is the square root of a double precision.
  if (op === '|/') return callFunction('sqrt', [coerce(bindExpr(operand, ctx), T.float8, 'implicit', params)], ctx);
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

function bindCase(c: CaseExpr, ctx: LevelContext): Expr {
  const params = ctx.stmt.params;
  const operand = c.arg !== undefined ? bindExpr(c.arg, ctx) : null;
  const whens: { cond: Expr; result: Expr }[] = [];
  for (const arm of c.args ?? []) {
    const w = payload(arm, 'CaseWhen');
    const e = bindExpr(w.expr!, ctx);
    const cond = operand === null ? requireBoolean(e, 'CASE', params) : bindBinary('=', operand, e, params);
    whens.push({ cond, result: bindExpr(w.result!, ctx) });
  }
  const otherwise: Expr = c.defresult !== undefined ? bindExpr(c.defresult, ctx) : { kind: 'const', type: T.unknown, value: null };
  const { type, exprs } = unify([...whens.map((w) => w.result), otherwise], 'CASE', params);
  return {
    kind: 'case',
    type,
    whens: whens.map((w, i) => ({ cond: w.cond, result: exprs[i]! })),
    otherwise: exprs[exprs.length - 1]!,
  };
}

function bindTypeCast(c: TypeCast, ctx: LevelContext): Expr {
  const target = c.typeName!;
  const array = asNode(c.arg, 'A_ArrayExpr');
  // ARRAY[]::int[]: the empty array, typed by the cast.
  const inner: Expr =
    array !== undefined && (array.elements ?? []).length === 0 && castElementTypeOf(target) !== null
      ? { kind: 'const', type: T.text, value: '{}' }
      : bindExpr(c.arg!, ctx);
  const unit = intervalLiteralUnit(target);
  if (unit !== null && inner.kind === 'const' && inner.type.kind === 'unknown' && typeof inner.value === 'string' && /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/.test(inner.value)) {
    // interval '1' day: a bare number counts the field named after the literal.
    return { kind: 'const', type: T.interval, value: parseText(T.interval, `${inner.value.trim()} ${unit}`) };
  }
  return castTo(inner, target, ctx);
}

/**
 * One cast step. Object-reference types (regclass, …) are the functions of their names over
 * eon's int4 OIDs; arrays (eon keeps catalog arrays as their text form) are that text, checked
 * against the element type and normalised.
 */
function castTo(inner: Expr, target: TypeName, ctx: LevelContext): Expr {
  const reference = referenceTypeOf(target);
  if (reference !== null) return callFunction(reference, [inner], ctx);
  const element = castElementTypeOf(target);
  if (element === null) return castOnce(inner, castTargetTypeOf(target), ctx);
  if (inner.type.kind !== 'text' && inner.type.kind !== 'varchar' && inner.type.kind !== 'unknown') {
    throw new EonError('cannot_coerce', `cannot cast type ${typeLabel(inner.type)} to ${typeLabel(element)}[]`);
  }
  const text = coerce(inner, T.text, 'implicit', ctx.stmt.params);
  const fn = (args: readonly Value[]): Value => castArrayText(args[0] as string, element);
  const array: Expr =
    text.kind === 'const'
      ? { kind: 'const', type: T.text, value: text.value === null ? null : (fn([text.value]) as string) }
      : { kind: 'call', type: T.text, name: 'array_in', args: [text], strict: true, volatile: false, fn };
  arrayElementTypes.set(array, element);
  return array;
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

/** `c COLLATE x`: the default, "C" and "POSIX" collations are how eon compares text (code points). */
function bindCollate(c: CollateClause, ctx: LevelContext): Expr {
  const names = nameList(c.collname);
  const collation = names[names.length - 1] ?? '';
  if (!NEUTRAL_COLLATIONS.has(collation) || (names.length > 1 && names[0] !== 'pg_catalog')) {
    throw new EonError('feature_not_supported', `collation "${collation}" is not supported: eon compares text by code point ("C")`);
  }
  return bindExpr(c.arg!, ctx);
}

/** `a[i]` of an array held as its text form; slices, fields of composites and nested subscripts are refused. */
function bindIndirection(ind: A_Indirection, ctx: LevelContext): Expr {
  const steps = ind.indirection ?? [];
  const first = steps[0];
  if (first === undefined) return bindExpr(ind.arg!, ctx);
  const index = asNode(first, 'A_Indices');
  if (index === undefined) {
    // (expr).field reads a composite value (JDBC's getPrimaryKeys: (_pg_expandarray(conkey)).n).
    throw new EonError('feature_not_supported', 'field selection from a composite value, (expression).field, is not supported');
  }
  if (steps.length > 1) throw new EonError('feature_not_supported', 'multidimensional arrays are not supported');
  if (index.is_slice === true) throw new EonError('feature_not_supported', 'array slices are not supported');
  const array = bindExpr(ind.arg!, ctx);
  const item = callFunction(SUBSCRIPT_FUNCTION, [array, bindExpr(index.uidx!, ctx)], ctx);
  // The element of a typed array ('{1,2}'::int[], ARRAY[1,2]) has its type; a catalog array's
  // element stays untyped text that takes the type its context gives it.
  const element = arrayElementTypes.get(array);
  return element === undefined ? item : coerce(item, element, 'explicit', ctx.stmt.params);
}

/** ARRAY[a, b, …] as eon holds arrays: their text form ('{a,b}'), the elements of their common type. */
function bindArrayConstructor(a: A_ArrayExpr, ctx: LevelContext): Expr {
  const elements = a.elements ?? [];
  if (elements.length === 0) {
    throw new EonError('indeterminate_datatype', 'cannot determine type of empty array', {
      hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].',
    });
  }
  if (elements.some((e) => nodeTag(e) === 'A_ArrayExpr')) throw new EonError('feature_not_supported', 'multidimensional arrays are not supported');
  const { type, exprs } = unify(
    elements.map((e) => bindExpr(e, ctx)),
    'ARRAY',
    ctx.stmt.params,
  );
  const fn = (values: readonly Value[]): Value => formatArray(values.map((v) => (v === null ? null : formatText(type, v))));
  const array: Expr = exprs.every((e) => e.kind === 'const')
    ? { kind: 'const', type: T.text, value: fn(exprs.map((e) => (e as { value: Value }).value)) }
    : { kind: 'call', type: T.text, name: 'array', args: exprs, strict: false, volatile: false, fn };
  arrayElementTypes.set(array, type);
  return array;
}

function bindFunction(call: FuncCall, ctx: LevelContext): Expr {
  const name = functionName(call);
  if (AGGREGATES.has(name)) {
    if (ctx.noAggregates !== null) {
      throw new EonError('grouping_error', `aggregate functions are not allowed in ${ctx.noAggregates}`);
    }
    throw new EonError('grouping_error', 'aggregate function calls cannot be nested');
  }
  if (WINDOW_FUNCTIONS.has(name)) throw new EonError('wrong_object_type', `window function ${name} requires an OVER clause`);
  if (call.agg_within_group === true) throw new EonError('wrong_object_type', `${name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP`);
  if (call.funcformat === 'COERCE_SQL_SYNTAX' && !isKnownFunction(name)) {
    // SQL's keyword forms (x AT TIME ZONE z, OVERLAY(… PLACING …)) of functions eon does not have.
    throw new EonError('feature_not_supported', `${SQL_SYNTAX_FORMS[name] ?? name} is not supported`);
  }
  const args = plainArguments(call).map((a) => bindExpr(a, ctx));
  // Aggregate-only syntax on a scalar function: as PostgreSQL, the function is looked up first
  // (f(*) as f()), so an unknown function is 42883 and a known one 42809.
  const misuse =
    call.agg_star === true ? `${name}(*)` : call.agg_distinct === true ? 'DISTINCT' : (call.agg_order ?? []).length > 0 ? 'ORDER BY' : call.agg_filter !== undefined ? 'FILTER' : null;
  if (misuse !== null) {
    resolveScalarFunction(name, args.map((a) => a.type));
    throw new EonError('wrong_object_type', `${misuse} specified, but ${name} is not an aggregate function`);
  }
  if (name === 'extract' && args[0] !== undefined) {
    // EXTRACT(YEAR FROM d) arrives as extract('year', d); the field is text, case-insensitive.
    const field = args[0];
    if (field.kind === 'const' && field.type.kind === 'unknown' && typeof field.value === 'string') {
      args[0] = { kind: 'const', type: T.text, value: field.value.toLowerCase() };
    }
  }
  return callFunction(name, args, ctx);
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

/** A key for a subquery's tree: equal subqueries (wherever they stand in the statement) match. */
function treeKey(node: Node): string {
  return JSON.stringify(node, (k, v: unknown) => (LOCATION_FIELDS.has(k) ? undefined : v));
}

function bindSubLink(s: SubLink, negate: boolean, ctx: LevelContext): Expr {
  const subselect = s.subselect!;
  switch (s.subLinkType) {
    case 'EXISTS_SUBLINK':
      return bindSubqueryExpr(subselect, 'exists', negate, ctx);
    case 'EXPR_SUBLINK':
      return bindSubqueryExpr(subselect, 'scalar', false, ctx);
    case 'ANY_SUBLINK':
    case 'ALL_SUBLINK': {
      if (asNode(s.testexpr, 'RowExpr') !== undefined && (asNode(s.testexpr, 'RowExpr')!.args ?? []).length !== 1) {
        throw new EonError('feature_not_supported', 'row constructors are not supported');
      }
      const operName = s.operName ?? [];
      // x IN (subquery) has no operator; x op ANY/ALL (subquery) names it.
      if (operName.length === 0) return bindSubqueryExpr(subselect, 'in', negate, ctx, bindExpr(s.testexpr!, ctx));
      const op = baseName(operName);
      return bindQuantified(op === '!=' ? '<>' : op, s.subLinkType === 'ANY_SUBLINK', s.testexpr!, subselect, ctx);
    }
    case 'ARRAY_SUBLINK':
      return bindArraySubquery(subselect, ctx);
    case 'ROWCOMPARE_SUBLINK':
      throw new EonError('feature_not_supported', 'row constructors are not supported');
    default:
      throw new EonError('feature_not_supported', `subquery of kind ${String(s.subLinkType)} is not supported`);
  }
}

function bindSubqueryExpr(subselect: Node, mode: 'scalar' | 'exists' | 'in', negate: boolean, ctx: LevelContext, arg?: Expr): Expr {
  const { plan, correlated } = bindSubquery(subselect, ctx);
  const key = treeKey(subselect);
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

/** A string constant node. */
function textNode(text: string): Node {
  return { A_Const: { sval: { sval: text } } };
}

function operatorNode(op: string, left: Node, right: Node): Node {
  return { A_Expr: { kind: 'AEXPR_OP', name: [{ String: { sval: op } }], lexpr: left, rexpr: right } };
}

function callNode(name: string, args: Node[], extra: Partial<FuncCall> = {}): Node {
  return { FuncCall: { funcname: [{ String: { sval: name } }], args, funcformat: 'COERCE_EXPLICIT_CALL', ...extra } };
}

/**
 * ARRAY(SELECT e FROM … [ORDER BY …]) as the scalar subquery building its array text:
 * (SELECT '{' || coalesce(string_agg(eon_array_item(e), ',' ORDER BY …), '') || '}' FROM …), so
 * an empty result is '{}' as in PostgreSQL. A SELECT of aggregates (one row) is '{' || item || '}'.
 * GROUP BY, DISTINCT, LIMIT, set operations and several columns are refused.
 */
function bindArraySubquery(subselect: Node, ctx: LevelContext): Expr {
  const s: SelectStmt = payload(subselect, 'SelectStmt');
  const targets = s.targetList ?? [];
  const setOperation = s.op !== undefined && s.op !== 'SETOP_NONE';
  if (!setOperation && (s.valuesLists ?? []).length === 0 && targets.length !== 1) {
    throw new EonError('syntax_error', 'subquery must return only one column');
  }
  if (
    setOperation ||
    (s.valuesLists ?? []).length > 0 ||
    (s.groupClause ?? []).length > 0 ||
    s.havingClause !== undefined ||
    (s.distinctClause ?? []).length > 0 ||
    s.limitCount !== undefined ||
    s.limitOffset !== undefined ||
    (s.windowClause ?? []).length > 0 ||
    (s.lockingClause ?? []).length > 0 ||
    s.intoClause !== undefined
  ) {
    throw new EonError('feature_not_supported', 'ARRAY(subquery) is supported for one column of a plain SELECT (no GROUP BY, HAVING, DISTINCT, LIMIT, OFFSET, WINDOW or set operations)');
  }
  const target = payload(targets[0]!, 'ResTarget');
  const element = target.val!;
  const ref = asNode(element, 'ColumnRef');
  if (ref !== undefined && (ref.fields ?? []).some((f) => nodeTag(f) === 'A_Star')) {
    throw new EonError('feature_not_supported', 'ARRAY(SELECT *) is not supported: name the column');
  }
  if (asNode(element, 'SubLink')?.subLinkType === 'ARRAY_SUBLINK') {
    // Two-dimensional in PostgreSQL ({{1}}); arrays-as-text would print {"{1}"}.
    throw new EonError('feature_not_supported', 'multidimensional arrays are not supported');
  }
  const item = callNode(ARRAY_ITEM_FUNCTION, [element]);
  let text: Node;
  let sortClause = s.sortClause;
  if (containsAggregate(element)) {
    // An aggregate SELECT has exactly one row: a one-element array.
    text = operatorNode('||', operatorNode('||', textNode('{'), item), textNode('}'));
  } else {
    // ORDER BY 1 (or the column's alias) names the element expression.
    const order = (s.sortClause ?? []).map((o): Node => {
      const sortBy = payload(o, 'SortBy');
      const position = asNode(sortBy.node, 'A_Const')?.ival !== undefined ? integerOf(sortBy.node) : undefined;
      if (position !== undefined && position !== 1) {
        throw new EonError('invalid_column_reference', `ORDER BY position ${position} is not in select list`);
      }
      const sortRef = asNode(sortBy.node, 'ColumnRef');
      const byAlias = target.name !== undefined && sortRef !== undefined && nameList(sortRef.fields).join('.') === target.name;
      return position === 1 || byAlias ? { SortBy: { ...sortBy, node: element } } : o;
    });
    const aggregated = callNode('string_agg', [item, textNode(',')], order.length > 0 ? { agg_order: order } : {});
    text = operatorNode('||', operatorNode('||', textNode('{'), { CoalesceExpr: { args: [aggregated, textNode('')] } }), textNode('}'));
    sortClause = undefined;
  }
  const rewritten: SelectStmt = { ...s, targetList: [{ ResTarget: { val: text } }], sortClause };
  return bindSubqueryExpr(wrap('SelectStmt', rewritten), 'scalar', false, ctx);
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
function bindQuantified(op: string, any: boolean, left: Node, subselect: Node, ctx: LevelContext): Expr {
  const arg = bindExpr(left, ctx);
  const { plan, correlated } = bindSubquery(subselect, ctx);
  if (plan.columns.length !== 1) throw new EonError('syntax_error', 'subquery has too many columns');
  const colType = plan.columns[0]!.type.kind === 'unknown' ? T.text : plan.columns[0]!.type;
  let a = arg.type.kind === 'unknown' ? coerce(arg, colType, 'implicit', ctx.stmt.params) : arg;
  const resolved = resolveBinaryOperator(op, a.type, colType);
  a = coerce(a, resolved.leftType, 'implicit', ctx.stmt.params);
  const rightType = resolved.rightType;
  const cmp = rightType.kind === colType.kind ? resolved.fn : (x: Value, y: Value) => resolved.fn(x, coerceConst(y, colType, rightType));
  return { kind: 'quantified', type: T.bool, arg: a, plan, correlated, any, cmp };
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

const WINDOW_FUNCTIONS: ReadonlyMap<string, WindowFunctionName> = new Map(
  (['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist', 'ntile', 'lag', 'lead', 'first_value', 'last_value', 'nth_value'] as const).map((n) => [n, n]),
);

/** A named window of this SELECT (WINDOW w AS (…)); the select binder fills ctx.namedWindows. */
function namedWindow(name: string, ctx: LevelContext): WindowDef {
  const found = ctx.namedWindows.get(name) as WindowDef | { WindowDef: WindowDef } | undefined;
  if (found === undefined) throw new EonError('undefined_object', `window "${name}" does not exist`);
  return 'WindowDef' in found ? found.WindowDef : found;
}

/**
 * The window an OVER clause means: `OVER w` is the named window itself; `OVER (w …)` copies w's
 * PARTITION BY and ORDER BY and adds its own ORDER BY and frame, with PostgreSQL's rules on
 * what may not be overridden.
 */
function resolveWindow(over: WindowDef, ctx: LevelContext, depth = 0): WindowDef {
  if (depth > ctx.namedWindows.size) throw new EonError('windowing_error', 'window definitions reference each other in a cycle');
  let def = over;
  if (over.name !== undefined && over.refname === undefined && (over.partitionClause ?? []).length === 0 && (over.orderClause ?? []).length === 0 && ((over.frameOptions ?? 0) & FRAMEOPTION_NONDEFAULT) === 0) {
    // OVER w: w as defined, frame included.
    def = { ...namedWindow(over.name, ctx), name: undefined };
  }
  if (def.refname === undefined) return def;
  const ref = resolveWindow({ ...namedWindow(def.refname, ctx), name: undefined }, ctx, depth + 1);
  if ((def.partitionClause ?? []).length > 0) throw new EonError('windowing_error', `cannot override PARTITION BY clause of window "${def.refname}"`);
  if ((def.orderClause ?? []).length > 0 && (ref.orderClause ?? []).length > 0) throw new EonError('windowing_error', `cannot override ORDER BY clause of window "${def.refname}"`);
  if (((ref.frameOptions ?? 0) & FRAMEOPTION_NONDEFAULT) !== 0) {
    throw new EonError('windowing_error', `cannot copy window "${def.refname}" because it has a frame clause`, { hint: 'Omit the parentheses in this OVER clause.' });
  }
  return {
    partitionClause: ref.partitionClause,
    orderClause: (def.orderClause ?? []).length > 0 ? def.orderClause : ref.orderClause,
    frameOptions: def.frameOptions,
    startOffset: def.startOffset,
    endOffset: def.endOffset,
  };
}

/** f(...) OVER (PARTITION BY … ORDER BY … frame): registers the call and returns its column. */
function bindWindowCall(call: FuncCall, ctx: LevelContext): Expr {
  if (ctx.noWindows !== null || ctx.noAggregates !== null) {
    throw new EonError('windowing_error', `window functions are not allowed in ${ctx.noWindows ?? ctx.noAggregates}`);
  }
  const params = ctx.stmt.params;
  const ws = resolveWindow(call.over!, ctx);
  // Window calls do not nest; their arguments may use aggregates of this level.
  const inner = (a: Node): Expr => {
    if (containsWindow(a)) throw new EonError('windowing_error', 'window function calls cannot be nested');
    return bindExpr(a, ctx);
  };
  const partitionBy = (ws.partitionClause ?? []).map(inner);
  const orderBy = sortKeys(ws.orderClause, inner);
  const frame = windowFrame(ws, orderBy.length > 0);
  const name = functionName(call);
  const argNodes = plainArguments(call);
  let made: WindowCall;
  const aggName = AGGREGATES.get(name);
  if (aggName !== undefined) {
    if (ORDERED_SET_AGGREGATES.has(aggName)) throw new EonError('feature_not_supported', `OVER is not supported for ordered-set aggregate ${name}`);
    if (call.agg_distinct === true) throw new EonError('feature_not_supported', 'DISTINCT is not implemented for window functions');
    if ((call.agg_order ?? []).length > 0) throw new EonError('feature_not_supported', 'aggregate ORDER BY is not implemented for window functions');
    if (call.agg_filter !== undefined) throw new EonError('feature_not_supported', 'FILTER is not supported for window functions yet');
    const star = call.agg_star === true;
    const args = argNodes.map(inner);
    const agg = { ...makeAggregate(aggName, args, false, null, star, ctx), orderBy: [] };
    made = { fn: 'aggregate', args: agg.args, aggregate: agg, partitionBy, orderBy, frame, type: agg.type };
  } else {
    const fn = WINDOW_FUNCTIONS.get(name);
    if (fn === undefined) throw new EonError('undefined_function', `function ${name} is not a window function`);
    if (call.agg_star === true) throw new EonError('wrong_object_type', `${name}(*) specified, but ${name} is not an aggregate function`);
    if (call.agg_distinct === true) throw new EonError('wrong_object_type', `DISTINCT specified, but ${name} is not an aggregate function`);
    if (call.agg_filter !== undefined) throw new EonError('wrong_object_type', `FILTER is not implemented for non-aggregate window functions`);
    const args = argNodes.map(inner);
    made = windowFunctionCall(fn, args, partitionBy, orderBy, frame, params);
  }
  const i = ctx.windows.push(made) - 1;
  return { kind: 'column', type: made.type, index: WINDOW_COLUMN_BASE + i, name };
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
  const [lo, hi] = arity[fn] ?? [0, 0];
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

/** An `n PRECEDING` / `n FOLLOWING` offset: a non-negative integer constant. */
function frameOffset(node: Node | undefined, preceding: boolean, isStart: boolean): FrameBound {
  const n = asNode(node, 'A_Const')?.ival !== undefined ? integerOf(node) : undefined;
  if (n === undefined) {
    throw new EonError('feature_not_supported', `window frame offsets other than integer constants are not supported${isStart ? '' : ' as frame end'}`);
  }
  if (n < 0) throw new EonError('invalid_parameter_value', `frame ${isStart ? 'starting' : 'ending'} offset must not be negative`);
  return { kind: 'offset', rows: preceding ? -n : n };
}

/** The frame of a window from PostgreSQL's frameOptions bits and offsets. */
function windowFrame(ws: WindowDef, ordered: boolean): WindowFrame {
  const options = ws.frameOptions ?? 0;
  if ((options & FRAMEOPTION_NONDEFAULT) === 0) {
    // PostgreSQL's default: RANGE UNBOUNDED PRECEDING to the current row's last peer.
    return ordered
      ? { mode: 'range', start: { kind: 'unbounded_preceding' }, end: { kind: 'current_row' } }
      : { mode: 'rows', start: { kind: 'unbounded_preceding' }, end: { kind: 'unbounded_following' } };
  }
  if ((options & FRAMEOPTION_GROUPS) !== 0) throw new EonError('feature_not_supported', 'GROUPS frames are not supported yet');
  if ((options & FRAMEOPTION_EXCLUSION) !== 0) throw new EonError('feature_not_supported', 'frame exclusion (EXCLUDE) is not supported yet');
  const mode = (options & FRAMEOPTION_RANGE) !== 0 ? 'range' : 'rows';
  let start: FrameBound;
  if ((options & FRAMEOPTION_START_UNBOUNDED_PRECEDING) !== 0) start = { kind: 'unbounded_preceding' };
  else if ((options & FRAMEOPTION_START_UNBOUNDED_FOLLOWING) !== 0) start = { kind: 'unbounded_following' };
  else if ((options & FRAMEOPTION_START_CURRENT_ROW) !== 0) start = { kind: 'current_row' };
  else if ((options & FRAMEOPTION_START_OFFSET_PRECEDING) !== 0) start = frameOffset(ws.startOffset, true, true);
  else if ((options & FRAMEOPTION_START_OFFSET_FOLLOWING) !== 0) start = frameOffset(ws.startOffset, false, true);
  else throw new EonError('internal_error', `window frame without a start (options ${options})`);
  let end: FrameBound;
  if ((options & FRAMEOPTION_END_UNBOUNDED_FOLLOWING) !== 0) end = { kind: 'unbounded_following' };
  else if ((options & FRAMEOPTION_END_UNBOUNDED_PRECEDING) !== 0) end = { kind: 'unbounded_preceding' };
  else if ((options & FRAMEOPTION_END_OFFSET_PRECEDING) !== 0) end = frameOffset(ws.endOffset, true, false);
  else if ((options & FRAMEOPTION_END_OFFSET_FOLLOWING) !== 0) end = frameOffset(ws.endOffset, false, false);
  // The parser sets END_CURRENT_ROW for a lone start bound (ROWS 2 PRECEDING) too.
  else if ((options & FRAMEOPTION_END_CURRENT_ROW) !== 0) end = { kind: 'current_row' };
  else throw new EonError('internal_error', `window frame without an end (options ${options})`);
  if (mode === 'range' && (start.kind === 'offset' || end.kind === 'offset')) {
    throw new EonError('feature_not_supported', 'RANGE frames with offsets are not supported yet');
  }
  return { mode, start, end };
}
