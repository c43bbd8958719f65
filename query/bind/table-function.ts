// Set-returning functions in FROM: generate_series(start, stop [, step]) over integers and
// unnest(array) over eon's arrays (their text form). With constant arguments and a result of at
// most CONSTANT_ROWS_MAX rows the rows are computed at bind time (a VALUES list the optimizer can
// count); otherwise — a longer series, or arguments from an enclosing query (psql's catalog
// queries pass columns) or from earlier FROM items (implicitly LATERAL, query/bind/lateral.ts) —
// the function becomes a 'function_rows' node that streams its rows in batches as it runs.

import type { Alias, FuncCall, RangeFunction } from '@pgsql/types';
import { EonError } from '../../src/errors/index.js';
import { T, type ColumnType, type Value } from '../../src/types/index.js';
import { parseArrayText } from '../catalog/array-text.js';
import { asNode, nameList } from '../parse/ast.js';
import type { Expr } from '../plan/expr.js';
import type { Plan } from '../plan/logical.js';
import { bindExpr } from './bind-expr.js';
import { LevelContext } from './context.js';
import { Scope } from './scope.js';
import { coerce } from './typing.js';
import { JSONB_TABLE_FUNCTIONS, jsonbOutColumn, jsonbTableFunction } from '../functions/jsonb-table.js';

/** Rows a table function over constant arguments is planned as a VALUES list up to; past it, it streams when it runs. */
export const CONSTANT_ROWS_MAX = 10_000;

/** One set-returning function: its output type, and its values for given argument values. */
export interface TableFunction {
  readonly type: ColumnType;
  values(args: readonly Value[]): Iterable<Value>;
}

function seriesFunction(args: Expr[], ctx: LevelContext): { fn: TableFunction; args: Expr[] } {
  if (args.length !== 2 && args.length !== 3) throw new EonError('undefined_function', `function generate_series with ${args.length} arguments does not exist`);
  const kinds = args.map((a) => a.type.kind);
  if (!kinds.every((k) => k === 'int2' || k === 'int4' || k === 'int8' || k === 'unknown')) {
    throw new EonError('feature_not_supported', `generate_series over ${kinds.join(', ')} is not supported yet (integers only)`);
  }
  const type = kinds.includes('int8') ? T.int8 : T.int4;
  const cast = args.map((a) => coerce(a, type, 'implicit', ctx.stmt.params));
  const big = (v: Value): bigint => BigInt(v as number | bigint);
  return {
    args: cast,
    fn: {
      type,
      *values(values) {
        if (values.some((v) => v === null)) return;
        const start = big(values[0]!);
        const stop = big(values[1]!);
        const step = values.length > 2 ? big(values[2]!) : 1n;
        if (step === 0n) throw new EonError('invalid_parameter_value', 'step size cannot equal zero');
        const count = stop < start === step < 0n || stop === start ? (stop - start) / step + 1n : 0n;
        const last = start + (count - 1n) * step;
        if (type.kind === 'int4' || (isSafe(start) && isSafe(last) && isSafe(step))) {
          // Numbers while every value is exact as one (int4 always is): no BigInt per row.
          const from = Number(start);
          const by = Number(step);
          const n = Number(count);
          if (type.kind === 'int4') for (let k = 0; k < n; k++) yield from + k * by;
          else for (let k = 0; k < n; k++) yield BigInt(from + k * by);
          return;
        }
        for (let k = 0n; k < count; k++) yield start + k * step;
      },
    },
  };
}

function isSafe(v: bigint): boolean {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
}

function unnestFunction(args: Expr[], ctx: LevelContext): { fn: TableFunction; args: Expr[] } {
  if (args.length !== 1) throw new EonError('feature_not_supported', 'unnest with several arrays is not supported yet');
  const k = args[0]!.type.kind;
  if (k !== 'text' && k !== 'varchar' && k !== 'unknown') throw new EonError('undefined_function', `function unnest(${k}) does not exist`);
  return {
    args: [coerce(args[0]!, T.text, 'implicit', ctx.stmt.params)],
    fn: {
      type: T.text,
      values(values) {
        return values[0] === null ? [] : parseArrayText(values[0] as string).items;
      },
    },
  };
}

