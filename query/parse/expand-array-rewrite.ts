// information_schema._pg_expandarray(arr) in a select list, as JDBC's DatabaseMetaData sends it
// (getPrimaryKeys, getBestRowIdentifier): PostgreSQL runs a set-returning function there and
// returns a composite (x, n) read as (…).x / (…).n. eon has neither set-returning functions in
// select lists nor composite values, so such a SELECT is rewritten into what it means:
//   SELECT …, (_pg_expandarray(a)).n AS k, _pg_expandarray(a) AS keys FROM f
//   → SELECT …, s - array_lower(a, 1) + 1 AS k, a[s] AS "keys.x", s - array_lower(a, 1) + 1 AS "keys.n"
//     FROM f, LATERAL generate_series(array_lower(a, 1), array_upper(a, 1)) AS __eon_expand(s)
// and a field of such a column, (q.keys).x, reads q."keys.x". Only statements that call
// _pg_expandarray are touched, and only a SELECT whose calls all expand the same array (calls in
// one select list run in lockstep in PostgreSQL: over one array that is one LATERAL series).

import type { Node } from '@pgsql/types';

const FUNCTION_NAME = '_pg_expandarray';
/** The LATERAL item's range name and column (the array subscript). */
const RANGE_NAME = '__eon_expand';
const SUBSCRIPT_COLUMN = 's';

type Json = Record<string, unknown>;

/** Catalog columns holding int2 arrays (their elements are attribute numbers or index options). */
const INT2_ARRAY_COLUMNS: ReadonlySet<string> = new Set(['indkey', 'indoption', 'conkey', 'confkey']);

/** The last name of a column reference node. */
function lastName(node: unknown): string | undefined {
  if (!isObject(node) || !isObject(node['ColumnRef'])) return undefined;
  const fields = (node['ColumnRef']['fields'] as unknown[] | undefined) ?? [];
  const last = fields[fields.length - 1];
  return isObject(last) && isObject(last['String']) ? (last['String']['sval'] as string) : undefined;
}

const str = (sval: string): Json => ({ String: { sval } });
const columnRef = (...names: string[]): Json => ({ ColumnRef: { fields: names.map(str) } });
const call = (name: string, args: unknown[]): Json => ({ FuncCall: { funcname: [str(name)], args, funcformat: 'COERCE_EXPLICIT_CALL' } });
const op = (name: string, lexpr: unknown, rexpr: unknown): Json => ({ A_Expr: { kind: 'AEXPR_OP', name: [str(name)], lexpr, rexpr } });
const int = (ival: number): Json => ({ A_Const: { ival: { ival } } });

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The array argument of a `[information_schema.]_pg_expandarray(arr)` call node, or undefined. */
function expandArgument(node: unknown): unknown {
  if (!isObject(node) || !isObject(node['FuncCall'])) return undefined;
  const fc = node['FuncCall'];
  const names = (fc['funcname'] as Json[] | undefined) ?? [];
  const last = names[names.length - 1];
  const name = isObject(last) && isObject(last['String']) ? last['String']['sval'] : undefined;
  const args = (fc['args'] as unknown[] | undefined) ?? [];
  if (name !== FUNCTION_NAME || args.length !== 1) return undefined;
  if (names.length === 2) {
    const schema = isObject(names[0]) && isObject(names[0]['String']) ? names[0]['String']['sval'] : undefined;
    if (schema !== 'information_schema') return undefined;
  }
  return args[0];
}

/** The statement with its _pg_expandarray select lists rewritten (a new tree; the input is not changed). */
export function rewriteExpandArray(ast: Node): Node {
  const copy = structuredClone(ast) as unknown;
  walk(copy);
  return copy as Node;
}

function walk(v: unknown): void {
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      walk(v[i]);
      v[i] = fieldOfColumn(v[i]) ?? v[i];
    }
    return;
  }
  if (!isObject(v)) return;
  const select = v['SelectStmt'];
  if (isObject(select)) rewriteSelect(select);
  for (const key of Object.keys(v)) {
    walk(v[key]);
    v[key] = fieldOfColumn(v[key]) ?? v[key];
  }
}

