// Rule: a scan whose filter fixes the leading primary-key columns to constants or parameters, or
// bounds the next one (<, <=, >, >=, BETWEEN), reads only that key range (Store.rowsInKeyRange: a
// range read of the delta and of the pk index per partition, one partition when the fixed columns
// cover the distribution key) instead of every row. Runs after key-lookup.ts (the whole key fixed
// is a point lookup) and index-lookup.ts (a secondary index fixing more columns keeps the scan).
// The filter stays whole on the scan, so the range only narrows which rows it looks at.

import type { Expr } from '../plan/expr.js';
import type { KeyRangeLookup, Plan } from '../plan/logical.js';

type Bound = { readonly expr: Expr; readonly inclusive: boolean };

/** `column op value` read left to right: `5 < a` is `a > 5`. */
const MIRROR: Readonly<Record<string, string>> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

/**
 * Key column kinds whose key encoding orders (and equates) values as SQL compares them, so a
 * byte range holds every row the comparison can select (text: code-point order, as compareCodePoints).
 */
export const KEY_RANGE_KINDS: ReadonlySet<string> = new Set(['bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'date', 'timestamp', 'timestamptz', 'text', 'varchar']);

export function keyRange(plan: Plan): Plan {
  if (plan.kind !== 'scan' || plan.filter === null || plan.keyLookup !== null || plan.keyRange !== undefined) return plan;
  const { table } = plan;
  const pk = table.primaryKey;
  if (pk.length === 0) return plan;
  const fixed = new Map<number, Expr>();
  const lower = new Map<number, Bound>();
  const upper = new Map<number, Bound>();
  for (const c of conjunctsOf(plan.filter)) {
    if (c.kind !== 'binary' || MIRROR[c.op] === undefined) continue;
    const direct = columnAndValue(c.left, c.right);
    const pair = direct ?? columnAndValue(c.right, c.left);
    if (pair === null || !pk.includes(pair.column)) continue;
    const kind = table.columns[pair.column]!.type.kind;
    // Only when the value already has the column's exact type: the key encoding is by type.
    if (pair.value.type.kind !== kind || !KEY_RANGE_KINDS.has(kind)) continue;
    const op = direct !== null ? c.op : MIRROR[c.op]!;
    const into = op === '=' ? null : op.startsWith('>') ? lower : upper;
    if (into === null) {
      if (!fixed.has(pair.column)) fixed.set(pair.column, pair.value);
    } else if (!into.has(pair.column)) into.set(pair.column, { expr: pair.value, inclusive: op.endsWith('=') });
  }
  const values: Expr[] = [];
  for (const c of pk) {
    const v = fixed.get(c);
    if (v === undefined) break;
    values.push(v);
  }
  if (values.length === pk.length) return plan; // a point lookup's case (key-lookup.ts)
  const next = pk[values.length]!;
  const lo = lower.get(next);
  const hi = upper.get(next);
  if (values.length === 0 && lo === undefined && hi === undefined) return plan;
  const index = plan.indexLookup;
  if (index !== undefined) {
    const whole = index.index.unique && index.values.length === index.index.columns.length;
    if (whole || index.values.length > values.length) return plan;
  }
  const range: KeyRangeLookup = { values, ...(lo === undefined ? {} : { lower: lo }), ...(hi === undefined ? {} : { upper: hi }) };
  const { indexLookup: _dropped, ...scan } = plan;
  return { ...scan, keyRange: range };
}

/**
 * A range bounded on one side only, with no key column fixed (`k > 5`), may hold most of a large
 * table: the data engines scan it in parallel rather than the coordinator reading it by key. Other
 * ranges (a fixed key prefix, or both bounds) are read by key on the coordinator.
 */
export function keyRangeMayBeWide(r: KeyRangeLookup): boolean {
  return r.values.length === 0 && (r.lower === undefined || r.upper === undefined);
}

/** The AND-ed terms of a filter, nested ANDs (BETWEEN's) flattened. */
function conjunctsOf(e: Expr): Expr[] {
  return e.kind === 'and' ? e.args.flatMap(conjunctsOf) : [e];
}

function columnAndValue(a: Expr, b: Expr): { column: number; value: Expr } | null {
  if (a.kind === 'column' && (b.kind === 'const' || b.kind === 'param')) return { column: a.index, value: b };
  return null;
}
