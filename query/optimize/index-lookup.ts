// Rule: a scan whose filter fixes the leading columns of a secondary index to constants or
// parameters, or bounds the next one (<, <=, >, >=, BETWEEN), reads through the index (an LMDB
// range read, then one point read per row; query/execute/index-scan.ts scans instead when the
// range holds too many rows) rather than scanning every partition. Beside key-lookup.ts: a
// primary-key point lookup wins when both fit. The filter stays whole on the scan, so the index
// only narrows which rows it looks at.

import type { IndexSchema } from '../../storage/index.js';
import type { Expr } from '../plan/expr.js';
import type { IndexLookup, Plan } from '../plan/logical.js';

type Bound = { readonly expr: Expr; readonly inclusive: boolean };

/** `column op value` read left to right: `5 < a` is `a > 5`. */
const MIRROR: Readonly<Record<string, string>> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export function indexLookup(plan: Plan): Plan {
  if (plan.kind !== 'scan' || plan.filter === null || plan.keyLookup !== null || plan.indexLookup !== undefined) return plan;
  const indexes = plan.table.indexes ?? [];
  if (indexes.length === 0) return plan;
  const fixed = new Map<number, Expr>();
  const lower = new Map<number, Bound>();
  const upper = new Map<number, Bound>();
  for (const c of conjunctsOf(plan.filter)) {
    if (c.kind !== 'binary' || MIRROR[c.op] === undefined) continue;
    const direct = columnAndValue(c.left, c.right);
    const pair = direct ?? columnAndValue(c.right, c.left);
    // Only when the value already has the column's exact type: the key encoding is by type.
    if (pair === null || pair.value.type.kind !== plan.table.columns[pair.column]!.type.kind) continue;
    const op = direct !== null ? c.op : MIRROR[c.op]!;
    const into = op === '=' ? null : op.startsWith('>') ? lower : upper;
    if (into === null) {
      if (!fixed.has(pair.column)) fixed.set(pair.column, pair.value);
    } else if (!into.has(pair.column)) into.set(pair.column, { expr: pair.value, inclusive: op.endsWith('=') });
  }
  if (fixed.size === 0 && lower.size === 0 && upper.size === 0) return plan;
  // The index whose leading columns the filter fixes most (a unique one fixed whole first), then bounds.
  let best: { lookup: IndexLookup; score: number } | null = null;
  for (const index of indexes) {
    const values: Expr[] = [];
    for (const c of index.columns) {
      const v = fixed.get(c);
      if (v === undefined) break;
      values.push(v);
    }
    const next = index.columns[values.length];
    const lo = next === undefined ? undefined : lower.get(next);
    const hi = next === undefined ? undefined : upper.get(next);
    if (values.length === 0 && lo === undefined && hi === undefined) continue;
    const whole = index.unique && values.length === index.columns.length;
    const score = (whole ? 1000 : 0) + values.length * 2 + (lo !== undefined ? 0.5 : 0) + (hi !== undefined ? 0.5 : 0);
    if (best === null || score > best.score) best = { lookup: lookupOf(index, values, lo, hi), score };
  }
  return best === null ? plan : { ...plan, indexLookup: best.lookup };
}

function lookupOf(index: IndexSchema, values: Expr[], lower: Bound | undefined, upper: Bound | undefined): IndexLookup {
  return { index, values, ...(lower === undefined ? {} : { lower }), ...(upper === undefined ? {} : { upper }) };
}

/** The AND-ed terms of a filter, nested ANDs (BETWEEN's) flattened. */
function conjunctsOf(e: Expr): Expr[] {
  return e.kind === 'and' ? e.args.flatMap(conjunctsOf) : [e];
}

function columnAndValue(a: Expr, b: Expr): { column: number; value: Expr } | null {
  if (a.kind === 'column' && (b.kind === 'const' || b.kind === 'param')) return { column: a.index, value: b };
  return null;
}