/** (q.col).field → q."col.field": the columns a rewritten composite became. */
function fieldOfColumn(node: unknown): Json | undefined {
  if (!isObject(node) || !isObject(node['A_Indirection'])) return undefined;
  const ind = node['A_Indirection'];
  const steps = (ind['indirection'] as Json[] | undefined) ?? [];
  const arg = ind['arg'];
  if (steps.length !== 1 || !isObject(steps[0]) || !isObject(steps[0]['String'])) return undefined;
  if (!isObject(arg) || !isObject(arg['ColumnRef'])) return undefined;
  const fields = ((arg['ColumnRef']['fields'] as Json[] | undefined) ?? []).map((f) => (isObject(f['String']) ? (f['String']['sval'] as string) : null));
  const field = steps[0]['String']['sval'] as string;
  if (fields.length === 0 || fields.some((f) => f === null) || (field !== 'x' && field !== 'n')) return undefined;
  const names = fields as string[];
  return columnRef(...names.slice(0, -1), `${names[names.length - 1]}.${field}`);
}

function rewriteSelect(select: Json): void {
  const targets = (select['targetList'] as Json[] | undefined) ?? [];
  const from = select['fromClause'] as unknown[] | undefined;
  if (from === undefined || from.length === 0) return;
  let array: unknown;
  let key: string | undefined;
  const sameArray = (arg: unknown): boolean => {
    // The same expression written twice differs only in its source locations.
    const k = JSON.stringify(arg, (name, value: unknown) => (name === 'location' ? undefined : value));
    if (key === undefined) {
      key = k;
      array = arg;
    }
    return key === k;
  };
  // Which targets expand: bare calls and (call).x / (call).n, all over one array.
  for (const t of targets) {
    const val = isObject(t['ResTarget']) ? t['ResTarget']['val'] : undefined;
    const bare = expandArgument(val);
    const inner = isObject(val) && isObject(val['A_Indirection']) ? expandArgument(val['A_Indirection']['arg']) : undefined;
    const arg = bare ?? inner;
    if (arg !== undefined && !sameArray(arg)) return;
  }
  if (key === undefined) return;
  const s = (): Json => columnRef(RANGE_NAME, SUBSCRIPT_COLUMN);
  const element: Json = { A_Indirection: { arg: structuredClone(array), indirection: [{ A_Indices: { uidx: s() } }] } };
  // A catalog array's element is untyped text until compared; through a subquery column it would
  // stay text, so the int2 arrays (indkey, conkey, …) say their element type here.
  const x = (): Json => (INT2_ARRAY_COLUMNS.has(lastName(array) ?? '') ? { TypeCast: { arg: structuredClone(element), typeName: { names: [str('pg_catalog'), str('int2')], typemod: -1 } } } : structuredClone(element));
  const n = (): Json => op('+', op('-', s(), call('array_lower', [structuredClone(array), int(1)])), int(1));
  const out: Json[] = [];
  for (const t of targets) {
    const rt = t['ResTarget'] as Json | undefined;
    const val = rt?.['val'];
    if (rt !== undefined && expandArgument(val) !== undefined) {
      // The composite becomes one column per field; PostgreSQL names it after the function.
      const name = (rt['name'] as string | undefined) ?? FUNCTION_NAME;
      out.push({ ResTarget: { name: `${name}.x`, val: x() } }, { ResTarget: { name: `${name}.n`, val: n() } });
      continue;
    }
    if (rt !== undefined && isObject(val) && isObject(val['A_Indirection']) && expandArgument(val['A_Indirection']['arg']) !== undefined) {
      const steps = (val['A_Indirection']['indirection'] as Json[] | undefined) ?? [];
      const field = steps.length === 1 && isObject(steps[0]) && isObject(steps[0]['String']) ? steps[0]['String']['sval'] : undefined;
      if (field !== 'x' && field !== 'n') return; // not a field of the result: left to fail as before
      out.push({ ResTarget: { ...rt, name: (rt['name'] as string | undefined) ?? field, val: field === 'x' ? x() : n() } });
      continue;
    }
    out.push(t);
  }
  select['targetList'] = out;
  const series = call('generate_series', [call('array_lower', [structuredClone(array), int(1)]), call('array_upper', [structuredClone(array), int(1)])]);
  from.push({ RangeFunction: { lateral: true, functions: [{ List: { items: [series, {}] } }], alias: { aliasname: RANGE_NAME, colnames: [str(SUBSCRIPT_COLUMN)] } } });
}
