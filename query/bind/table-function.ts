// Set-returning functions in FROM: generate_series(start, stop [, step]) over integers and
// unnest(array) over eon's arrays (their text form). With constant arguments the rows are
// computed at bind time; with arguments from an enclosing query (psql's catalog queries pass
// columns) or from earlier FROM items (implicitly LATERAL, query/bind/lateral.ts) the function
// becomes a 'function_rows' node computing at most CORRELATED_ROWS_MAX rows per call, and a
// larger result fails with 54000 rather than being cut short.

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

/** Rows a table function over constant arguments may produce (they are planned as VALUES rows). */
export const CONSTANT_ROWS_MAX = 10_000;
/** Rows a table function over an enclosing query's or earlier FROM items' columns may produce per call (per outer or left row). */
export const CORRELATED_ROWS_MAX = 100_000;

/** One set-returning function: its output type, and its rows for given argument values. */
interface TableFunction {
  readonly type: ColumnType;
  /** The k-th output value (k from 0), or undefined past the last; throws when there are more than `max`. */
  at(args: readonly Value[], k: number, max: number): Value | undefined;
}

function tooMany(name: string, max: number): EonError {
  return new EonError('program_limit_exceeded', `${name}() in FROM returns more than ${max} rows here; eon has no set-returning functions beyond that yet`);
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
      at(values, k, max) {
        if (values.some((v) => v === null)) return undefined;
        const start = big(values[0]!);
        const stop = big(values[1]!);
        const step = values.length > 2 ? big(values[2]!) : 1n;
        if (step === 0n) throw new EonError('invalid_parameter_value', 'step size cannot equal zero');
        const count = stop < start === step < 0n || stop === start ? (stop - start) / step + 1n : 0n;
        if (count > BigInt(max)) throw tooMany('generate_series', max);
        if (BigInt(k) >= count) return undefined;
        const v = start + BigInt(k) * step;
        return type.kind === 'int8' ? v : Number(v);
      },
    },
  };
}

function unnestFunction(args: Expr[], ctx: LevelContext): { fn: TableFunction; args: Expr[] } {
  if (args.length !== 1) throw new EonError('feature_not_supported', 'unnest with several arrays is not supported yet');
  const k = args[0]!.type.kind;
  if (k !== 'text' && k !== 'varchar' && k !== 'unknown') throw new EonError('undefined_function', `function unnest(${k}) does not exist`);
  // The last array parsed: its rows are asked for one by one.
  let lastText: string | null = null;
  let lastItems: readonly Value[] = [];
  return {
    args: [coerce(args[0]!, T.text, 'implicit', ctx.stmt.params)],
    fn: {
      type: T.text,
      at(values, i, max) {
        if (values[0] === null) return undefined;
        if (values[0] !== lastText) {
          lastItems = parseArrayText(values[0] as string).items;
          lastText = values[0] as string;
        }
        const items = lastItems;
        if (items.length > max) throw tooMany('unnest', max);
        return i < items.length ? items[i] : undefined;
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
  else if (JSONB_TABLE_FUNCTIONS.has(name)) made = jsonbTableFunction(name, bound, (e) => coerce(e, T.jsonb, 'implicit', level.stmt.params), tooMany);
  else throw new EonError('feature_not_supported', `table function ${name}() in FROM is not supported yet`);
  const { fn, args } = made;

  const alias = aliasOf(item.alias);
  const rangeName = alias.table ?? name;
  const columnName = alias.column ?? jsonbOutColumn(name) ?? alias.table ?? name;
  const columns = [{ name: columnName, type: fn.type }];
  const scope = new Scope([{ table: rangeName, name: columnName, type: fn.type }]);

  if (args.every((a) => a.kind === 'const')) {
    const values = args.map((a) => (a as { value: Value }).value);
    const rows: Expr[][] = [];
    for (let k = 0; ; k++) {
      const v = fn.at(values, k, CONSTANT_ROWS_MAX);
      if (v === undefined) break;
      rows.push([{ kind: 'const', type: fn.type, value: v }]);
    }
    return { plan: { kind: 'values', rows, columns }, scope };
  }
  return { plan: { kind: 'function_rows', name, args, at: (v, k, max) => fn.at(v, k, max), rowsMax: CORRELATED_ROWS_MAX, columns }, scope };
}

/** The range name and column name of `AS s` / `AS s(x)`. */
function aliasOf(alias: Alias | undefined): { table: string | null; column: string | null } {
  if (alias === undefined) return { table: null, column: null };
  const columns = nameList(alias.colnames);
  if (columns.length > 1) throw new EonError('syntax_error', 'too many column aliases specified for function');
  return { table: alias.aliasname ?? null, column: columns[0] ?? null };
}
