// Rule: a scan whose filter fixes the leading columns of a secondary index to constants or
// parameters, or bounds the next one (<, <=, >, >=, BETWEEN), reads through the index (an LMDB
// range read, then one point read per row; query/execute/index-scan.ts scans instead when the
// range holds too many rows) rather than scanning every partition. Beside key-lookup.ts: a
// primary-key point lookup wins when both fit. The filter stays whole on the scan, so the index
// only narrows which rows it looks at.

import type { IndexSchema } from '../../storage/index.js';
import type { Expr } from '../plan/expr.js';
import type { IndexLookup, Plan } from '../plan/logical.js';
import { columnBounds, prefixBounds, type Bound } from './column-bounds.js';

export function indexLookup(plan: Plan): Plan {
  if (plan.kind !== 'scan' || plan.filter === null || plan.keyLookup !== null || plan.indexLookup !== undefined) return plan;
  const indexes = plan.table.indexes ?? [];
  if (indexes.length === 0) return plan;
  const bounds = columnBounds(plan.filter, plan.table, () => true);
  if (bounds.fixed.size === 0 && bounds.lower.size === 0 && bounds.upper.size === 0) return plan;
  // The index whose leading columns the filter fixes most (a unique one fixed whole first), then bounds.
  let best: { lookup: IndexLookup; score: number } | null = null;
  for (const index of indexes) {
    const { values, lower: lo, upper: hi } = prefixBounds(index.columns, bounds);
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