/** `name(args) [AS] alias[(column)]` in FROM: its plan and the one column it adds to the scope. */
export function bindTableFunction(item: RangeFunction, level: LevelContext, lateral: LevelContext | null = null): { plan: Plan; scope: Scope } {
  if (item.ordinality === true) throw new EonError('feature_not_supported', 'WITH ORDINALITY is not supported yet');
  const functions = item.functions ?? [];
  if (item.is_rowsfrom === true || functions.length !== 1) throw new EonError('feature_not_supported', 'ROWS FROM (…) is not supported yet');
  // Each entry is a List of the call and its column definition list (an empty node when absent).
  const [callNode, columnDefs] = asNode(functions[0], 'List')?.items ?? [];
  const call: FuncCall | undefined = asNode(callNode, 'FuncCall');
  if (call === undefined) throw new EonError('feature_not_supported', 'this kind of FROM item is not supported yet');
  if ((asNode(columnDefs, 'List')?.items ?? []).length > 0 || (item.coldeflist ?? []).length > 0) {
    throw new EonError('syntax_error', 'a column definition list is only allowed for functions returning "record"');
  }
  const names = nameList(call.funcname);
  const name = names[names.length - 1] ?? '';
  if (names.length > 1 && names[0] !== 'pg_catalog') {
    throw new EonError('feature_not_supported', `table function ${names.join('.')}() in FROM is not supported yet`);
  }
  // Arguments may read enclosing queries' columns, and earlier FROM items through `lateral`
  // (query/bind/lateral.ts), whose own flag tells whether an enclosing query's row was read.
  const argLevel = new LevelContext(level.stmt, Scope.empty(), lateral ?? level.parent);
  const bound = (call.args ?? []).map((a) => bindExpr(a, argLevel));
  if (lateral === null && argLevel.correlated) level.correlated = true;
  let made: { fn: TableFunction; args: Expr[] };
  if (name === 'generate_series') made = seriesFunction(bound, level);
  else if (name === 'unnest') made = unnestFunction(bound, level);
  else if (JSONB_TABLE_FUNCTIONS.has(name)) made = jsonbTableFunction(name, bound, (e) => coerce(e, T.jsonb, 'implicit', level.stmt.params));
  else throw new EonError('feature_not_supported', `table function ${name}() in FROM is not supported yet`);
  const { fn, args } = made;

  const alias = aliasOf(item.alias);
  const rangeName = alias.table ?? name;
  const columnName = alias.column ?? jsonbOutColumn(name) ?? alias.table ?? name;
  const columns = [{ name: columnName, type: fn.type }];
  const scope = new Scope([{ table: rangeName, name: columnName, type: fn.type }]);

  if (args.every((a) => a.kind === 'const')) {
    const rows: Expr[][] = [];
    let more = false;
    for (const v of fn.values(args.map((a) => (a as { value: Value }).value))) {
      if (rows.length === CONSTANT_ROWS_MAX) {
        more = true;
        break;
      }
      rows.push([{ kind: 'const', type: fn.type, value: v }]);
    }
    if (!more) return { plan: { kind: 'values', rows, columns }, scope };
  }
  return { plan: { kind: 'function_rows', name, args, values: (v) => fn.values(v), columns }, scope };
}

/** The range name and column name of `AS s` / `AS s(x)`. */
function aliasOf(alias: Alias | undefined): { table: string | null; column: string | null } {
  if (alias === undefined) return { table: null, column: null };
  const columns = nameList(alias.colnames);
  if (columns.length > 1) throw new EonError('syntax_error', 'too many column aliases specified for function');
  return { table: alias.aliasname ?? null, column: columns[0] ?? null };
}
